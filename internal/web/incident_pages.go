package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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
	"github.com/isms-dev/isms/internal/store"
)

// registerIncidentPages adds the incident register (5.24 to 5.28, 6.8):
// the list with its figures and exports, reporting one, and each
// incident's record with its deadlines, response, timeline, evidence and
// what it raised.
func (u *UI) registerIncidentPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/incidents", u.inOrg(u.incidentsPage))
	r.Handle("GET", "/o/{org}/incidents/new", u.inOrg(u.newIncidentPage))
	r.Handle("GET", "/o/{org}/incidents/export", u.inOrg(u.exportIncidents))
	r.Handle("POST", "/o/{org}/incidents", u.inOrg(u.reportIncident))
	r.Handle("GET", "/o/{org}/incidents/{id}", u.inOrg(u.incidentPage))
	r.Handle("POST", "/o/{org}/incidents/{id}", u.inOrg(u.updateIncident))
	r.Handle("GET", "/o/{org}/incidents/{id}/edit", u.inOrg(u.editIncidentPage))
	r.Handle("POST", "/o/{org}/incidents/{id}/events", u.inOrg(u.addIncidentEvent))
	r.Handle("POST", "/o/{org}/incidents/{id}/evidence", u.inOrg(u.attachIncidentEvidence))
	r.Handle("POST", "/o/{org}/incidents/{id}/evidence/{item}/custody", u.inOrg(u.recordCustody))
	r.Handle("POST", "/o/{org}/incidents/{id}/nonconformity", u.inOrg(u.raiseIncidentNonconformity))
	r.Handle("POST", "/o/{org}/incidents/{id}/risk", u.inOrg(u.raiseIncidentRisk))
	r.Handle("POST", "/o/{org}/incidents/{id}/control-change", u.inOrg(u.proposeControlChange))
}

func (q *request) incidentPath(i isms.Incident, parts ...string) string {
	return q.orgPath(append([]string{"incidents", i.Ref()}, parts...)...)
}

// mayEditIncident mirrors the app: ISMS managers, the contributor who
// handles it, and the contributor who reported it until it is triaged.
func mayEditIncident(a app.Access, i isms.Incident) bool {
	return a.Can(isms.PermWriteRecords) || a.Role == isms.RoleContributor && a.Member.ID != "" &&
		(a.Member.ID == i.HandlerID || a.Member.ID == i.RaisedBy && i.Status == isms.IncidentReported)
}

// IncidentCategoryLabel names a category.
func (labels) IncidentCategoryLabel(c isms.IncidentCategory) string { return c.Label() }

// dateTimeLayout is how a datetime-local field writes a time; the UI
// reads and shows times in UTC.
const dateTimeLayout = "2006-01-02T15:04"

// parseDateTime reads a datetime-local field as UTC.
func parseDateTime(field, s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{dateTimeLayout, "2006-01-02T15:04:05", "2006-01-02 15:04", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, isms.Invalid(field, "%q is not a date and time such as 2026-11-29T14:30", s)
}

func dateTimeValue(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(dateTimeLayout)
}

// countdown says how long is left until a deadline, or how late it is: in
// hours and minutes, or in days and hours when days is set and two days
// or more are left. app.js keeps it current with the same words.
func countdown(d time.Duration, days bool) string {
	late := d < 0
	if late {
		d = -d
	}
	d = d.Truncate(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + one + "s"
	}
	s := unit(h, "hour") + " " + unit(m, "minute")
	if days && h >= 48 {
		s = unit(h/24, "day") + " " + unit(h%24, "hour")
	}
	if late {
		return s + " late"
	}
	return s + " left"
}

// deadlineView is a notification deadline as the incident page shows it.
type deadlineView struct {
	isms.Deadline
	// ID is the element's id: gdpr-deadline or ai-act-deadline.
	ID, Title string
	State     isms.DeadlineState
	// Countdown is the time left or how late, for running and overdue
	// deadlines; Days says it counts in days.
	Countdown string
	Days      bool
	// Margin says how long before or after the deadline the notification
	// was made.
	Margin string
}

// Live reports whether the clock is still running.
func (d deadlineView) Live() bool {
	return d.State == isms.DeadlineRunning || d.State == isms.DeadlineOverdue
}

func deadlineViews(ds []isms.Deadline, now time.Time) []deadlineView {
	var out []deadlineView
	for _, d := range ds {
		v := deadlineView{Deadline: d, State: d.State(now), ID: "gdpr-deadline", Title: "Notify the supervisory authority"}
		if d.Kind == isms.DeadlineAIAct {
			v.ID, v.Title, v.Days = "ai-act-deadline", "Report the serious incident", true
		}
		if v.Live() {
			v.Countdown = countdown(d.Left(now), v.Days)
		}
		if d.Done != nil {
			m := strings.TrimSuffix(strings.TrimSuffix(countdown(d.Due.Sub(*d.Done), v.Days), " left"), " late")
			if d.Done.After(d.Due) {
				v.Margin = m + " after the deadline"
			} else {
				v.Margin = m + " before the deadline"
			}
		}
		out = append(out, v)
	}
	return out
}

// ---------------------------------------------------------------------
// The register.

type incidentQuery struct {
	Status, Category, Severity, Q string
	PersonalData, Due             bool
	Filtered                      bool
}

// filter is the query as the store's filter; "ai" as a category selects
// every AI category.
func (qu incidentQuery) filter() store.IncidentFilter {
	f := store.IncidentFilter{Status: qu.Status, Severity: isms.IncidentSeverity(qu.Severity), PersonalData: qu.PersonalData,
		NotificationDue: qu.Due, Query: qu.Q}
	switch qu.Category {
	case "ai":
		f.AI = true
	default:
		f.Category = isms.IncidentCategory(qu.Category)
	}
	if f.Status == "all" {
		f.Status = ""
	}
	return f
}

func (qu incidentQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"status": qu.Status, "category": qu.Category, "severity": qu.Severity, "q": qu.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if qu.PersonalData {
		v.Set("personal_data", "1")
	}
	if qu.Due {
		v.Set("due", "1")
	}
	return v
}

func readIncidentQuery(v url.Values) incidentQuery {
	qu := incidentQuery{Status: v.Get("status"), Category: v.Get("category"), Severity: v.Get("severity"), Q: strings.TrimSpace(v.Get("q")),
		PersonalData: v.Get("personal_data") != "", Due: v.Get("due") != ""}
	if qu.Status == "" {
		qu.Status = "open"
	}
	qu.Filtered = qu.Status != "open" || qu.Category != "" || qu.Severity != "" || qu.Q != "" || qu.PersonalData || qu.Due
	return qu
}

type incidentRow struct {
	app.IncidentRow
	Link, Handler string
	// Next is the most pressing deadline still running or overdue.
	Next *deadlineView
}

type incidentsPage struct {
	Page
	labels
	Query      incidentQuery
	Rows       []incidentRow
	Metrics    app.IncidentMetrics
	OpenCounts []severityCount
	Categories []isms.IncidentCategory
	Severities []isms.IncidentSeverity
	Statuses   []isms.IncidentStatus
	CanReport  bool
	Problems   []isms.FieldError
	ClearURL   string
	Next       string
	First      string
	ExportCSV  string
	ExportXLSX string
}

func (u *UI) incidentsPage(q *request) error {
	ctx := q.r.Context()
	v := q.r.URL.Query()
	qu := readIncidentQuery(v)
	page := &incidentsPage{Query: qu, Categories: isms.IncidentCategories, Severities: isms.IncidentSeverities, Statuses: isms.IncidentStatuses,
		CanReport: mayRaise(q.access), ClearURL: q.orgPath("incidents")}
	page.Title, page.Section = "Incidents", "incidents"
	ev := qu.values()
	ev.Set("format", "csv")
	page.ExportCSV = urlWith(q.orgPath("incidents", "export"), ev)
	ev.Set("format", "xlsx")
	page.ExportXLSX = urlWith(q.orgPath("incidents", "export"), ev)
	f := qu.filter()
	f.Limit = store.DefaultLimit + 1
	if after := v.Get("after"); after != "" {
		n, err := strconv.Atoi(after)
		if err != nil || n < 1 {
			page.Problems = append(page.Problems, isms.FieldError{Field: "after", Detail: "is not a page of this register"})
		}
		f.After = n
		page.First = urlWith(q.orgPath("incidents"), withoutKey(v, "after"))
	}
	var err error
	if page.Metrics, err = u.svc.IncidentMetrics(ctx, q.access); err != nil {
		return err
	}
	page.OpenCounts = openCounts(page.Metrics)
	var rows []app.IncidentRow
	if len(page.Problems) == 0 {
		rows, err = u.svc.Incidents(ctx, q.access, f)
		page.Problems = isms.FieldErrors(err)
		if err != nil && page.Problems == nil {
			return err
		}
	}
	if len(page.Problems) > 0 {
		return u.render(q, http.StatusBadRequest, "incidents", page)
	}
	if len(rows) > store.DefaultLimit {
		rows = rows[:store.DefaultLimit]
		next := withoutKey(v, "after")
		next.Set("after", strconv.Itoa(rows[len(rows)-1].RefNum))
		page.Next = urlWith(q.orgPath("incidents"), next)
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, r := range rows {
		row := incidentRow{IncidentRow: r, Link: q.incidentPath(r.Incident), Handler: ppl.Name(r.HandlerID)}
		for _, d := range deadlineViews(r.Deadlines, now) {
			if d.Live() && (row.Next == nil || d.Due.Before(row.Next.Due)) {
				row.Next = &d
			}
		}
		page.Rows = append(page.Rows, row)
	}
	return u.render(q, http.StatusOK, "incidents", page)
}

func (u *UI) exportIncidents(q *request) error {
	qu := readIncidentQuery(q.r.URL.Query())
	f := qu.filter()
	day := time.Now().UTC().Format(time.DateOnly)
	var (
		write       func(io.Writer) error
		ctype, name string
	)
	switch format := q.r.URL.Query().Get("format"); format {
	case "", "csv":
		ctype, name = "text/csv; charset=utf-8", "incidents-"+q.access.Org.Slug+"-"+day+".csv"
		write = func(w io.Writer) error { return u.svc.ExportIncidentsCSV(q.r.Context(), q.access, f, w) }
	case "xlsx":
		ctype, name = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "incidents-"+q.access.Org.Slug+"-"+day+".xlsx"
		write = func(w io.Writer) error { return u.svc.ExportIncidentsXLSX(q.r.Context(), q.access, f, w) }
	default:
		return isms.Invalid("format", "%q is not an export format; use csv or xlsx", format)
	}
	// Written whole first, so that an error becomes an error page rather
	// than half a file.
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	q.w.Header().Set("Content-Type", ctype)
	q.w.Header().Set("Content-Disposition", attachment(name))
	q.w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(q.w)
	return nil
}

// ---------------------------------------------------------------------
// Reporting one, and the full form.

type incidentForm struct {
	Title, Description, Category, Severity, Status string
	OccurredAt, DetectedAt, AwareAt                string
	Reporter, HandlerID                            string
	AssetIDs                                       []string
	PersonalData                                   bool
	DataSubjects                                   string
	AuthorityNotifiedAt, AuthorityRef              string
	NotificationNotRequired                        string
	AIHighRisk, AISerious                          bool
	AICase, AIReportedAt, AIReportRef              string
	Containment, ContainedAt, Eradication          string
	Recovery, LessonsLearned, ClosedAt             string
}

// HasAsset reports whether the form names an asset.
func (f incidentForm) HasAsset(id string) bool { return slices.Contains(f.AssetIDs, id) }

func incidentFormFrom(r *http.Request) incidentForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	on := func(k string) bool { v := get(k); return v == "true" || v == "on" || v == "1" }
	return incidentForm{Title: get("title"), Description: get("description"), Category: get("category"), Severity: get("severity"),
		Status: get("status"), OccurredAt: get("occurred_at"), DetectedAt: get("detected_at"), AwareAt: get("aware_at"),
		Reporter: get("reporter"), HandlerID: get("handler_id"), AssetIDs: r.PostForm["asset_ids"], PersonalData: on("personal_data"),
		DataSubjects: get("data_subjects"), AuthorityNotifiedAt: get("authority_notified_at"), AuthorityRef: get("authority_ref"),
		NotificationNotRequired: get("notification_not_required"), AIHighRisk: on("ai_high_risk"), AISerious: on("ai_serious"),
		AICase: get("ai_case"), AIReportedAt: get("ai_reported_at"), AIReportRef: get("ai_report_ref"), Containment: get("containment"),
		ContainedAt: get("contained_at"), Eradication: get("eradication"), Recovery: get("recovery"), LessonsLearned: get("lessons_learned"),
		ClosedAt: get("closed_at")}
}

func formFromIncident(i isms.Incident) incidentForm {
	f := incidentForm{Title: i.Title, Description: i.Description, Category: string(i.Category), Severity: string(i.Severity),
		Status: string(i.Status), OccurredAt: dateTimeValue(i.OccurredAt), DetectedAt: dateTimeValue(&i.DetectedAt),
		AwareAt: dateTimeValue(i.AwareAt), Reporter: i.Reporter, HandlerID: i.HandlerID, AssetIDs: i.AssetIDs,
		PersonalData: i.PersonalData, AuthorityNotifiedAt: dateTimeValue(i.AuthorityNotifiedAt), AuthorityRef: i.AuthorityRef,
		NotificationNotRequired: i.NotificationNotRequired, AIHighRisk: i.AIHighRisk, AISerious: i.AISerious, AICase: string(i.AICase),
		AIReportedAt: dateTimeValue(i.AIReportedAt), AIReportRef: i.AIReportRef, Containment: i.Containment,
		ContainedAt: dateTimeValue(i.ContainedAt), Eradication: i.Eradication, Recovery: i.Recovery, LessonsLearned: i.LessonsLearned,
		ClosedAt: dateTimeValue(i.ClosedAt)}
	if i.DataSubjects > 0 {
		f.DataSubjects = strconv.Itoa(i.DataSubjects)
	}
	return f
}

// input turns the posted fields into the app's input. A form sends only
// the fields it shows: the full form sends all, with full set so that an
// unticked box counts; the smaller forms of the incident's page send
// theirs, and the others stay as they are.
func (f incidentForm) input(posted url.Values, full bool) (app.IncidentInput, error) {
	var in app.IncidentInput
	has := func(k string) bool { _, ok := posted[k]; return full || ok }
	v := &isms.ValidationError{}
	for _, t := range []struct {
		key string
		val string
		dst **string
	}{{"title", f.Title, &in.Title}, {"description", f.Description, &in.Description}, {"category", f.Category, &in.Category},
		{"severity", f.Severity, &in.Severity}, {"status", f.Status, &in.Status}, {"reporter", f.Reporter, &in.Reporter},
		{"handler_id", f.HandlerID, &in.HandlerID}, {"authority_ref", f.AuthorityRef, &in.AuthorityRef},
		{"notification_not_required", f.NotificationNotRequired, &in.NotificationNotRequired}, {"ai_case", f.AICase, &in.AICase},
		{"ai_report_ref", f.AIReportRef, &in.AIReportRef}, {"containment", f.Containment, &in.Containment},
		{"eradication", f.Eradication, &in.Eradication}, {"recovery", f.Recovery, &in.Recovery},
		{"lessons_learned", f.LessonsLearned, &in.LessonsLearned}} {
		if has(t.key) && (t.key != "status" || t.val != "") {
			val := t.val
			*t.dst = &val
		}
	}
	for _, t := range []struct {
		key string
		val string
		dst **time.Time
		set *bool
	}{{"occurred_at", f.OccurredAt, &in.OccurredAt, &in.SetOccurredAt}, {"aware_at", f.AwareAt, &in.AwareAt, &in.SetAwareAt},
		{"authority_notified_at", f.AuthorityNotifiedAt, &in.AuthorityNotifiedAt, &in.SetAuthorityNotifiedAt},
		{"ai_reported_at", f.AIReportedAt, &in.AIReportedAt, &in.SetAIReportedAt},
		{"contained_at", f.ContainedAt, &in.ContainedAt, &in.SetContainedAt},
		{"closed_at", f.ClosedAt, &in.ClosedAt, &in.SetClosedAt}} {
		if !has(t.key) {
			continue
		}
		at, err := parseDateTime(t.key, t.val)
		if err != nil {
			v.Fields = append(v.Fields, isms.FieldErrors(err)...)
			continue
		}
		*t.set, *t.dst = true, at
	}
	if has("detected_at") {
		at, err := parseDateTime("detected_at", f.DetectedAt)
		switch {
		case err != nil:
			v.Fields = append(v.Fields, isms.FieldErrors(err)...)
		case at == nil && full:
			v.Add("detected_at", "is required: when was it first noticed?")
		default:
			in.DetectedAt = at
		}
	}
	if has("asset_ids") {
		ids := slices.Clone(f.AssetIDs)
		in.AssetIDs = &ids
	}
	if has("data_subjects") {
		n := 0
		if f.DataSubjects != "" {
			var err error
			if n, err = strconv.Atoi(f.DataSubjects); err != nil || n < 0 {
				v.Add("data_subjects", "%q is not a number of people", f.DataSubjects)
			}
		}
		in.DataSubjects = &n
	}
	if full {
		in.PersonalData, in.AIHighRisk, in.AISerious = &f.PersonalData, &f.AIHighRisk, &f.AISerious
	}
	return in, v.Err()
}

type incidentFormPage struct {
	Page
	labels
	Form       incidentForm
	Errors     map[string]string
	Action     string
	Incident   *isms.Incident
	Categories []isms.IncidentCategory
	Severities []isms.IncidentSeverity
	Statuses   []isms.IncidentStatus
	AICases    []isms.AIActCase
	Handlers   []isms.Member
	Assets     []store.AssetLabel
	MoreAssets bool
	// Manager is set when the caller may hand the incident to anyone;
	// a contributor may name only themselves.
	Manager bool
	Self    string
}

// AICategory reports whether a category is one of the AI ones, for the
// grouping of the select.
func (p *incidentFormPage) AICategory(c isms.IncidentCategory) bool { return c.AI() }

func (u *UI) newIncidentPage(q *request) error {
	now := time.Now().UTC()
	form := incidentForm{Severity: string(isms.IncidentMedium), Status: string(isms.IncidentReported), DetectedAt: dateTimeValue(&now),
		Category: q.r.URL.Query().Get("category")}
	return u.showIncidentForm(q, http.StatusOK, nil, form, nil)
}

func (u *UI) editIncidentPage(q *request) error {
	d, err := u.svc.Incident(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.showIncidentForm(q, http.StatusOK, &d.Incident, formFromIncident(d.Incident), nil)
}

func (u *UI) showIncidentForm(q *request, status int, i *isms.Incident, form incidentForm, errs map[string]string) error {
	if i == nil && !mayRaise(q.access) {
		return fmt.Errorf("viewers and auditors read the register: %w", isms.ErrForbidden)
	}
	if i != nil && !mayEditIncident(q.access, *i) {
		return fmt.Errorf("you may not change %s: %w", i.Ref(), isms.ErrForbidden)
	}
	page := &incidentFormPage{Form: form, Errors: errs, Incident: i, Categories: isms.IncidentCategories, Severities: isms.IncidentSeverities,
		Statuses: isms.IncidentStatuses, AICases: isms.AIActCases, Manager: q.access.Can(isms.PermWriteRecords), Self: q.access.Member.ID,
		Action: q.orgPath("incidents")}
	page.Title, page.Section = "Report an incident", "incidents"
	if i != nil {
		page.Title, page.Action = "Change "+i.Ref(), q.incidentPath(*i)
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Handlers = ppl.Eligible
	if page.Assets, page.MoreAssets, err = u.riskAssetChoices(q); err != nil {
		return err
	}
	// Chosen assets beyond the first page of the inventory stay chosen.
	var missing []string
	for _, id := range form.AssetIDs {
		if !slices.ContainsFunc(page.Assets, func(a store.AssetLabel) bool { return a.ID == id }) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		chosen, err := u.svc.AssetLabels(q.r.Context(), q.access, missing, 0)
		if err != nil {
			return err
		}
		page.Assets = append(chosen, page.Assets...)
	}
	return u.render(q, status, "incident_form", page)
}

// incidentFieldErrors maps the app's field names onto the form's.
func incidentFieldErrors(fields []isms.FieldError) map[string]string {
	errs := fieldErrors(fields)
	if msg, ok := errs["handler"]; ok {
		errs["handler_id"] = msg
	}
	return errs
}

func (u *UI) reportIncident(q *request) error {
	form := incidentFormFrom(q.r)
	in, err := form.input(q.r.PostForm, true)
	if err == nil {
		var i isms.Incident
		if i, err = u.svc.ReportIncident(q.r.Context(), q.access, in); err == nil {
			msg := i.Ref() + " reported."
			if len(i.Deadlines()) > 0 {
				msg += " A notification deadline runs: see below."
			}
			return u.redirect(q, q.incidentPath(i), msg)
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showIncidentForm(q, http.StatusUnprocessableEntity, nil, form, incidentFieldErrors(fields))
	}
	return err
}

// updateIncident saves the full form, or one of the incident page's
// smaller forms (the notification, the AI Act report, the response).
func (u *UI) updateIncident(q *request) error {
	ctx := q.r.Context()
	ref := q.r.PathValue("id")
	full := q.r.PostFormValue("full") != ""
	form := incidentFormFrom(q.r)
	in, err := form.input(q.r.PostForm, full)
	if err == nil {
		var i isms.Incident
		if i, err = u.svc.UpdateIncident(ctx, q.access, ref, in); err == nil {
			back := q.incidentPath(i)
			if section := q.r.PostFormValue("section"); section != "" && !full {
				back += "#" + url.PathEscape(section)
			}
			return u.redirect(q, back, i.Ref()+" saved.")
		}
	}
	fields := isms.FieldErrors(err)
	if fields != nil && full {
		d, derr := u.svc.Incident(ctx, q.access, ref)
		if derr != nil {
			return derr
		}
		return u.showIncidentForm(q, http.StatusUnprocessableEntity, &d.Incident, form, incidentFieldErrors(fields))
	}
	if fields != nil {
		return u.showIncident(q, http.StatusUnprocessableEntity, incidentState{Form: &form, Errors: incidentFieldErrors(fields),
			FormSection: q.r.PostFormValue("section")})
	}
	return u.refuseIncident(q, err, incidentState{})
}

// ---------------------------------------------------------------------
// One incident.

type incidentEventView struct {
	isms.IncidentEvent
	RecordedBy string
}

type incidentEvidenceView struct {
	store.IncidentEvidenceItem
	Link, FileLink, RecordedBy, CustodyAction string
	// Holder is who holds the item now: the last custody event's, or the
	// collector.
	Holder string
	Check  *app.EvidenceCheck
}

type incidentLinkView struct {
	store.IncidentLinkView
	Link, KindLabel string
}

type incidentState struct {
	// Form and Errors are a refused change from one of the page's forms;
	// FormSection names which.
	Form        *incidentForm
	Errors      map[string]string
	FormSection string

	EventForm     incidentEventForm
	EventErrors   map[string]string
	EvidenceForm  incidentEvidenceForm
	EvidenceErrs  map[string]string
	CustodyItem   string
	CustodyForm   custodyForm
	CustodyErrors map[string]string
	ChangeForm    controlChangeForm
	ChangeErrors  map[string]string
	Refusal       string
	Checked       bool
}

type incidentEventForm struct{ At, What, Who string }
type incidentEvidenceForm struct{ EvidenceID, CollectedBy, CollectedAt, Note string }
type custodyForm struct{ At, Who, Note string }
type controlChangeForm struct{ Control, Title, AssigneeID, DueDate string }

type incidentPage struct {
	Page
	labels
	incidentState
	Incident  app.IncidentDetail
	Deadlines []deadlineView
	Handler   string
	RaisedBy  string
	Assets    []incidentAssetLink
	Events    []incidentEventView
	Evidence  []incidentEvidenceView
	Raised    []incidentLinkView
	// Response is the form of the response's steps, filled from the
	// record or the refused post.
	Response   incidentForm
	Statuses   []isms.IncidentStatus
	AICases    []isms.AIActCase
	Handlers   []isms.Member
	Choices    []isms.Evidence
	Controls   []requirementOption
	Register   string
	EditLink   string
	UploadLink string
	CheckLink  string
	Now        string
	MayEdit    bool
	Manager    bool
	AllIntact  bool
	// Self is the caller's membership: a contributor may name only
	// themselves as handler.
	Self string
}

type incidentAssetLink struct{ Name, Link string }

// Err is the message of a field of the section's form, when that form was
// refused.
func (p *incidentPage) Err(section, field string) string {
	if p.FormSection != section {
		return ""
	}
	return p.Errors[field]
}

func (u *UI) incidentPage(q *request) error {
	return u.showIncident(q, http.StatusOK, incidentState{Checked: q.r.URL.Query().Get("check") != ""})
}

func (u *UI) showIncident(q *request, status int, st incidentState) error {
	ctx := q.r.Context()
	d, err := u.svc.Incident(ctx, q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	a := q.access
	now := time.Now().UTC()
	page := &incidentPage{incidentState: st, Incident: d, Deadlines: deadlineViews(d.Deadlines, now), Handler: ppl.Name(d.HandlerID),
		RaisedBy: ppl.Name(d.RaisedBy), Statuses: isms.IncidentStatuses, AICases: isms.AIActCases, Handlers: ppl.Eligible, Register: q.orgPath("incidents"),
		EditLink: q.incidentPath(d.Incident, "edit"), CheckLink: q.incidentPath(d.Incident) + "?check=1#evidence",
		UploadLink: urlWith(q.orgPath("evidence", "new"), url.Values{"control": {"iso27001-2022:A.5.28"}}),
		Now:        now.Format(dateTimeLayout), MayEdit: mayEditIncident(a, d.Incident), Manager: a.Can(isms.PermWriteRecords), Self: a.Member.ID}
	page.Title, page.Section = d.Ref()+" "+d.Title, "incidents"
	page.Response = formFromIncident(d.Incident)
	if st.Form != nil {
		page.Response = *st.Form
	}
	for _, l := range d.Assets {
		page.Assets = append(page.Assets, incidentAssetLink{Name: l.Name, Link: q.orgPath("assets", l.ID)})
	}
	for _, e := range d.Events {
		page.Events = append(page.Events, incidentEventView{IncidentEvent: e, RecordedBy: ppl.Name(e.RecordedBy)})
	}
	var checks map[string]app.EvidenceCheck
	if st.Checked && len(d.Evidence) > 0 {
		list, err := u.svc.VerifyIncidentEvidence(ctx, a, d.ID)
		if err != nil {
			return err
		}
		checks = map[string]app.EvidenceCheck{}
		page.AllIntact = true
		for _, c := range list {
			checks[c.ItemID] = c
			page.AllIntact = page.AllIntact && (c.State == "intact" || c.State == "no_content")
		}
	}
	for _, it := range d.Evidence {
		v := incidentEvidenceView{IncidentEvidenceItem: it, Link: q.orgPath("evidence", it.EvidenceID), RecordedBy: ppl.Name(it.RecordedBy),
			CustodyAction: q.incidentPath(d.Incident, "evidence", it.ID, "custody"), Holder: it.CollectedBy}
		if it.Kind == isms.EvidenceFile {
			v.FileLink = q.orgPath("evidence", it.EvidenceID, "file")
		}
		if n := len(it.Custody); n > 0 {
			v.Holder = it.Custody[n-1].Who
		}
		if c, ok := checks[it.ID]; ok {
			v.Check = &c
		}
		page.Evidence = append(page.Evidence, v)
	}
	for _, l := range d.Links {
		v := incidentLinkView{IncidentLinkView: l}
		switch l.Kind {
		case isms.LinkNonconformity:
			v.Link, v.KindLabel = q.orgPath("nonconformities", l.Ref), "Nonconformity"
		case isms.LinkRisk:
			v.Link, v.KindLabel = q.orgPath("risks", l.Ref), "Risk"
		case isms.LinkControlTask:
			v.Link, v.KindLabel = q.controlPath(l.Control)+"#tasks", "Control change"
			if r, err := framework.ParseRef(l.Control); err == nil {
				v.Ref = r.Item
			}
		}
		page.Raised = append(page.Raised, v)
	}
	if page.MayEdit {
		// The evidence register's newest items, to attach.
		if page.Choices, err = u.svc.ListEvidence(ctx, a, store.EvidenceFilter{Limit: store.MaxLimit}); err != nil {
			return err
		}
		if page.Controls, err = u.controlOptions(q); err != nil {
			return err
		}
		if page.EventForm.Who == "" {
			page.EventForm.Who = a.Member.Name
		}
		if page.ChangeForm.AssigneeID == "" {
			page.ChangeForm.AssigneeID = d.HandlerID
		}
	}
	return u.render(q, status, "incident", page)
}

// controlOptions lists the Annex A controls of ISO/IEC 27001:2022, for
// proposing a change to one.
func (u *UI) controlOptions(q *request) ([]requirementOption, error) {
	lib, err := u.svc.Library(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	fw, ok := lib.Framework("iso27001-2022")
	if !ok {
		return nil, nil
	}
	var out []requirementOption
	for _, it := range fw.Items {
		if it.Kind == framework.ItemControl {
			out = append(out, requirementOption{Ref: fw.ID + ":" + it.ID, Label: it.Cite() + " " + it.Title})
		}
	}
	return out, nil
}

// refuseIncident shows the incident again with why a change was refused.
func (u *UI) refuseIncident(q *request, err error, st incidentState) error {
	var conflict *isms.ConflictError
	switch {
	case errors.As(err, &conflict):
		st.Refusal = refusal(errors.New(conflict.Detail))
		return u.showIncident(q, http.StatusConflict, st)
	case errors.Is(err, isms.ErrForbidden):
		st.Refusal = refusal(err)
		if err.Error() == isms.ErrForbidden.Error() {
			st.Refusal = "Your role in this organisation does not allow this."
		}
		return u.showIncident(q, http.StatusForbidden, st)
	}
	return err
}

func (u *UI) addIncidentEvent(q *request) error {
	form := incidentEventForm{At: strings.TrimSpace(q.r.PostFormValue("at")), What: strings.TrimSpace(q.r.PostFormValue("what")),
		Who: strings.TrimSpace(q.r.PostFormValue("who"))}
	at, err := parseDateTime("at", form.At)
	if err == nil {
		_, err = u.svc.AddIncidentEvent(q.r.Context(), q.access, q.r.PathValue("id"), app.IncidentEventInput{At: at, What: form.What, Who: form.Who})
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showIncident(q, http.StatusUnprocessableEntity, incidentState{EventForm: form, EventErrors: fieldErrors(fields)})
	}
	if err != nil {
		return u.refuseIncident(q, err, incidentState{EventForm: form})
	}
	return u.redirect(q, q.orgPath("incidents", q.r.PathValue("id"))+"#timeline", "Added to the timeline.")
}

func (u *UI) attachIncidentEvidence(q *request) error {
	form := incidentEvidenceForm{EvidenceID: strings.TrimSpace(q.r.PostFormValue("evidence_id")),
		CollectedBy: strings.TrimSpace(q.r.PostFormValue("collected_by")), CollectedAt: strings.TrimSpace(q.r.PostFormValue("collected_at")),
		Note: strings.TrimSpace(q.r.PostFormValue("note"))}
	at, err := parseDateTime("collected_at", form.CollectedAt)
	if err == nil {
		_, err = u.svc.AttachIncidentEvidence(q.r.Context(), q.access, q.r.PathValue("id"), app.IncidentEvidenceInput{EvidenceID: form.EvidenceID,
			CollectedBy: form.CollectedBy, CollectedAt: at, Note: form.Note})
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showIncident(q, http.StatusUnprocessableEntity, incidentState{EvidenceForm: form, EvidenceErrs: fieldErrors(fields)})
	}
	if err != nil {
		return u.refuseIncident(q, err, incidentState{EvidenceForm: form})
	}
	return u.redirect(q, q.orgPath("incidents", q.r.PathValue("id"))+"#evidence", "Evidence attached, with the hash of its content.")
}

func (u *UI) recordCustody(q *request) error {
	item := q.r.PathValue("item")
	form := custodyForm{At: strings.TrimSpace(q.r.PostFormValue("at")), Who: strings.TrimSpace(q.r.PostFormValue("who")),
		Note: strings.TrimSpace(q.r.PostFormValue("note"))}
	at, err := parseDateTime("at", form.At)
	if err == nil {
		_, err = u.svc.RecordCustody(q.r.Context(), q.access, q.r.PathValue("id"), item, app.CustodyInput{At: at, Who: form.Who, Note: form.Note})
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showIncident(q, http.StatusUnprocessableEntity, incidentState{CustodyItem: item, CustodyForm: form, CustodyErrors: fieldErrors(fields)})
	}
	if err != nil {
		return u.refuseIncident(q, err, incidentState{})
	}
	return u.redirect(q, q.orgPath("incidents", q.r.PathValue("id"))+"#custody-"+item, "Hand-over recorded.")
}

func (u *UI) raiseIncidentNonconformity(q *request) error {
	in := app.NCInput{}
	if req := strings.TrimSpace(q.r.PostFormValue("requirement")); req != "" {
		in.Requirement = &req
	}
	if g := strings.TrimSpace(q.r.PostFormValue("grade")); g != "" {
		in.Grade = &g
	}
	n, err := u.svc.RaiseIncidentNonconformity(q.r.Context(), q.access, q.r.PathValue("id"), in)
	if fields := isms.FieldErrors(err); fields != nil {
		var parts []string
		for _, f := range fields {
			parts = append(parts, f.Field+" "+f.Detail)
		}
		return u.showIncident(q, http.StatusUnprocessableEntity, incidentState{Refusal: refusal(errors.New(strings.Join(parts, "; ")))})
	}
	if err != nil {
		return u.refuseIncident(q, err, incidentState{})
	}
	return u.redirect(q, q.ncPath(n), n.Ref()+" raised from the incident. Record the correction and the cause, then plan the corrective actions.")
}

func (u *UI) raiseIncidentRisk(q *request) error {
	k, err := u.svc.RaiseIncidentRisk(q.r.Context(), q.access, q.r.PathValue("id"))
	if fields := isms.FieldErrors(err); fields != nil {
		var parts []string
		for _, f := range fields {
			parts = append(parts, f.Field+" "+f.Detail)
		}
		return u.showIncident(q, http.StatusUnprocessableEntity, incidentState{Refusal: refusal(errors.New(strings.Join(parts, "; ")))})
	}
	if err != nil {
		return u.refuseIncident(q, err, incidentState{})
	}
	return u.redirect(q, q.riskPath(k), k.Ref()+" added to the risk register from the incident. Adjust its rating and plan its treatment.")
}

func (u *UI) proposeControlChange(q *request) error {
	form := controlChangeForm{Control: strings.TrimSpace(q.r.PostFormValue("control")), Title: strings.TrimSpace(q.r.PostFormValue("title")),
		AssigneeID: strings.TrimSpace(q.r.PostFormValue("assignee_id")), DueDate: strings.TrimSpace(q.r.PostFormValue("due_date"))}
	due, err := parseDate("due_date", form.DueDate)
	var t isms.ControlTask
	if err == nil {
		t, err = u.svc.ProposeControlChange(q.r.Context(), q.access, q.r.PathValue("id"), app.ControlChangeInput{Control: form.Control,
			Title: form.Title, AssigneeID: form.AssigneeID, DueDate: due})
	}
	if fields := isms.FieldErrors(err); fields != nil {
		errs := fieldErrors(fields)
		if msg, ok := errs["assignee"]; ok {
			errs["assignee_id"] = msg
		}
		return u.showIncident(q, http.StatusUnprocessableEntity, incidentState{ChangeForm: form, ChangeErrors: errs})
	}
	if err != nil {
		return u.refuseIncident(q, err, incidentState{ChangeForm: form})
	}
	return u.redirect(q, q.controlPath(form.Control)+"#tasks", "Task added to the control: "+t.Title+".")
}

// ---------------------------------------------------------------------
// Live evidence on the control pages and the overview.

// incidentMetricsControls are the controls whose page shows the
// register's figures: incident management in both editions of ISO/IEC
// 27001.
var incidentMetricsControls = map[string]bool{
	"iso27001-2022:A.5.24": true, "iso27001-2022:A.5.25": true, "iso27001-2022:A.5.26": true, "iso27001-2022:A.5.27": true,
	"iso27001-2022:A.5.28": true, "iso27001-2022:A.6.8": true,
	"iso27001-2013:A.16.1.1": true, "iso27001-2013:A.16.1.2": true, "iso27001-2013:A.16.1.3": true, "iso27001-2013:A.16.1.4": true,
	"iso27001-2013:A.16.1.5": true, "iso27001-2013:A.16.1.6": true, "iso27001-2013:A.16.1.7": true,
}

type pendingView struct {
	app.PendingDeadline
	Link      string
	Countdown string
	Overdue   bool
}

// incidentMetricsView is the register's figures as a control page and the
// overview show them.
type incidentMetricsView struct {
	app.IncidentMetrics
	Open       []severityCount
	Pending    []pendingView
	Contain    string // mean time to contain, or "" before any
	Close      string // mean time to close, or "" before any
	Register   string
	DueLink    string
	ReportLink string
	AIRegister string
	ClosedLink string
	ExportXLSX string
	CanReport  bool
	Lessons    int
}

// openCounts lists the open incidents by severity, most severe first.
func openCounts(m app.IncidentMetrics) []severityCount {
	var out []severityCount
	for k := len(isms.IncidentSeverities) - 1; k >= 0; k-- {
		s := isms.IncidentSeverities[k]
		out = append(out, severityCount{Severity: s, Count: m.OpenBySeverity[s]})
	}
	return out
}

type severityCount struct {
	Severity isms.IncidentSeverity
	Count    int
}

func (u *UI) incidentMetricsView(q *request) (*incidentMetricsView, error) {
	m, err := u.svc.IncidentMetrics(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	v := &incidentMetricsView{IncidentMetrics: m, Register: q.orgPath("incidents"),
		DueLink: urlWith(q.orgPath("incidents"), url.Values{"due": {"1"}}), ReportLink: q.orgPath("incidents", "new"),
		AIRegister: urlWith(q.orgPath("incidents"), url.Values{"category": {"ai"}, "status": {"all"}}),
		ClosedLink: urlWith(q.orgPath("incidents"), url.Values{"status": {"closed"}}),
		ExportXLSX: urlWith(q.orgPath("incidents", "export"), url.Values{"format": {"xlsx"}, "status": {"all"}}),
		CanReport:  mayRaise(q.access), Lessons: m.Closed}
	v.Open = openCounts(m)
	now := time.Now()
	for _, p := range m.Pending {
		days := p.Kind == isms.DeadlineAIAct
		v.Pending = append(v.Pending, pendingView{PendingDeadline: p, Link: q.incidentPath(p.Incident), Countdown: countdown(p.Left(now), days),
			Overdue: now.After(p.Due)})
	}
	if m.Contained > 0 {
		v.Contain = fmt.Sprintf("%.1f hours", m.MeanHoursToContain)
	}
	if m.Closed > 0 {
		v.Close = fmt.Sprintf("%.1f days", m.MeanDaysToClose)
	}
	return v, nil
}

// incidentCard returns the overview's card, or nil when no incident is
// open and no notification is due.
func (u *UI) incidentCard(q *request) (*incidentMetricsView, error) {
	v, err := u.incidentMetricsView(q)
	if err != nil || v.IncidentMetrics.Open == 0 && len(v.Pending) == 0 {
		return nil, err
	}
	return v, nil
}
