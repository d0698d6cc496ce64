package httpapi

import (
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/selfassess"
)

// questionJSON is a question of the self-assessment. Control is null for
// a clause question whose gap no control carries.
type questionJSON struct {
	ID        string   `json:"id"`
	Section   string   `json:"section"`
	Text      string   `json:"text"`
	Why       string   `json:"why"`
	Weight    int      `json:"weight"`
	AI        bool     `json:"ai"`
	Refs      []string `json:"refs"`
	TaskTitle string   `json:"task_title"`
	Control   *string  `json:"control"`
}

func toQuestionJSON(q selfassess.Question) questionJSON {
	return questionJSON{ID: q.ID, Section: q.Section, Text: q.Text, Why: q.Why, Weight: q.Weight, AI: q.AI, Refs: q.Refs,
		TaskTitle: q.Task, Control: nullable(q.Control)}
}

type sectionJSON struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Questions []questionJSON `json:"questions"`
}

func (a *API) selfAssessmentQuestions(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	if !acc.Can(isms.PermRead) {
		return isms.ErrForbidden
	}
	var out struct {
		Sections []sectionJSON `json:"sections"`
	}
	for _, s := range selfassess.Sections() {
		sj := sectionJSON{ID: s.ID, Title: s.Title, Questions: []questionJSON{}}
		for _, q := range selfassess.Questions() {
			if q.Section == s.ID {
				sj.Questions = append(sj.Questions, toQuestionJSON(q))
			}
		}
		out.Sections = append(out.Sections, sj)
	}
	return writeJSON(w, http.StatusOK, out)
}

type scoreJSON struct {
	Section       string   `json:"section"`
	Title         string   `json:"title"`
	Questions     int      `json:"questions"`
	Yes           int      `json:"yes"`
	Partly        int      `json:"partly"`
	No            int      `json:"no"`
	NotApplicable int      `json:"not_applicable"`
	Unanswered    int      `json:"unanswered"`
	Percent       *float64 `json:"percent"`
}

func toScoreJSON(s selfassess.Score) scoreJSON {
	return scoreJSON{Section: s.Section.ID, Title: s.Section.Title, Questions: s.Questions, Yes: s.Yes, Partly: s.Partly, No: s.No,
		NotApplicable: s.NotApplicable, Unanswered: s.Unanswered, Percent: s.Percent}
}

// planItemJSON is a gap of the action plan; task_id is set once the run
// created its task.
type planItemJSON struct {
	QuestionID string  `json:"question_id"`
	Section    string  `json:"section"`
	Weight     int     `json:"weight"`
	Answer     string  `json:"answer"`
	Note       string  `json:"note"`
	TaskTitle  string  `json:"task_title"`
	Control    *string `json:"control"`
	DueInDays  int     `json:"due_in_days"`
	TaskID     *string `json:"task_id"`
}

type selfAssessmentJSON struct {
	ID          string                       `json:"id"`
	Ref         string                       `json:"ref"`
	Status      string                       `json:"status"`
	StartedBy   *string                      `json:"started_by"`
	CompletedBy *string                      `json:"completed_by"`
	CompletedAt *time.Time                   `json:"completed_at"`
	Answers     map[string]selfassess.Answer `json:"answers"`
	Tasks       map[string]string            `json:"tasks"`
	Overall     scoreJSON                    `json:"overall"`
	Scores      []scoreJSON                  `json:"scores"`
	Plan        []planItemJSON               `json:"plan"`
	CreatedAt   time.Time                    `json:"created_at"`
	UpdatedAt   time.Time                    `json:"updated_at"`
}

func toSelfAssessmentJSON(d app.SelfAssessmentDetail) selfAssessmentJSON {
	r := d.Record
	out := selfAssessmentJSON{ID: r.ID, Ref: r.Ref(), Status: string(r.Status), StartedBy: nullable(r.StartedBy),
		CompletedBy: nullable(r.CompletedBy), CompletedAt: r.CompletedAt, Answers: r.Answers, Tasks: r.Tasks,
		Overall: toScoreJSON(d.Overall), Scores: make([]scoreJSON, 0, len(d.Scores)), Plan: make([]planItemJSON, 0, len(d.Plan)),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if out.Answers == nil {
		out.Answers = map[string]selfassess.Answer{}
	}
	if out.Tasks == nil {
		out.Tasks = map[string]string{}
	}
	for _, s := range d.Scores {
		out.Scores = append(out.Scores, toScoreJSON(s))
	}
	for _, it := range d.Plan {
		q := it.Question
		out.Plan = append(out.Plan, planItemJSON{QuestionID: q.ID, Section: q.Section, Weight: q.Weight, Answer: string(it.Answer.Value),
			Note: it.Answer.Note, TaskTitle: q.Task, Control: nullable(q.Control), DueInDays: selfassess.DueDays(q.Weight),
			TaskID: nullable(r.Tasks[q.ID])})
	}
	return out
}

func (a *API) listSelfAssessments(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	runs, err := a.svc.SelfAssessments(r.Context(), acc)
	if err != nil {
		return err
	}
	out := newList(make([]selfAssessmentJSON, 0, len(runs)), "")
	for _, d := range runs {
		out.Items = append(out.Items, toSelfAssessmentJSON(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) startSelfAssessment(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	run, err := a.svc.StartSelfAssessment(r.Context(), acc)
	if err != nil {
		return err
	}
	d, err := a.svc.SelfAssessment(r.Context(), acc, run.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toSelfAssessmentJSON(d))
}

func (a *API) getSelfAssessment(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.svc.SelfAssessment(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toSelfAssessmentJSON(d))
}

// selfAssessmentWrite merges answers into a run; an answer with an empty
// value withdraws it. Status "completed" completes the run.
type selfAssessmentWrite struct {
	Answers map[string]selfassess.Answer `json:"answers"`
	Status  *string                      `json:"status"`
}

func (a *API) patchSelfAssessment(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in selfAssessmentWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.svc.AnswerSelfAssessment(r.Context(), acc, id, app.SelfAssessmentInput{Answers: in.Answers, Status: in.Status})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toSelfAssessmentJSON(d))
}

type createdTaskJSON struct {
	QuestionID string  `json:"question_id"`
	Control    string  `json:"control"`
	TaskID     string  `json:"task_id"`
	Title      string  `json:"title"`
	AssigneeID string  `json:"assignee_id"`
	DueDate    *string `json:"due_date"`
}

// createSelfAssessmentTasks turns the plan into control tasks. The body
// is optional: without one, the tasks are assigned to the caller.
func (a *API) createSelfAssessmentTasks(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	var in struct {
		AssigneeID string `json:"assignee_id"`
	}
	if r.ContentLength != 0 {
		if err := a.decode(w, r, &in); err != nil {
			return err
		}
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	res, err := a.svc.CreateSelfAssessmentTasks(r.Context(), acc, id, in.AssigneeID)
	if err != nil {
		return err
	}
	d, err := a.svc.SelfAssessment(r.Context(), acc, res.Record.ID)
	if err != nil {
		return err
	}
	out := struct {
		Created        []createdTaskJSON  `json:"created"`
		Existing       int                `json:"existing"`
		NoControl      int                `json:"no_control"`
		SelfAssessment selfAssessmentJSON `json:"self_assessment"`
	}{Created: []createdTaskJSON{}, Existing: res.Existing, NoControl: res.NoControl, SelfAssessment: toSelfAssessmentJSON(d)}
	for _, c := range res.Created {
		out.Created = append(out.Created, createdTaskJSON{QuestionID: c.Question.ID, Control: c.Question.Control, TaskID: c.Task.ID,
			Title: c.Task.Title, AssigneeID: c.Task.AssigneeID, DueDate: formatDate(c.Task.DueDate)})
	}
	return writeJSON(w, http.StatusOK, out)
}
