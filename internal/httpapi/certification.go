package httpapi

import (
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// certCycleJSON is a certification cycle.
type certCycleJSON struct {
	ID                string    `json:"id"`
	Body              string    `json:"body"`
	Scope             string    `json:"scope"`
	Standard          string    `json:"standard"`
	Stage1Date        *string   `json:"stage1_date"`
	Stage2Date        *string   `json:"stage2_date"`
	CertificateNumber *string   `json:"certificate_number"`
	IssuedOn          *string   `json:"issued_on"`
	ExpiresOn         *string   `json:"expires_on"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

func toCertCycleJSON(c isms.CertCycle) certCycleJSON {
	return certCycleJSON{ID: c.ID, Body: c.Body, Scope: c.Scope, Standard: c.Standard, Stage1Date: formatDate(c.Stage1Date),
		Stage2Date: formatDate(c.Stage2Date), CertificateNumber: nullable(c.CertificateNumber), IssuedOn: formatDate(c.IssuedOn),
		ExpiresOn: formatDate(c.ExpiresOn), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// externalAuditJSON is an audit by the certification body, with the
// references of the records raised from it.
type externalAuditJSON struct {
	ID          string    `json:"id"`
	CycleID     string    `json:"cycle_id"`
	Kind        string    `json:"kind"`
	PlannedDate *string   `json:"planned_date"`
	DoneDate    *string   `json:"done_date"`
	LeadAuditor string    `json:"lead_auditor"`
	Result      string    `json:"result"`
	Findings    []string  `json:"findings"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toExternalAuditJSON(a isms.ExternalAudit, findings []isms.Nonconformity) externalAuditJSON {
	out := externalAuditJSON{ID: a.ID, CycleID: a.CycleID, Kind: string(a.Kind), PlannedDate: formatDate(a.PlannedDate),
		DoneDate: formatDate(a.DoneDate), LeadAuditor: a.LeadAuditor, Result: a.Result, Findings: []string{}, CreatedAt: a.CreatedAt,
		UpdatedAt: a.UpdatedAt}
	for _, n := range findings {
		out.Findings = append(out.Findings, n.Ref())
	}
	return out
}

// dueAuditJSON is a line of the calendar.
type dueAuditJSON struct {
	Kind    string  `json:"kind"`
	DueBy   *string `json:"due_by"`
	Planned *string `json:"planned"`
	Done    *string `json:"done"`
	Overdue bool    `json:"overdue"`
	DueSoon bool    `json:"due_soon"`
}

// certificationStateJSON is the certification as it stands.
type certificationStateJSON struct {
	Current  *certCycleJSON      `json:"current"`
	Audits   []externalAuditJSON `json:"audits"`
	Calendar []dueAuditJSON      `json:"calendar"`
	Next     *dueAuditJSON       `json:"next"`
	History  []certCycleJSON     `json:"history"`
}

func (a *API) getCertification(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	c, err := a.svc.Certification(r.Context(), acc)
	if err != nil {
		return err
	}
	out := certificationStateJSON{Audits: []externalAuditJSON{}, Calendar: []dueAuditJSON{}, History: []certCycleJSON{}}
	if c.Current != nil {
		cur := toCertCycleJSON(*c.Current)
		out.Current = &cur
	}
	for _, au := range c.Audits {
		out.Audits = append(out.Audits, toExternalAuditJSON(au.ExternalAudit, au.Findings))
	}
	for _, d := range c.Calendar {
		j := dueAuditJSON{Kind: string(d.Kind), DueBy: formatDate(d.DueBy), Planned: formatDate(d.Planned), Done: formatDate(d.Done),
			Overdue: d.Overdue, DueSoon: d.DueSoon}
		out.Calendar = append(out.Calendar, j)
		if out.Next == nil && d.Done == nil {
			out.Next = &j
		}
	}
	for _, h := range c.History {
		out.History = append(out.History, toCertCycleJSON(h))
	}
	return writeJSON(w, http.StatusOK, out)
}

// certCycleWrite is a new cycle or a change to the current one; null
// clears a date.
type certCycleWrite struct {
	Body              optional[string] `json:"body"`
	Scope             optional[string] `json:"scope"`
	Standard          optional[string] `json:"standard"`
	CertificateNumber optional[string] `json:"certificate_number"`
	Stage1Date        optional[string] `json:"stage1_date"`
	Stage2Date        optional[string] `json:"stage2_date"`
	IssuedOn          optional[string] `json:"issued_on"`
	ExpiresOn         optional[string] `json:"expires_on"`
}

// optionalDate reads an optional date: set reports whether it was sent,
// and a null clears it.
func optionalDate(field string, o optional[string]) (d *time.Time, set bool, err error) {
	if !o.Set || o.Null {
		return nil, o.Set, nil
	}
	d, err = parseDate(field, &o.Value)
	return d, true, err
}

func (in certCycleWrite) input() (app.CycleInput, error) {
	var out app.CycleInput
	for _, f := range []struct {
		name string
		o    optional[string]
		dst  **string
	}{{"body", in.Body, &out.Body}, {"scope", in.Scope, &out.Scope}, {"standard", in.Standard, &out.Standard},
		{"certificate_number", in.CertificateNumber, &out.CertificateNumber}} {
		if f.o.Set {
			v := f.o.Value
			*f.dst = &v
		}
	}
	var err error
	for _, f := range []struct {
		name string
		o    optional[string]
		dst  **time.Time
		set  *bool
	}{{"stage1_date", in.Stage1Date, &out.Stage1Date, &out.SetStage1}, {"stage2_date", in.Stage2Date, &out.Stage2Date, &out.SetStage2},
		{"issued_on", in.IssuedOn, &out.IssuedOn, &out.SetIssued}, {"expires_on", in.ExpiresOn, &out.ExpiresOn, &out.SetExpiresOn}} {
		if *f.dst, *f.set, err = optionalDate(f.name, f.o); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (a *API) startCertCycle(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in certCycleWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	c, err := a.svc.StartCertCycle(r.Context(), acc, upd)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/certification")
	return writeJSON(w, http.StatusCreated, toCertCycleJSON(c))
}

func (a *API) patchCertCycle(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in certCycleWrite
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
	c, err := a.svc.UpdateCertCycle(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toCertCycleJSON(c))
}

// externalAuditWrite is a new audit of the current cycle or a change to
// one; null clears a date.
type externalAuditWrite struct {
	Kind        optional[string] `json:"kind"`
	PlannedDate optional[string] `json:"planned_date"`
	DoneDate    optional[string] `json:"done_date"`
	LeadAuditor optional[string] `json:"lead_auditor"`
	Result      optional[string] `json:"result"`
}

func (a *API) saveExternalAudit(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in externalAuditWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	var upd app.ExternalAuditInput
	for _, f := range []struct {
		o   optional[string]
		dst **string
	}{{in.Kind, &upd.Kind}, {in.LeadAuditor, &upd.LeadAuditor}, {in.Result, &upd.Result}} {
		if f.o.Set {
			v := f.o.Value
			*f.dst = &v
		}
	}
	var err error
	if upd.PlannedDate, upd.SetPlanned, err = optionalDate("planned_date", in.PlannedDate); err != nil {
		return err
	}
	if upd.DoneDate, upd.SetDone, err = optionalDate("done_date", in.DoneDate); err != nil {
		return err
	}
	id := r.PathValue("id")
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
	}
	au, err := a.svc.SaveExternalAudit(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, status, toExternalAuditJSON(au, nil))
}

func (a *API) raiseAuditFinding(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in nonconformityWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Source.Set {
		return isms.Invalid("source", "is the certification body for an audit's finding")
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := a.svc.RaiseAuditFinding(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	return a.writeNonconformity(w, r, acc, http.StatusCreated, n.ID)
}
