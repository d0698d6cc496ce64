package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/selfassess"
)

// registerSelfAssessmentPages adds the self-assessment "Where do we
// stand?": its runs, the questionnaire with one form per section, and the
// results with the action plan that becomes control tasks.
func (u *UI) registerSelfAssessmentPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/self-assessment", u.inOrg(u.selfAssessmentsPage))
	r.Handle("POST", "/o/{org}/self-assessment", u.inOrg(u.startSelfAssessment))
	r.Handle("GET", "/o/{org}/self-assessment/{id}", u.inOrg(u.selfAssessmentPage))
	r.Handle("POST", "/o/{org}/self-assessment/{id}", u.inOrg(u.answerSelfAssessment))
	r.Handle("POST", "/o/{org}/self-assessment/{id}/status", u.inOrg(u.completeSelfAssessment))
	r.Handle("POST", "/o/{org}/self-assessment/{id}/tasks", u.inOrg(u.createSelfAssessmentTasks))
}

// Score writes a section's score; nil means nothing was judged.
func (labels) Score(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", *p)
}

// AnswerLabel names an answer.
func (labels) AnswerLabel(v selfassess.Value) string { return v.Label() }

// SectionTitle names a section of the question set.
func (labels) SectionTitle(id string) string { return selfassess.SectionTitle(id) }

func (q *request) selfAssessmentPath(r isms.SelfAssessment, parts ...string) string {
	return q.orgPath(append([]string{"self-assessment", r.Ref()}, parts...)...)
}

// ---------------------------------------------------------------------
// The runs.

type selfAssessmentRow struct {
	app.SelfAssessmentDetail
	Link, StartedBy string
}

type selfAssessmentsPage struct {
	Page
	labels
	Rows      []selfAssessmentRow
	Questions int
	AI        int
	CanWrite  bool
	// Draft is the run being answered, which a new one would compete with.
	Draft string
}

func (u *UI) selfAssessmentsPage(q *request) error {
	runs, err := u.svc.SelfAssessments(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page := &selfAssessmentsPage{CanWrite: q.access.Can(isms.PermWriteRecords)}
	page.Title, page.Section = "Where do we stand?", "self-assessment"
	for _, qu := range selfassess.Questions() {
		page.Questions++
		if qu.AI {
			page.AI++
		}
	}
	for _, r := range runs {
		page.Rows = append(page.Rows, selfAssessmentRow{SelfAssessmentDetail: r, Link: q.selfAssessmentPath(r.Record),
			StartedBy: ppl.Name(r.Record.StartedBy)})
		if r.Record.Status == isms.SelfAssessmentDraft {
			page.Draft = r.Record.Ref()
		}
	}
	return u.render(q, http.StatusOK, "self_assessments", page)
}

func (u *UI) startSelfAssessment(q *request) error {
	r, err := u.svc.StartSelfAssessment(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	return u.redirect(q, q.selfAssessmentPath(r), r.Ref()+" started. Answer the sections in any order; each is saved on its own.")
}

// ---------------------------------------------------------------------
// One run.

type questionView struct {
	selfassess.Question
	Answer selfassess.Answer
	Error  string
	// TaskLink is the control of the task this run created from the
	// question's gap, if any.
	TaskLink string
}

type sectionView struct {
	selfassess.Section
	Score     selfassess.Score
	Questions []questionView
	// Errors is set on the section whose form failed.
	Errors bool
}

type planView struct {
	selfassess.Item
	Due          int
	ControlLink  string
	ControlLabel string
	TaskCreated  bool
}

type selfAssessmentPage struct {
	Page
	labels
	Run       app.SelfAssessmentDetail
	StartedBy string
	Sections  []sectionView
	Plan      []planView
	Values    []selfassess.Value
	Runs      string
	// MayAnswer: a writer, while the run is a draft.
	MayAnswer bool
	// MayCreateTasks: a writer, when some gap has a control without a task.
	MayCreateTasks bool
	StatusError    string
}

func (u *UI) selfAssessmentPage(q *request) error {
	return u.showSelfAssessment(q, http.StatusOK, nil, "")
}

// showSelfAssessment renders a run; failed carries the answers of a
// section form that was refused, with their problems, so nothing typed is
// lost.
func (u *UI) showSelfAssessment(q *request, status int, failed map[string]questionView, statusErr string) error {
	d, err := u.svc.SelfAssessment(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page := newSelfAssessmentPage(d, failed, q.controlPath, q.access.Can(isms.PermWriteRecords))
	page.StartedBy, page.Runs, page.StatusError = ppl.Name(d.Record.StartedBy), q.orgPath("self-assessment"), statusErr
	return u.render(q, status, "self_assessment", page)
}

// newSelfAssessmentPage lays a run out by section, with the questions'
// answers, and its plan with the controls the tasks go on.
func newSelfAssessmentPage(d app.SelfAssessmentDetail, failed map[string]questionView, controlPath func(string, ...string) string,
	writer bool) *selfAssessmentPage {
	page := &selfAssessmentPage{Run: d, Values: selfassess.Values, MayAnswer: writer && d.Record.Status == isms.SelfAssessmentDraft}
	page.Title, page.Section = d.Record.Ref()+": where do we stand?", "self-assessment"
	bySection := map[string]*sectionView{}
	for i, s := range d.Scores {
		page.Sections = append(page.Sections, sectionView{Section: s.Section, Score: d.Scores[i]})
	}
	for i := range page.Sections {
		bySection[page.Sections[i].ID] = &page.Sections[i]
	}
	for _, qu := range selfassess.Questions() {
		v := questionView{Question: qu, Answer: d.Record.Answers[qu.ID]}
		if f, ok := failed[qu.ID]; ok {
			v.Answer, v.Error = f.Answer, f.Error
			if f.Error != "" {
				bySection[qu.Section].Errors = true
			}
		}
		if d.Record.Tasks[qu.ID] != "" {
			v.TaskLink = controlPath(qu.Control)
		}
		s := bySection[qu.Section]
		s.Questions = append(s.Questions, v)
	}
	for _, it := range d.Plan {
		pv := planView{Item: it, Due: selfassess.DueDays(it.Question.Weight), TaskCreated: d.Record.Tasks[it.Question.ID] != ""}
		if c := it.Question.Control; c != "" {
			pv.ControlLink, pv.ControlLabel = controlPath(c), strings.TrimPrefix(c, "iso27001-2022:")
			page.MayCreateTasks = page.MayCreateTasks || (writer && !pv.TaskCreated)
		}
		page.Plan = append(page.Plan, pv)
	}
	return page
}

// answerSelfAssessment saves one section's form: a radio button and a
// note per question. A question left without a choice is left as it was.
func (u *UI) answerSelfAssessment(q *request) error {
	if err := q.r.ParseForm(); err != nil {
		return isms.Invalid("form", "cannot be read")
	}
	section := q.r.PostFormValue("section")
	in := app.SelfAssessmentInput{Answers: map[string]selfassess.Answer{}}
	for _, qu := range selfassess.Questions() {
		if qu.Section != section {
			continue
		}
		v := selfassess.Value(q.r.PostFormValue("answer." + qu.ID))
		if v == "" {
			continue
		}
		in.Answers[qu.ID] = selfassess.Answer{Value: v, Note: q.r.PostFormValue("note." + qu.ID)}
	}
	d, err := u.svc.AnswerSelfAssessment(q.r.Context(), q.access, q.r.PathValue("id"), in)
	if err == nil {
		return u.redirect(q, q.selfAssessmentPath(d.Record)+"#section-"+anchorID(section),
			selfassess.SectionTitle(section)+": answers saved.")
	}
	fields := isms.FieldErrors(err)
	if fields == nil {
		return err
	}
	failed := map[string]questionView{}
	for id, a := range in.Answers {
		failed[id] = questionView{Answer: a}
	}
	for _, f := range fields {
		id, _ := strings.CutPrefix(f.Field, "answers.")
		v := failed[id]
		v.Error = f.Detail
		failed[id] = v
	}
	return u.showSelfAssessment(q, http.StatusUnprocessableEntity, failed, "")
}

func anchorID(section string) string { return strings.ReplaceAll(section, ".", "-") }

// AnchorID is a section's id as a fragment.
func (labels) AnchorID(section string) string { return anchorID(section) }

func (u *UI) completeSelfAssessment(q *request) error {
	st := string(isms.SelfAssessmentCompleted)
	d, err := u.svc.AnswerSelfAssessment(q.r.Context(), q.access, q.r.PathValue("id"), app.SelfAssessmentInput{Status: &st})
	if err == nil {
		return u.redirect(q, q.selfAssessmentPath(d.Record), d.Record.Ref()+" completed. Its answers are kept as they are; run it again later to compare.")
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showSelfAssessment(q, http.StatusUnprocessableEntity, nil, fields[0].Detail)
	}
	return err
}

func (u *UI) createSelfAssessmentTasks(q *request) error {
	res, err := u.svc.CreateSelfAssessmentTasks(q.r.Context(), q.access, q.r.PathValue("id"), "")
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%d tasks created on their controls, assigned to you", len(res.Created))
	if res.Existing > 0 {
		msg += fmt.Sprintf("; %d already existed", res.Existing)
	}
	if res.NoControl > 0 {
		msg += fmt.Sprintf("; %d gaps of the clauses have no control and stay in the plan", res.NoControl)
	}
	return u.redirect(q, q.selfAssessmentPath(res.Record)+"#plan", msg+".")
}
