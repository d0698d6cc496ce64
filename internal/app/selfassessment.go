package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/selfassess"
	"github.com/isms-dev/isms/internal/store"
)

// SelfAssessmentDetail is a run with what its answers add up to.
type SelfAssessmentDetail struct {
	Record  isms.SelfAssessment
	Scores  []selfassess.Score
	Overall selfassess.Score
	Plan    []selfassess.Item
}

func selfAssessmentDetail(r isms.SelfAssessment) SelfAssessmentDetail {
	scores := selfassess.Scores(r.Answers)
	return SelfAssessmentDetail{Record: r, Scores: scores, Overall: selfassess.Overall(scores), Plan: selfassess.Plan(r.Answers)}
}

// SelfAssessments lists the runs of the self-assessment, newest first,
// each with its scores and plan.
func (s *Service) SelfAssessments(ctx context.Context, a Access) ([]SelfAssessmentDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	runs, err := s.db.SelfAssessments(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	out := make([]SelfAssessmentDetail, 0, len(runs))
	for _, r := range runs {
		out = append(out, selfAssessmentDetail(r))
	}
	return out, nil
}

// SelfAssessment returns one run by id or reference (SA-002, 2).
func (s *Service) SelfAssessment(ctx context.Context, a Access, ref string) (SelfAssessmentDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return SelfAssessmentDetail{}, err
	}
	r, err := selfAssessmentByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return SelfAssessmentDetail{}, err
	}
	return selfAssessmentDetail(r), nil
}

func selfAssessmentByRef(ctx context.Context, r store.Reads, orgID, ref string) (isms.SelfAssessment, error) {
	digits, _ := strings.CutPrefix(strings.ToUpper(ref), "SA-")
	if n, err := strconv.Atoi(digits); err == nil && n > 0 {
		return r.SelfAssessmentByRef(ctx, orgID, n)
	}
	return r.SelfAssessment(ctx, orgID, ref)
}

// StartSelfAssessment begins a new run. One run is answered at a time, so
// that two people do not fill in two half-answered drafts.
func (s *Service) StartSelfAssessment(ctx context.Context, a Access) (isms.SelfAssessment, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.SelfAssessment{}, err
	}
	var out isms.SelfAssessment
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		// The lock keeps two concurrent starts from both finding no draft.
		if err := tx.LockChain(ctx, a.Org.ID); err != nil {
			return err
		}
		runs, err := tx.SelfAssessments(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		for _, r := range runs {
			if r.Status == isms.SelfAssessmentDraft {
				return &isms.ConflictError{Field: "status", Detail: r.Ref() + " is still being answered; complete it before starting another"}
			}
		}
		out, err = tx.CreateSelfAssessment(ctx, isms.SelfAssessment{OrgID: a.Org.ID, Status: isms.SelfAssessmentDraft,
			StartedBy: a.Member.ID})
		return err
	})
	return out, err
}

// SelfAssessmentInput changes a run. Answers are merged into those given
// before; an answer with an empty value withdraws the question's answer.
// Status "completed" completes the run once every question is answered.
type SelfAssessmentInput struct {
	Answers map[string]selfassess.Answer
	Status  *string
}

// AnswerSelfAssessment records answers and completes a run. A completed
// run keeps its answers as they were, for comparison with the next run.
func (s *Service) AnswerSelfAssessment(ctx context.Context, a Access, ref string, in SelfAssessmentInput) (SelfAssessmentDetail, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return SelfAssessmentDetail{}, err
	}
	var out isms.SelfAssessment
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		r, err := selfAssessmentByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if r.Status == isms.SelfAssessmentCompleted {
			return &isms.ConflictError{Field: "status", Detail: r.Ref() + " is completed; start a new run to answer again"}
		}
		v := &isms.ValidationError{}
		if r.Answers == nil {
			r.Answers = map[string]selfassess.Answer{}
		}
		for _, id := range slices.Sorted(maps.Keys(in.Answers)) {
			ans := in.Answers[id]
			ans.Note = strings.TrimSpace(ans.Note)
			field := "answers." + id
			if _, ok := selfassess.Lookup(id); !ok {
				v.Add(field, "is not a question of the self-assessment")
				continue
			}
			if ans.Value == "" {
				delete(r.Answers, id)
				continue
			}
			if msg := ans.Check(); msg != "" {
				v.Add(field, "%s", msg)
				continue
			}
			r.Answers[id] = ans
		}
		if in.Status != nil {
			switch isms.SelfAssessmentStatus(*in.Status) {
			case isms.SelfAssessmentDraft:
			case isms.SelfAssessmentCompleted:
				if n := selfassess.Overall(selfassess.Scores(r.Answers)).Unanswered; n > 0 {
					v.Add("status", "%d questions are not answered yet; answer them, with not applicable where they do not apply", n)
				}
				r.Status, r.CompletedBy, r.CompletedAt = isms.SelfAssessmentCompleted, a.Member.ID, ptrTime(tx.Now())
			default:
				v.Add("status", "%q is not draft or completed", *in.Status)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		out, err = tx.UpdateSelfAssessment(ctx, r)
		return err
	})
	if err != nil {
		return SelfAssessmentDetail{}, err
	}
	return selfAssessmentDetail(out), nil
}

func ptrTime(t time.Time) *time.Time { return &t }

// CreatedTask is a control task created from a gap of the plan.
type CreatedTask struct {
	Question selfassess.Question
	Task     isms.ControlTask
}

// SelfAssessmentTasks is what creating the tasks did.
type SelfAssessmentTasks struct {
	Record  isms.SelfAssessment
	Created []CreatedTask
	// Existing counts gaps whose task an earlier press already created;
	// NoControl the gaps of clause questions no control carries.
	Existing, NoControl int
}

// CreateSelfAssessmentTasks turns the action plan into implementation
// tasks on the controls the questions name, in the plan's order, due in
// 30, 60 or 90 days by weight and assigned to assigneeID (the caller when
// empty). Gaps already turned into a task by this run are skipped, so
// pressing the button again after more answers adds only the new ones.
// Everything is one transaction: the run remembers exactly the tasks that
// exist.
func (s *Service) CreateSelfAssessmentTasks(ctx context.Context, a Access, ref, assigneeID string) (SelfAssessmentTasks, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return SelfAssessmentTasks{}, err
	}
	if assigneeID == "" {
		assigneeID = a.Member.ID
	}
	var out SelfAssessmentTasks
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		out = SelfAssessmentTasks{}
		r, err := selfAssessmentByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if r.Tasks == nil {
			r.Tasks = map[string]string{}
		}
		for _, it := range selfassess.Plan(r.Answers) {
			q := it.Question
			switch {
			case q.Control == "":
				out.NoControl++
				continue
			case r.Tasks[q.ID] != "":
				out.Existing++
				continue
			}
			due := tx.Now().AddDate(0, 0, selfassess.DueDays(q.Weight))
			t, err := s.saveControlTask(ctx, tx, a, q.Control, "", TaskInput{Title: q.Task, AssigneeID: assigneeID, DueDate: &due})
			if err != nil {
				if fields := isms.FieldErrors(err); fields != nil {
					// The assignee is the only field the caller chose.
					return isms.Invalid("assignee_id", "%s", fields[0].Detail)
				}
				return fmt.Errorf("task for %s on %s: %w", q.ID, q.Control, err)
			}
			r.Tasks[q.ID] = t.ID
			out.Created = append(out.Created, CreatedTask{Question: q, Task: t})
		}
		if len(out.Created) > 0 {
			if r, err = tx.UpdateSelfAssessment(ctx, r); err != nil {
				return err
			}
		}
		out.Record = r
		return nil
	})
	return out, err
}
