package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/soa"
)

// registerControlPages adds the pages of the organisation's controls. A
// control's reference may hold slashes, so it comes last in every path
// ({ref...}) and the actions on it come before it; references start with
// a framework id and a colon, which no action's name holds.
func (u *UI) registerControlPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/controls/{ref...}", u.inOrg(u.controlPage))
	r.Handle("GET", "/o/{org}/controls/edit/{ref...}", u.inOrg(u.editControlPage))
	r.Handle("POST", "/o/{org}/controls/edit/{ref...}", u.inOrg(u.updateControl))
	r.Handle("POST", "/o/{org}/controls/reasons/{ref...}", u.inOrg(u.addControlReason))
	r.Handle("POST", "/o/{org}/controls/remove-reason/{ref...}", u.inOrg(u.removeControlReason))
	r.Handle("POST", "/o/{org}/controls/tasks/{ref...}", u.inOrg(u.saveControlTask))
	r.Handle("POST", "/o/{org}/controls/requests/{ref...}", u.inOrg(u.requestEvidence))
	r.Handle("POST", "/o/{org}/controls/cancel-request/{ref...}", u.inOrg(u.cancelEvidenceRequest))
}

// mayEditControl mirrors the app's rule: anyone who may write records,
// and a contributor on the controls they own.
func mayEditControl(a app.Access, c isms.Control) bool {
	return a.Can(isms.PermWriteRecords) || (a.Role == isms.RoleContributor && a.Member.ID != "" && a.Member.ID == c.OwnerID)
}

// controlCite is how people cite a control: A.8.8, or the code of one of
// the organisation's own.
func controlCite(d app.ControlDetail, ref string) string {
	if d.Item != nil {
		return d.Item.Cite()
	}
	if d.Entry.ID != "" {
		return d.Entry.ID
	}
	_, item, _ := strings.Cut(ref, ":")
	return item
}

func controlTitle(d app.ControlDetail) string {
	switch {
	case d.Item != nil:
		return d.Item.Title
	case d.Record.Title != "":
		return d.Record.Title
	}
	return d.Entry.Title
}

// safeBack is a form's return address when it is a page of the current
// organisation, else fallback.
func (q *request) safeBack(back, fallback string) string {
	if back != "" && safeNext(back) == back && strings.HasPrefix(back, q.orgPath()) {
		return back
	}
	return fallback
}

// dayStart reads a date field as the start of that day, UTC.
func dayStart(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return nil, isms.Invalid(field, "%q is not a date", s)
	}
	return &d, nil
}

// ---------------------------------------------------------------------
// The control's page.

type controlEvidenceRow struct {
	soa.EvidenceItem
	Link, FileLink, FreshnessLabel string
}

// KindOf is the item's kind as the domain names it.
func (r controlEvidenceRow) KindOf() isms.EvidenceKind { return isms.EvidenceKind(r.Kind) }

type controlTaskRow struct {
	isms.ControlTask
	Assignee string
	Overdue  bool
}

type controlRequestRow struct {
	isms.EvidenceRequest
	Assignee     string
	Overdue      bool
	UploadLink   string
	EvidenceLink string
}

type controlRefinement struct {
	soa.Refinement
	Link string
}

type controlReasonForm struct{ Kind, Title, URL string }

type controlTaskForm struct{ Title, AssigneeID, DueDate string }

type controlRequestForm struct{ Title, AssigneeID, DueDate string }

// controlState is what a refused form post shows on the control's page.
type controlState struct {
	ReasonForm    controlReasonForm
	ReasonErrors  map[string]string
	TaskForm      controlTaskForm
	TaskErrors    map[string]string
	RequestForm   controlRequestForm
	RequestErrors map[string]string
	Refusal       string
}

// controlActions are where the forms of a control's page post.
type controlActions struct {
	Tasks, Reasons, RemoveReason, Requests, CancelRequest string
}

type controlPage struct {
	Page
	controlState
	labels
	Actions        controlActions
	Ref            string
	Path           string
	Detail         app.ControlDetail
	Entry          soa.Entry
	Cite           string
	ControlTitle   string
	FrameworkTitle string
	ItemLink       string
	Owner          string
	Risks          []soa.Reason
	// Required are the applicable obligations that include the control.
	Required []soa.Reason
	Reasons  []isms.ControlReason
	// Obligations are every obligation the control meets, applicable or
	// not.
	Obligations    []obligationRow
	NewObligation  string
	Refinements    []controlRefinement
	Evidence       []controlEvidenceRow
	Freshness      string
	FreshnessLabel string
	Tasks          []controlTaskRow
	Requests       []controlRequestRow
	People         []isms.Member
	ReasonKinds    []isms.ReasonKind
	Cadences       []isms.Cadence
	HistoryLink    string
	EditLink       string
	SoALink        string
	CanEdit        bool
	CanUpload      bool
	Today          string
	MaxUpload      string
	MaxBytes       int64
	Back           string
	// Vuln is the live evidence of vulnerability management, on the
	// controls it is evidence for.
	Vuln *vulnMetricsView
	// Suppliers is the live evidence of the supplier register, on the
	// controls of supplier relationships.
	Suppliers *supplierMetricsView
	// Documents are the policies and procedures in force that address
	// the control.
	Documents []docRow
	// Continuity is the continuity register, on the controls it is
	// evidence for.
	Continuity *continuityEvidence
	// Incidents is the live evidence of incident management, on the
	// controls it is evidence for.
	Incidents *incidentMetricsView
	// Training is the live evidence of awareness training, on A.6.3.
	Training *trainingMetricsView
}

// ApplicabilityLabel names the control's applicability.
func (p *controlPage) ApplicabilityLabel() string { return applicabilityLabel(p.Entry.Applicability) }

// DerivedFrom are the risks and obligations that include the control.
func (p *controlPage) DerivedFrom() []soa.Reason { return append(slices.Clone(p.Risks), p.Required...) }

// ReasonKindLabel names the kind of a reason of the statement.
func (p *controlPage) ReasonKindLabel(kind string) string { return isms.ReasonKind(kind).Label() }

// RiskRefs lists the risks and obligations that include the control.
func (p *controlPage) RiskRefs() string { return soaRow{Risks: p.Risks, Others: p.Required}.RiskRefs() }

func (u *UI) controlPage(q *request) error {
	return u.showControl(q, http.StatusOK, controlState{})
}

func (u *UI) showControl(q *request, status int, state controlState) error {
	ctx := q.r.Context()
	ref := q.r.PathValue("ref")
	d, err := u.svc.Control(ctx, q.access, ref)
	if err != nil {
		return err
	}
	page := &controlPage{controlState: state, Ref: ref, Path: q.controlPath(ref), Detail: d, Entry: d.Entry,
		Cite: controlCite(d, ref), ControlTitle: controlTitle(d), ReasonKinds: isms.ReasonKinds, Cadences: isms.Cadences,
		CanEdit: mayEditControl(q.access, d.Record), Today: time.Now().UTC().Format("2006-01-02"),
		MaxBytes: u.svc.EvidenceMaxSize()}
	page.MaxUpload = formatBytes(page.MaxBytes)
	page.Actions = controlActions{Tasks: q.controlPath(ref, "tasks"), Reasons: q.controlPath(ref, "reasons"),
		RemoveReason: q.controlPath(ref, "remove-reason"), Requests: q.controlPath(ref, "requests"),
		CancelRequest: q.controlPath(ref, "cancel-request")}
	page.Title, page.Section = page.Cite+" "+page.ControlTitle, "soa"
	page.Back = page.Path + "#evidence"
	page.EditLink = q.controlPath(ref, "edit")
	// A contributor uploads evidence for the controls they own; the app
	// decides, the page only leaves out a form that would be refused.
	page.CanUpload = q.access.Can(isms.PermWriteRecords) || (q.access.Role == isms.RoleContributor && q.access.Member.ID == d.Record.OwnerID && d.Record.OwnerID != "")
	if d.Framework != nil {
		page.FrameworkTitle = d.Framework.Title()
		page.SoALink = q.orgPath("soa", d.Framework.ID) + "#" + controlAnchor(ref)
		if d.Item != nil {
			page.ItemLink = q.itemPath(d.Framework.ID, d.Item.ID)
		}
	} else {
		page.FrameworkTitle = "The organisation's own controls"
		page.SoALink = q.orgPath("soa")
	}
	if d.Record.ID != "" {
		page.HistoryLink = q.orgPath("history", "control", d.Record.ID)
	}
	page.Owner = d.Members[d.Record.OwnerID]
	for _, r := range d.Entry.Reasons {
		switch {
		case r.Kind == "risk":
			page.Risks = append(page.Risks, r)
		case isObligationReason(r):
			page.Required = append(page.Required, r)
		}
	}
	page.Reasons = d.Reasons
	obligations, err := u.svc.ControlObligations(ctx, q.access, ref)
	if err != nil {
		return err
	}
	for _, o := range obligations {
		page.Obligations = append(page.Obligations, obligationRow{Obligation: o, Link: q.orgPath("obligations", o.ID), Overdue: o.Overdue(time.Now())})
	}
	page.NewObligation = q.orgPath("obligations", "new") + "?control=" + url.QueryEscape(ref)
	for _, r := range d.Entry.Refinements {
		rf := controlRefinement{Refinement: r}
		if pr, err := framework.ParseRef(r.Ref); err == nil {
			rf.Link = q.itemPath(pr.Framework, pr.Item)
		}
		page.Refinements = append(page.Refinements, rf)
	}
	for _, ev := range d.Entry.Evidence {
		row := controlEvidenceRow{EvidenceItem: ev, Link: q.orgPath("evidence", ev.ID), FreshnessLabel: ev.Freshness.Label()}
		if ev.Kind == string(isms.EvidenceFile) {
			row.FileLink = q.orgPath("evidence", ev.ID, "file")
		}
		page.Evidence = append(page.Evidence, row)
	}
	page.Freshness = entryFreshness(d.Entry)
	page.FreshnessLabel = freshnessLabel(page.Freshness)
	now := time.Now()
	for _, t := range d.Tasks {
		page.Tasks = append(page.Tasks, controlTaskRow{ControlTask: t, Assignee: d.Members[t.AssigneeID],
			Overdue: t.Status == isms.TaskOpen && t.DueDate != nil && t.DueDate.Before(now)})
	}
	for _, r := range d.Requests {
		row := controlRequestRow{EvidenceRequest: r, Assignee: d.Members[r.AssigneeID],
			Overdue: r.Status == isms.RequestOpen && r.DueDate.Before(now)}
		if r.Status == isms.RequestOpen {
			row.UploadLink = urlWith(q.orgPath("evidence", "new"), url.Values{"request": {r.ID}, "control": {ref}})
		}
		if r.EvidenceID != "" {
			row.EvidenceLink = q.orgPath("evidence", r.EvidenceID)
		}
		page.Requests = append(page.Requests, row)
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.People = ppl.Eligible
	if vulnMetricsControls[ref] {
		if page.Vuln, err = u.vulnMetricsView(q); err != nil {
			return err
		}
	}
	if slices.Contains(app.SupplierControls, ref) {
		if page.Suppliers, err = u.supplierMetricsView(q); err != nil {
			return err
		}
	}
	docs, err := u.svc.DocumentsOf(q.r.Context(), q.access, ref)
	if err != nil {
		return err
	}
	for _, d := range docs {
		page.Documents = append(page.Documents, docRow{DocRow: d, Link: q.docPath(d.Document), Owner: ppl.Name(d.OwnerID)})
	}
	if continuityControls[ref] {
		if page.Continuity, err = u.continuityEvidence(q); err != nil {
			return err
		}
	}
	if incidentMetricsControls[ref] {
		if page.Incidents, err = u.incidentMetricsView(q); err != nil {
			return err
		}
	}
	if trainingMetricsControls[ref] {
		if page.Training, err = u.trainingMetricsView(q); err != nil {
			return err
		}
	}
	return u.render(q, status, "control", page)
}

// refuseControl shows a refused post on the control's page, or the error
// page for errors that are not the form's.
func (u *UI) refuseControl(q *request, err error, state controlState) error {
	var conflict *isms.ConflictError
	switch {
	case errors.As(err, &conflict):
		state.Refusal = refusal(errors.New(conflict.Detail))
		return u.showControl(q, http.StatusConflict, state)
	case errors.Is(err, isms.ErrForbidden):
		state.Refusal = refusal(err)
		if err.Error() == isms.ErrForbidden.Error() {
			state.Refusal = "Your role in this organisation does not allow this."
		}
		return u.showControl(q, http.StatusForbidden, state)
	}
	return err
}

// ---------------------------------------------------------------------
// Editing the record: the full form, and the statement's inline rows.

type controlForm struct {
	Applicability, ExclusionReason, Status, OwnerID, Implementation string
	ReviewCadence, EvidenceCadence, Notes, Title, Description       string
	Links                                                           []isms.Link
	Reviewed                                                        bool
}

type controlFormPage struct {
	Page
	labels
	Ref          string
	Path         string
	Action       string
	Cite         string
	ControlTitle string
	Custom       bool
	Form         controlForm
	Errors       map[string]string
	People       []isms.Member
	Statuses     []isms.ImplementationStatus
	Cadences     []isms.Cadence
	CanDecide    bool
	OwnerName    string
	LastReviewed *time.Time
}

// LinkRows are the form's links and two blank rows to add more.
func (p *controlFormPage) LinkRows() []isms.Link {
	return append(slices.Clone(p.Form.Links), isms.Link{}, isms.Link{})
}

// Err is the message of a link row's field.
func (p *controlFormPage) Err(i int, field string) string {
	return p.Errors[fmt.Sprintf("links[%d].%s", i, field)]
}

func formFromControl(c isms.Control) controlForm {
	return controlForm{Applicability: string(c.Applicability), ExclusionReason: c.ExclusionReason, Status: string(c.Status),
		OwnerID: c.OwnerID, Implementation: c.Implementation, ReviewCadence: string(c.ReviewCadence),
		EvidenceCadence: string(c.EvidenceCadence), Notes: c.Notes, Title: c.Title, Description: c.Description, Links: c.Links}
}

func (u *UI) showControlForm(q *request, status int, d app.ControlDetail, form controlForm, errs map[string]string) error {
	ref := q.r.PathValue("ref")
	page := &controlFormPage{Ref: ref, Path: q.controlPath(ref), Action: q.controlPath(ref, "edit"), Cite: controlCite(d, ref),
		ControlTitle: controlTitle(d), Custom: d.Record.IsCustom(), Form: form, Errors: errs,
		Statuses: isms.ImplementationStatuses, Cadences: isms.Cadences, CanDecide: q.access.Can(isms.PermWriteRecords),
		OwnerName: d.Members[d.Record.OwnerID], LastReviewed: d.Record.LastReviewed}
	page.Title, page.Section = "Edit "+page.Cite, "soa"
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.People = ppl.Eligible
	return u.render(q, status, "control_form", page)
}

func (u *UI) editControlPage(q *request) error {
	d, err := u.svc.Control(q.r.Context(), q.access, q.r.PathValue("ref"))
	if err != nil {
		return err
	}
	if !mayEditControl(q.access, d.Record) {
		return u.refuseRisk(q, fmt.Errorf("a contributor may change only the controls they own: %w", isms.ErrForbidden))
	}
	return u.showControlForm(q, http.StatusOK, d, formFromControl(d.Record), nil)
}

func readControlForm(r *http.Request) controlForm {
	_ = r.ParseForm()
	v := r.PostForm
	f := controlForm{Applicability: v.Get("applicability"), ExclusionReason: v.Get("exclusion_reason"), Status: v.Get("status"),
		OwnerID: v.Get("owner_id"), Implementation: v.Get("implementation"), ReviewCadence: v.Get("review_cadence"),
		EvidenceCadence: v.Get("evidence_cadence"), Notes: v.Get("notes"), Title: v.Get("title"), Description: v.Get("description"),
		Reviewed: v.Get("reviewed") != ""}
	for i := 0; i < 100; i++ {
		title, addr := v.Get(fmt.Sprintf("links.%d.title", i)), v.Get(fmt.Sprintf("links.%d.url", i))
		if _, ok := v[fmt.Sprintf("links.%d.title", i)]; !ok {
			break
		}
		if strings.TrimSpace(title) != "" || strings.TrimSpace(addr) != "" {
			f.Links = append(f.Links, isms.Link{Title: strings.TrimSpace(title), URL: strings.TrimSpace(addr)})
		}
	}
	return f
}

func (u *UI) updateControl(q *request) error {
	if q.r.PostFormValue("inline") != "" {
		return u.updateControlRow(q)
	}
	ref := q.r.PathValue("ref")
	d, err := u.svc.Control(q.r.Context(), q.access, ref)
	if err != nil {
		return err
	}
	form := readControlForm(q.r)
	links := form.Links
	if links == nil {
		links = []isms.Link{}
	}
	in := app.ControlInput{Status: &form.Status, Implementation: &form.Implementation, ReviewCadence: &form.ReviewCadence,
		EvidenceCadence: &form.EvidenceCadence, Notes: &form.Notes, Links: &links, Reviewed: form.Reviewed}
	// A contributor's form has no applicability or owner: the app refuses
	// a contributor who sends them.
	if q.access.Can(isms.PermWriteRecords) {
		in.Applicability, in.ExclusionReason, in.OwnerID = &form.Applicability, &form.ExclusionReason, &form.OwnerID
	}
	if d.Record.IsCustom() {
		in.Title, in.Description = &form.Title, &form.Description
	}
	_, err = u.svc.UpdateControl(q.r.Context(), q.access, ref, in)
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showControlForm(q, http.StatusUnprocessableEntity, d, form, fieldErrors(fields))
	}
	if err != nil {
		return u.refuseRisk(q, err)
	}
	return u.redirect(q, q.controlPath(ref), "Control "+controlCite(d, ref)+" saved.")
}

// updateControlRow saves a row of the statement. The row sends each
// field with the value the page showed (field_was), and only the fields
// changed are saved, so a row saved for its status does not overwrite an
// owner someone else set meanwhile.
func (u *UI) updateControlRow(q *request) error {
	ref := q.r.PathValue("ref")
	v := q.r.PostForm
	form := soaRowForm{Applicability: v.Get("applicability"), ExclusionReason: v.Get("exclusion_reason"), Status: v.Get("status"),
		OwnerID: v.Get("owner_id")}
	var in app.ControlInput
	changed := func(field string) *string {
		vals, ok := v[field]
		if !ok || len(vals) == 0 || vals[0] == v.Get(field+"_was") {
			return nil
		}
		s := vals[0]
		return &s
	}
	in.Applicability = changed("applicability")
	in.ExclusionReason = changed("exclusion_reason")
	in.Status = changed("status")
	in.OwnerID = changed("owner_id")
	fwID := v.Get("framework")
	back := q.safeBack(v.Get("back"), q.orgPath("soa", fwID)+"#"+controlAnchor(ref))
	cite := ref[strings.IndexByte(ref, ':')+1:]
	if in == (app.ControlInput{}) {
		return u.redirect(q, back, "Nothing changed on "+cite+".")
	}
	_, err := u.svc.UpdateControl(q.r.Context(), q.access, ref, in)
	if fields := isms.FieldErrors(err); fields != nil {
		query := soaQuery{}
		if b, perr := url.Parse(back); perr == nil {
			query = readSoAQuery(b.Query())
		}
		query.Version = 0
		return u.showSoA(q, http.StatusUnprocessableEntity, fwID, query, soaState{Row: ref, RowForm: form, RowErrors: fieldErrors(fields)})
	}
	if err != nil {
		return u.refuseRisk(q, err)
	}
	var what []string
	if in.Applicability != nil {
		what = append(what, applicabilityLabel(isms.Applicability(*in.Applicability)))
	}
	if in.Status != nil {
		what = append(what, isms.ImplementationStatus(*in.Status).Label())
	}
	if in.OwnerID != nil {
		what = append(what, "owner changed")
	}
	if in.ExclusionReason != nil && in.Applicability == nil {
		what = append(what, "justification changed")
	}
	return u.redirect(q, back, cite+" saved: "+strings.Join(what, ", ")+".")
}

// ---------------------------------------------------------------------
// Reasons, tasks and evidence requests.

func (u *UI) addControlReason(q *request) error {
	ref := q.r.PathValue("ref")
	form := controlReasonForm{Kind: q.r.PostFormValue("kind"), Title: q.r.PostFormValue("title"), URL: q.r.PostFormValue("url")}
	_, err := u.svc.AddControlReason(q.r.Context(), q.access, ref, form.Kind, form.Title, form.URL)
	if fields := isms.FieldErrors(err); fields != nil {
		errs := fieldErrors(fields)
		// The app checks the reason as a link; the form names its parts.
		for from, to := range map[string]string{"reason.title": "title", "reason.url": "url"} {
			if msg, ok := errs[from]; ok {
				errs[to] = msg
				delete(errs, from)
			}
		}
		return u.showControl(q, http.StatusUnprocessableEntity, controlState{ReasonForm: form, ReasonErrors: errs})
	}
	if err != nil {
		return u.refuseControl(q, err, controlState{ReasonForm: form})
	}
	return u.redirect(q, q.controlPath(ref)+"#reasons", isms.ReasonKind(form.Kind).Label()+" added as a reason to include the control.")
}

func (u *UI) removeControlReason(q *request) error {
	ref := q.r.PathValue("ref")
	err := u.svc.RemoveControlReason(q.r.Context(), q.access, ref, q.r.PostFormValue("id"))
	if err != nil {
		return u.refuseControl(q, err, controlState{})
	}
	return u.redirect(q, q.controlPath(ref)+"#reasons", "Reason removed.")
}

func (u *UI) saveControlTask(q *request) error {
	ctx := q.r.Context()
	ref := q.r.PathValue("ref")
	id := q.r.PostFormValue("id")
	form := controlTaskForm{Title: q.r.PostFormValue("title"), AssigneeID: q.r.PostFormValue("assignee_id"),
		DueDate: strings.TrimSpace(q.r.PostFormValue("due_date"))}
	in := app.TaskInput{Title: form.Title, AssigneeID: form.AssigneeID, Status: q.r.PostFormValue("status")}
	if _, ok := q.r.PostForm["title"]; !ok && id != "" {
		// The status buttons send the status only; the task keeps the rest.
		d, err := u.svc.Control(ctx, q.access, ref)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(d.Tasks, func(t isms.ControlTask) bool { return t.ID == id })
		if i < 0 {
			return isms.ErrNotFound
		}
		t := d.Tasks[i]
		in.Title, in.AssigneeID, in.DueDate = t.Title, t.AssigneeID, t.DueDate
	} else {
		due, err := parseDate("due_date", form.DueDate)
		if err != nil {
			return u.showControl(q, http.StatusUnprocessableEntity, controlState{TaskForm: form, TaskErrors: fieldErrors(isms.FieldErrors(err))})
		}
		in.DueDate = due
	}
	t, err := u.svc.SaveControlTask(ctx, q.access, ref, id, in)
	if fields := isms.FieldErrors(err); fields != nil {
		errs := fieldErrors(fields)
		if msg, ok := errs["assignee"]; ok {
			errs["assignee_id"] = msg
		}
		return u.showControl(q, http.StatusUnprocessableEntity, controlState{TaskForm: form, TaskErrors: errs})
	}
	if err != nil {
		return u.refuseControl(q, err, controlState{TaskForm: form})
	}
	msg := "Task added: " + t.Title + "."
	_, edited := q.r.PostForm["title"]
	switch {
	case id == "":
	case edited:
		msg = "Task changed: " + t.Title + "."
	case t.Status == isms.TaskDone:
		msg = "Task done: " + t.Title + "."
	case t.Status == isms.TaskCancelled:
		msg = "Task cancelled: " + t.Title + "."
	default:
		msg = "Task reopened: " + t.Title + "."
	}
	return u.redirect(q, q.controlPath(ref)+"#tasks", msg)
}

func (u *UI) requestEvidence(q *request) error {
	ref := q.r.PathValue("ref")
	form := controlRequestForm{Title: q.r.PostFormValue("title"), AssigneeID: q.r.PostFormValue("assignee_id"),
		DueDate: strings.TrimSpace(q.r.PostFormValue("due_date"))}
	due, err := parseDate("due_date", form.DueDate)
	if err == nil {
		var at time.Time
		if due != nil {
			at = *due
		}
		_, err = u.svc.RequestEvidence(q.r.Context(), q.access, ref, form.Title, form.AssigneeID, at)
	}
	if fields := isms.FieldErrors(err); fields != nil {
		errs := fieldErrors(fields)
		if msg, ok := errs["assignee"]; ok {
			errs["assignee_id"] = msg
		}
		return u.showControl(q, http.StatusUnprocessableEntity, controlState{RequestForm: form, RequestErrors: errs})
	}
	if err != nil {
		return u.refuseControl(q, err, controlState{RequestForm: form})
	}
	return u.redirect(q, q.controlPath(ref)+"#requests", "Evidence requested: "+strings.TrimSpace(form.Title)+", due "+form.DueDate+
		". It shows on the assignee's overview until evidence fulfils it.")
}

func (u *UI) cancelEvidenceRequest(q *request) error {
	ref := q.r.PathValue("ref")
	if err := u.svc.CancelEvidenceRequest(q.r.Context(), q.access, q.r.PostFormValue("id")); err != nil {
		return u.refuseControl(q, err, controlState{})
	}
	return u.redirect(q, q.controlPath(ref)+"#requests", "Evidence request cancelled.")
}

// formatBytes writes a size in binary units for people: 100 MiB.
func formatBytes(n int64) string {
	switch {
	case n <= 0:
		return ""
	case n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
