package httpapi

import (
	"io"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// deadlineJSON is a notification deadline computed from an incident's
// facts.
type deadlineJSON struct {
	Kind string    `json:"kind"`
	Rule string    `json:"rule"`
	From time.Time `json:"from"`
	Due  time.Time `json:"due"`
	// State is running, overdue, met, late or not_required; HoursLeft is
	// negative once the deadline has passed.
	State       string     `json:"state"`
	HoursLeft   float64    `json:"hours_left"`
	DoneAt      *time.Time `json:"done_at"`
	Reference   *string    `json:"reference"`
	NotRequired *string    `json:"not_required"`
}

func toDeadlineJSON(d isms.Deadline, now time.Time) deadlineJSON {
	return deadlineJSON{Kind: string(d.Kind), Rule: d.Rule, From: d.From, Due: d.Due, State: string(d.State(now)),
		HoursLeft: math.Round(d.Left(now).Hours()*10) / 10, DoneAt: d.Done, Reference: nullable(d.Ref), NotRequired: nullable(d.NotRequired)}
}

type incidentEventJSON struct {
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	What       string    `json:"what"`
	Who        string    `json:"who"`
	RecordedBy *string   `json:"recorded_by"`
	CreatedAt  time.Time `json:"created_at"`
}

func toIncidentEventJSON(e isms.IncidentEvent) incidentEventJSON {
	return incidentEventJSON{ID: e.ID, At: e.At, What: e.What, Who: e.Who, RecordedBy: nullable(e.RecordedBy), CreatedAt: e.CreatedAt}
}

type custodyJSON struct {
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	Who        string    `json:"who"`
	Note       string    `json:"note"`
	RecordedBy *string   `json:"recorded_by"`
	CreatedAt  time.Time `json:"created_at"`
}

func toCustodyJSON(c isms.CustodyEvent) custodyJSON {
	return custodyJSON{ID: c.ID, At: c.At, Who: c.Who, Note: c.Note, RecordedBy: nullable(c.RecordedBy), CreatedAt: c.CreatedAt}
}

// incidentEvidenceJSON is an evidence item of an incident with its chain
// of custody.
type incidentEvidenceJSON struct {
	ID          string        `json:"id"`
	EvidenceID  string        `json:"evidence_id"`
	Title       string        `json:"title,omitempty"`
	Kind        string        `json:"kind,omitempty"`
	SHA256      *string       `json:"sha256"`
	CollectedBy string        `json:"collected_by"`
	CollectedAt time.Time     `json:"collected_at"`
	Note        string        `json:"note"`
	RecordedBy  *string       `json:"recorded_by"`
	Custody     []custodyJSON `json:"custody"`
	CreatedAt   time.Time     `json:"created_at"`
}

type incidentLinkJSON struct {
	Kind     string    `json:"kind"`
	ID       string    `json:"id"`
	Ref      string    `json:"ref"`
	Title    string    `json:"title"`
	Done     bool      `json:"done"`
	LinkedAt time.Time `json:"linked_at"`
}

// incidentJSON is an incident of the register with the deadlines its
// facts set; its record adds the timeline, evidence and what was raised
// from it.
type incidentJSON struct {
	ID                      string                 `json:"id"`
	Ref                     string                 `json:"ref"`
	Title                   string                 `json:"title"`
	Description             string                 `json:"description"`
	Category                string                 `json:"category"`
	AICategory              bool                   `json:"ai_category"`
	Severity                string                 `json:"severity"`
	Status                  string                 `json:"status"`
	OccurredAt              *time.Time             `json:"occurred_at"`
	DetectedAt              time.Time              `json:"detected_at"`
	AwareAt                 *time.Time             `json:"aware_at"`
	Reporter                string                 `json:"reporter"`
	RaisedBy                *string                `json:"raised_by"`
	HandlerID               *string                `json:"handler_id"`
	AssetIDs                []string               `json:"asset_ids"`
	PersonalData            bool                   `json:"personal_data"`
	DataSubjects            int                    `json:"data_subjects"`
	AuthorityNotifiedAt     *time.Time             `json:"authority_notified_at"`
	AuthorityRef            string                 `json:"authority_ref"`
	NotificationNotRequired string                 `json:"notification_not_required"`
	AIHighRisk              bool                   `json:"ai_high_risk"`
	AISerious               bool                   `json:"ai_serious"`
	AICase                  *string                `json:"ai_case"`
	AIReportedAt            *time.Time             `json:"ai_reported_at"`
	AIReportRef             string                 `json:"ai_report_ref"`
	Containment             string                 `json:"containment"`
	ContainedAt             *time.Time             `json:"contained_at"`
	Eradication             string                 `json:"eradication"`
	Recovery                string                 `json:"recovery"`
	LessonsLearned          string                 `json:"lessons_learned"`
	ClosedAt                *time.Time             `json:"closed_at"`
	Deadlines               []deadlineJSON         `json:"deadlines"`
	Events                  []incidentEventJSON    `json:"events,omitempty"`
	Evidence                []incidentEvidenceJSON `json:"evidence,omitempty"`
	Raised                  []incidentLinkJSON     `json:"raised,omitempty"`
	CreatedAt               time.Time              `json:"created_at"`
	UpdatedAt               time.Time              `json:"updated_at"`
}

func toIncidentJSON(i isms.Incident, deadlines []isms.Deadline, now time.Time) incidentJSON {
	out := incidentJSON{ID: i.ID, Ref: i.Ref(), Title: i.Title, Description: i.Description, Category: string(i.Category),
		AICategory: i.Category.AI(), Severity: string(i.Severity), Status: string(i.Status), OccurredAt: i.OccurredAt,
		DetectedAt: i.DetectedAt, AwareAt: i.AwareAt, Reporter: i.Reporter, RaisedBy: nullable(i.RaisedBy), HandlerID: nullable(i.HandlerID),
		AssetIDs: i.AssetIDs, PersonalData: i.PersonalData, DataSubjects: i.DataSubjects, AuthorityNotifiedAt: i.AuthorityNotifiedAt,
		AuthorityRef: i.AuthorityRef, NotificationNotRequired: i.NotificationNotRequired, AIHighRisk: i.AIHighRisk, AISerious: i.AISerious,
		AICase: nullable(string(i.AICase)), AIReportedAt: i.AIReportedAt, AIReportRef: i.AIReportRef, Containment: i.Containment,
		ContainedAt: i.ContainedAt, Eradication: i.Eradication, Recovery: i.Recovery, LessonsLearned: i.LessonsLearned,
		ClosedAt: i.ClosedAt, Deadlines: make([]deadlineJSON, 0, len(deadlines)), CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt}
	if out.AssetIDs == nil {
		out.AssetIDs = []string{}
	}
	for _, d := range deadlines {
		out.Deadlines = append(out.Deadlines, toDeadlineJSON(d, now))
	}
	return out
}

// incidentFilterParams are the filters the list and the export share.
var incidentFilterParams = []string{"status", "category", "ai", "severity", "personal_data", "notification_due", "handler", "asset", "q"}

// incidentFilter reads the filters of the list and the export.
func incidentFilter(r *http.Request) (store.IncidentFilter, error) {
	q := r.URL.Query()
	f := store.IncidentFilter{Status: q.Get("status"), Category: isms.IncidentCategory(q.Get("category")),
		Severity: isms.IncidentSeverity(q.Get("severity")), HandlerID: q.Get("handler"), AssetID: q.Get("asset"), Query: q.Get("q")}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"ai", &f.AI}, {"personal_data", &f.PersonalData}, {"notification_due", &f.NotificationDue}} {
		v, err := queryBool(r, b.name)
		if err != nil {
			return f, err
		}
		*b.dst = v != nil && *v
	}
	return f, nil
}

// listIncidents lists the register, newest first, a page at a time.
func (a *API) listIncidents(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(incidentFilterParams, "limit", "cursor")...); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	limit = min(limit, store.MaxLimit)
	if limit == 0 {
		limit = store.DefaultLimit
	}
	f, err := incidentFilter(r)
	if err != nil {
		return err
	}
	f.Limit = limit + 1
	if c := r.URL.Query().Get("cursor"); c != "" {
		key, err := store.DecodeCursor("cursor", c)
		if err != nil {
			return err
		}
		if f.After, err = strconv.Atoi(key); err != nil || f.After < 1 {
			return isms.Invalid("cursor", "is not a cursor returned by this API")
		}
	}
	rows, err := a.svc.Incidents(r.Context(), acc, f)
	if err != nil {
		return err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = store.EncodeCursor(strconv.Itoa(rows[limit-1].RefNum))
	}
	now := a.now()
	out := newList(make([]incidentJSON, 0, len(rows)), next)
	for _, i := range rows {
		out.Items = append(out.Items, toIncidentJSON(i.Incident, i.Deadlines, now))
	}
	return writeJSON(w, http.StatusOK, out)
}

// incidentFields are the names the application gives fields of an
// incident, as the API names them.
var incidentFields = map[string]string{"handler": "handler_id"}

// incidentWrite is a new incident or a change to one. null clears a time
// or a text.
type incidentWrite struct {
	Title                   optional[string]   `json:"title"`
	Description             optional[string]   `json:"description"`
	Category                optional[string]   `json:"category"`
	Severity                optional[string]   `json:"severity"`
	Status                  optional[string]   `json:"status"`
	OccurredAt              optional[string]   `json:"occurred_at"`
	DetectedAt              optional[string]   `json:"detected_at"`
	AwareAt                 optional[string]   `json:"aware_at"`
	Reporter                optional[string]   `json:"reporter"`
	HandlerID               optional[string]   `json:"handler_id"`
	AssetIDs                optional[[]string] `json:"asset_ids"`
	PersonalData            optional[bool]     `json:"personal_data"`
	DataSubjects            optional[int]      `json:"data_subjects"`
	AuthorityNotifiedAt     optional[string]   `json:"authority_notified_at"`
	AuthorityRef            optional[string]   `json:"authority_ref"`
	NotificationNotRequired optional[string]   `json:"notification_not_required"`
	AIHighRisk              optional[bool]     `json:"ai_high_risk"`
	AISerious               optional[bool]     `json:"ai_serious"`
	AICase                  optional[string]   `json:"ai_case"`
	AIReportedAt            optional[string]   `json:"ai_reported_at"`
	AIReportRef             optional[string]   `json:"ai_report_ref"`
	Containment             optional[string]   `json:"containment"`
	ContainedAt             optional[string]   `json:"contained_at"`
	Eradication             optional[string]   `json:"eradication"`
	Recovery                optional[string]   `json:"recovery"`
	LessonsLearned          optional[string]   `json:"lessons_learned"`
	ClosedAt                optional[string]   `json:"closed_at"`
}

// input turns the body into the app's input.
func (in incidentWrite) input() (app.IncidentInput, error) {
	var out app.IncidentInput
	for _, f := range []struct {
		o   optional[string]
		dst **string
	}{{in.Title, &out.Title}, {in.Description, &out.Description}, {in.Category, &out.Category}, {in.Severity, &out.Severity},
		{in.Status, &out.Status}, {in.Reporter, &out.Reporter}, {in.HandlerID, &out.HandlerID}, {in.AuthorityRef, &out.AuthorityRef},
		{in.NotificationNotRequired, &out.NotificationNotRequired}, {in.AICase, &out.AICase}, {in.AIReportRef, &out.AIReportRef},
		{in.Containment, &out.Containment}, {in.Eradication, &out.Eradication}, {in.Recovery, &out.Recovery},
		{in.LessonsLearned, &out.LessonsLearned}} {
		if f.o.Set {
			v := f.o.Value // "" for null
			*f.dst = &v
		}
	}
	for _, t := range []struct {
		name string
		o    optional[string]
		dst  **time.Time
		set  *bool
	}{{"occurred_at", in.OccurredAt, &out.OccurredAt, &out.SetOccurredAt}, {"aware_at", in.AwareAt, &out.AwareAt, &out.SetAwareAt},
		{"authority_notified_at", in.AuthorityNotifiedAt, &out.AuthorityNotifiedAt, &out.SetAuthorityNotifiedAt},
		{"ai_reported_at", in.AIReportedAt, &out.AIReportedAt, &out.SetAIReportedAt},
		{"contained_at", in.ContainedAt, &out.ContainedAt, &out.SetContainedAt},
		{"closed_at", in.ClosedAt, &out.ClosedAt, &out.SetClosedAt}} {
		if !t.o.Set {
			continue
		}
		*t.set = true
		if !t.o.Null {
			v, err := parseTime(t.name, t.o.Value)
			if err != nil {
				return out, err
			}
			*t.dst = &v
		}
	}
	if in.DetectedAt.Set {
		if in.DetectedAt.Null {
			return out, isms.Invalid("detected_at", "cannot be null: every incident was detected at some time")
		}
		v, err := parseTime("detected_at", in.DetectedAt.Value)
		if err != nil {
			return out, err
		}
		out.DetectedAt = &v
	}
	if in.AssetIDs.Set {
		ids := in.AssetIDs.Value
		if ids == nil {
			ids = []string{}
		}
		out.AssetIDs = &ids
	}
	for _, b := range []struct {
		name string
		o    optional[bool]
		dst  **bool
	}{{"personal_data", in.PersonalData, &out.PersonalData}, {"ai_high_risk", in.AIHighRisk, &out.AIHighRisk},
		{"ai_serious", in.AISerious, &out.AISerious}} {
		if b.o.Set {
			if b.o.Null {
				return out, isms.Invalid(b.name, "cannot be null; use true or false")
			}
			v := b.o.Value
			*b.dst = &v
		}
	}
	if in.DataSubjects.Set {
		v := in.DataSubjects.Value // 0 for null: not estimated
		out.DataSubjects = &v
	}
	return out, nil
}

func (a *API) reportIncident(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in incidentWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	i, err := a.svc.ReportIncident(r.Context(), acc, upd)
	if err != nil {
		return renameFields(err, incidentFields)
	}
	return a.writeIncident(w, r, acc, http.StatusCreated, i.ID)
}

func (a *API) getIncident(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writeIncident(w, r, acc, http.StatusOK, id)
}

func (a *API) patchIncident(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in incidentWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	i, err := a.svc.UpdateIncident(r.Context(), acc, id, upd)
	if err != nil {
		return renameFields(err, incidentFields)
	}
	return a.writeIncident(w, r, acc, http.StatusOK, i.ID)
}

// writeIncident answers with the incident's whole record as it now stands.
func (a *API) writeIncident(w http.ResponseWriter, r *http.Request, acc app.Access, status int, id string) error {
	d, err := a.svc.Incident(r.Context(), acc, id)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/incidents/"+d.ID)
	}
	out := toIncidentJSON(d.Incident, d.Deadlines, a.now())
	for _, e := range d.Events {
		out.Events = append(out.Events, toIncidentEventJSON(e))
	}
	for _, it := range d.Evidence {
		ev := incidentEvidenceJSON{ID: it.ID, EvidenceID: it.EvidenceID, Title: it.Title, Kind: string(it.Kind), SHA256: nullable(it.SHA256),
			CollectedBy: it.CollectedBy, CollectedAt: it.CollectedAt, Note: it.Note, RecordedBy: nullable(it.RecordedBy),
			Custody: make([]custodyJSON, 0, len(it.Custody)), CreatedAt: it.CreatedAt}
		for _, c := range it.Custody {
			ev.Custody = append(ev.Custody, toCustodyJSON(c))
		}
		out.Evidence = append(out.Evidence, ev)
	}
	for _, l := range d.Links {
		id := l.NonconformityID + l.RiskID + l.ControlTaskID
		out.Raised = append(out.Raised, incidentLinkJSON{Kind: string(l.Kind), ID: id, Ref: l.Ref, Title: l.Title, Done: l.Done,
			LinkedAt: l.CreatedAt})
	}
	return writeJSON(w, status, out)
}

// incidentEventWrite is a timeline entry.
type incidentEventWrite struct {
	At   *string `json:"at"`
	What string  `json:"what"`
	Who  string  `json:"who"`
}

func (a *API) addIncidentEvent(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in incidentEventWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd := app.IncidentEventInput{What: in.What, Who: in.Who}
	if in.At != nil {
		at, err := parseTime("at", *in.At)
		if err != nil {
			return err
		}
		upd.At = &at
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := a.svc.AddIncidentEvent(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toIncidentEventJSON(e))
}

// incidentEvidenceWrite attaches an evidence item of the register.
type incidentEvidenceWrite struct {
	EvidenceID  string  `json:"evidence_id"`
	CollectedBy string  `json:"collected_by"`
	CollectedAt *string `json:"collected_at"`
	Note        string  `json:"note"`
}

func (a *API) attachIncidentEvidence(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in incidentEvidenceWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd := app.IncidentEvidenceInput{EvidenceID: in.EvidenceID, CollectedBy: in.CollectedBy, Note: in.Note}
	if in.CollectedAt != nil {
		at, err := parseTime("collected_at", *in.CollectedAt)
		if err != nil {
			return err
		}
		upd.CollectedAt = &at
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	it, err := a.svc.AttachIncidentEvidence(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, incidentEvidenceJSON{ID: it.ID, EvidenceID: it.EvidenceID, SHA256: nullable(it.SHA256),
		CollectedBy: it.CollectedBy, CollectedAt: it.CollectedAt, Note: it.Note, RecordedBy: nullable(it.RecordedBy),
		Custody: []custodyJSON{}, CreatedAt: it.CreatedAt})
}

// custodyWrite is a hand-over of an evidence item.
type custodyWrite struct {
	At   *string `json:"at"`
	Who  string  `json:"who"`
	Note string  `json:"note"`
}

func (a *API) recordCustody(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in custodyWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd := app.CustodyInput{Who: in.Who, Note: in.Note}
	if in.At != nil {
		at, err := parseTime("at", *in.At)
		if err != nil {
			return err
		}
		upd.At = &at
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	item := r.PathValue("item")
	if !usableText(item) {
		return isms.ErrNotFound
	}
	c, err := a.svc.RecordCustody(r.Context(), acc, id, item, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toCustodyJSON(c))
}

type evidenceCheckJSON struct {
	ID     string  `json:"id"`
	Title  string  `json:"title"`
	SHA256 *string `json:"sha256"`
	State  string  `json:"state"`
	Detail string  `json:"detail"`
}

// checkIncidentEvidence rehashes an incident's evidence against the hashes
// recorded when it was collected.
func (a *API) checkIncidentEvidence(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	checks, err := a.svc.VerifyIncidentEvidence(r.Context(), acc, id)
	if err != nil {
		return err
	}
	out := struct {
		Intact bool                `json:"intact"`
		Items  []evidenceCheckJSON `json:"items"`
	}{Intact: true, Items: make([]evidenceCheckJSON, 0, len(checks))}
	for _, c := range checks {
		out.Intact = out.Intact && (c.State == "intact" || c.State == "no_content")
		out.Items = append(out.Items, evidenceCheckJSON{ID: c.ItemID, Title: c.Title, SHA256: nullable(c.SHA256), State: c.State, Detail: c.Detail})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) raiseIncidentNonconformity(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in nonconformityWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Source.Set {
		return isms.Invalid("source", "is incident for a record raised from an incident")
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := a.svc.RaiseIncidentNonconformity(r.Context(), acc, id, upd)
	if err != nil {
		return renameFields(err, map[string]string{"owner": "owner_id"})
	}
	return a.writeNonconformity(w, r, acc, http.StatusCreated, n.ID)
}

func (a *API) raiseIncidentRisk(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	k, err := a.svc.RaiseIncidentRisk(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return a.writeRisk(w, r, acc, http.StatusCreated, k.ID)
}

// controlChangeWrite proposes a change to a control after an incident.
type controlChangeWrite struct {
	Control    string  `json:"control"`
	Title      string  `json:"title"`
	AssigneeID string  `json:"assignee_id"`
	DueDate    *string `json:"due_date"`
}

func (a *API) proposeControlChange(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in controlChangeWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	due, err := parseDate("due_date", in.DueDate)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := a.svc.ProposeControlChange(r.Context(), acc, id, app.ControlChangeInput{Control: in.Control, Title: in.Title,
		AssigneeID: in.AssigneeID, DueDate: due})
	if err != nil {
		return renameFields(err, taskFields)
	}
	return writeJSON(w, http.StatusCreated, toControlTaskJSON(in.Control, t))
}

// exportIncidents downloads the incidents a filter selects as CSV or as a
// workbook with their timelines and evidence.
func (a *API) exportIncidents(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(incidentFilterParams, "format")...); err != nil {
		return err
	}
	f, err := incidentFilter(r)
	if err != nil {
		return err
	}
	day := a.now().UTC().Format(dateLayout)
	switch format := r.URL.Query().Get("format"); format {
	case "", "csv":
		return sendFile(w, csvType, "incidents-"+acc.Org.Slug+"-"+day+".csv", func(out io.Writer) error {
			return a.svc.ExportIncidentsCSV(r.Context(), acc, f, out)
		})
	case "xlsx":
		return sendFile(w, xlsxType, "incidents-"+acc.Org.Slug+"-"+day+".xlsx", func(out io.Writer) error {
			return a.svc.ExportIncidentsXLSX(r.Context(), acc, f, out)
		})
	default:
		return isms.Invalid("format", "%q is not an export format; use csv or xlsx", format)
	}
}

type pendingDeadlineJSON struct {
	deadlineJSON
	IncidentID  string `json:"incident_id"`
	IncidentRef string `json:"incident_ref"`
}

// incidentMetricsJSON are the register's figures.
type incidentMetricsJSON struct {
	Open               int                   `json:"open"`
	OpenBySeverity     map[string]int        `json:"open_by_severity"`
	Last12Months       int                   `json:"last_12_months"`
	AILast12Months     int                   `json:"ai_last_12_months"`
	Pending            []pendingDeadlineJSON `json:"pending_notifications"`
	Overdue            int                   `json:"overdue_notifications"`
	Notified           int                   `json:"notifications_made"`
	Late               int                   `json:"notifications_late"`
	Contained          int                   `json:"contained"`
	MeanHoursToContain float64               `json:"mean_hours_to_contain"`
	Closed             int                   `json:"closed"`
	MeanDaysToClose    float64               `json:"mean_days_to_close"`
	Nonconformities    int                   `json:"nonconformities_raised"`
	Risks              int                   `json:"risks_raised"`
	ControlTasks       int                   `json:"control_changes_proposed"`
	EvidenceItems      int                   `json:"evidence_items"`
	CustodyEvents      int                   `json:"custody_events"`
}

func (a *API) incidentMetrics(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	m, err := a.svc.IncidentMetrics(r.Context(), acc)
	if err != nil {
		return err
	}
	now := a.now()
	out := incidentMetricsJSON{Open: m.Open, OpenBySeverity: map[string]int{}, Last12Months: m.Last12Months, AILast12Months: m.AILast12Months,
		Pending: make([]pendingDeadlineJSON, 0, len(m.Pending)), Overdue: m.Overdue, Notified: m.Notified, Late: m.Late,
		Contained: m.Contained, MeanHoursToContain: math.Round(m.MeanHoursToContain*10) / 10, Closed: m.Closed,
		MeanDaysToClose: math.Round(m.MeanDaysToClose*10) / 10, Nonconformities: m.Nonconformities, Risks: m.Risks,
		ControlTasks: m.ControlTasks, EvidenceItems: m.EvidenceItems, CustodyEvents: m.CustodyEvents}
	for _, s := range isms.IncidentSeverities {
		out.OpenBySeverity[string(s)] = m.OpenBySeverity[s]
	}
	for _, p := range m.Pending {
		out.Pending = append(out.Pending, pendingDeadlineJSON{deadlineJSON: toDeadlineJSON(p.Deadline, now), IncidentID: p.Incident.ID,
			IncidentRef: p.Incident.Ref()})
	}
	return writeJSON(w, http.StatusOK, out)
}
