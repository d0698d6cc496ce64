package httpapi

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// impactJSON is the impact of a disruption at one horizon.
type impactJSON struct {
	Hours        int `json:"hours"`
	Financial    int `json:"financial"`
	Contractual  int `json:"contractual"`
	Regulatory   int `json:"regulatory"`
	Reputational int `json:"reputational"`
}

type assetRefJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

type planRefJSON struct {
	ID    string `json:"id"`
	Ref   string `json:"ref"`
	Title string `json:"title"`
}

type biaRefJSON struct {
	ID       string `json:"id"`
	Ref      string `json:"ref"`
	Name     string `json:"name"`
	RTOHours int    `json:"rto_hours"`
}

type followUpJSON struct {
	ID              string  `json:"id"`
	Title           string  `json:"title"`
	NonconformityID *string `json:"nonconformity_id"`
}

// testJSON is a test of a plan; missed_rto compares its recovery time
// with the tightest RTO of what the plan covers.
type testJSON struct {
	ID              string         `json:"id"`
	Ref             string         `json:"ref"`
	PlanID          string         `json:"plan_id"`
	TestedOn        string         `json:"tested_on"`
	Kind            string         `json:"kind"`
	Scope           string         `json:"scope"`
	Result          string         `json:"result"`
	RecoveryMinutes *int           `json:"recovery_minutes"`
	Findings        string         `json:"findings"`
	RecordedBy      *string        `json:"recorded_by"`
	MissedRTO       bool           `json:"missed_rto"`
	FollowUps       []followUpJSON `json:"follow_ups,omitempty"`
	CreatedAt       time.Time      `json:"created_at"`
}

func toTestJSON(t app.TestView) testJSON {
	out := testJSON{ID: t.ID, Ref: t.Ref(), PlanID: t.PlanID, TestedOn: *formatDate(&t.TestedOn), Kind: string(t.Kind), Scope: t.Scope,
		Result: string(t.Result), RecoveryMinutes: t.RecoveryMinutes, Findings: t.Findings, RecordedBy: nullable(t.RecordedBy),
		MissedRTO: t.MissedRTO, CreatedAt: t.CreatedAt}
	for _, f := range t.FollowUps {
		out.FollowUps = append(out.FollowUps, followUpJSON{ID: f.ID, Title: f.Title, NonconformityID: nullable(f.NonconformityID)})
	}
	return out
}

type biaFlagsJSON struct {
	NoPlan        bool `json:"no_plan"`
	ReviewOverdue bool `json:"review_overdue"`
	MissedRTO     bool `json:"missed_rto"`
}

// biaJSON is a business impact analysis with its dependencies, the plans
// that cover it, their latest test and its flags.
type biaJSON struct {
	ID           string         `json:"id"`
	Ref          string         `json:"ref"`
	Name         string         `json:"name"`
	Description  string         `json:"description"`
	OwnerID      string         `json:"owner_id"`
	Criticality  string         `json:"criticality"`
	RTOHours     int            `json:"rto_hours"`
	RPOHours     int            `json:"rpo_hours"`
	MTPDHours    int            `json:"mtpd_hours"`
	Impacts      []impactJSON   `json:"impacts"`
	ReviewDate   *string        `json:"review_date"`
	Dependencies []assetRefJSON `json:"dependencies"`
	Plans        []planRefJSON  `json:"plans"`
	LastTest     *testJSON      `json:"last_test"`
	Flags        biaFlagsJSON   `json:"flags"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

func toBIAJSON(v app.BIAView) biaJSON {
	out := biaJSON{ID: v.ID, Ref: v.Ref(), Name: v.Name, Description: v.Description, OwnerID: v.OwnerID, Criticality: string(v.Criticality),
		RTOHours: v.RTOHours, RPOHours: v.RPOHours, MTPDHours: v.MTPDHours, ReviewDate: formatDate(v.ReviewDate),
		Impacts: []impactJSON{}, Dependencies: []assetRefJSON{}, Plans: []planRefJSON{},
		Flags:     biaFlagsJSON{NoPlan: v.NoPlan, ReviewOverdue: v.ReviewOverdue, MissedRTO: v.MissedRTO},
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	for i, r := range v.Impacts {
		out.Impacts = append(out.Impacts, impactJSON{Hours: isms.ImpactHorizons[i], Financial: r.Financial, Contractual: r.Contractual,
			Regulatory: r.Regulatory, Reputational: r.Reputational})
	}
	for _, d := range v.Dependencies {
		out.Dependencies = append(out.Dependencies, assetRefJSON{ID: d.ID, Name: d.Name, Type: string(d.Type)})
	}
	for _, p := range v.Plans {
		out.Plans = append(out.Plans, planRefJSON{ID: p.ID, Ref: p.Ref(), Title: p.Title})
	}
	if v.LastTest != nil {
		t := toTestJSON(app.TestView{ContinuityTest: *v.LastTest, MissedRTO: v.MissedRTO})
		out.LastTest = &t
	}
	return out
}

type planFlagsJSON struct {
	NeverTested   bool `json:"never_tested"`
	TestStale     bool `json:"test_stale"`
	ReviewOverdue bool `json:"review_overdue"`
	MissedRTO     bool `json:"missed_rto"`
}

// planJSON is a continuity plan with the analyses it covers and its
// tests.
type planJSON struct {
	ID         string        `json:"id"`
	Ref        string        `json:"ref"`
	Title      string        `json:"title"`
	OwnerID    string        `json:"owner_id"`
	Steps      string        `json:"steps"`
	Version    string        `json:"version"`
	ApprovedAt *string       `json:"approved_at"`
	ReviewDate *string       `json:"review_date"`
	EvidenceID *string       `json:"evidence_id"`
	BIAs       []biaRefJSON  `json:"bias"`
	RTOHours   *int          `json:"rto_hours"`
	LastTest   *testJSON     `json:"last_test"`
	Tests      []testJSON    `json:"tests,omitempty"`
	Flags      planFlagsJSON `json:"flags"`
	CreatedAt  time.Time     `json:"created_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
}

func toPlanJSON(v app.PlanView, withTests bool) planJSON {
	out := planJSON{ID: v.ID, Ref: v.Ref(), Title: v.Title, OwnerID: v.OwnerID, Steps: v.Steps, Version: v.Version,
		ApprovedAt: formatDate(v.ApprovedAt), ReviewDate: formatDate(v.ReviewDate), EvidenceID: nullable(v.EvidenceID), BIAs: []biaRefJSON{},
		Flags:     planFlagsJSON{NeverTested: v.NeverTested, TestStale: v.TestStale, ReviewOverdue: v.ReviewOverdue, MissedRTO: v.MissedRTO},
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	for _, b := range v.BIAs {
		out.BIAs = append(out.BIAs, biaRefJSON{ID: b.ID, Ref: b.Ref(), Name: b.Name, RTOHours: b.RTOHours})
	}
	if v.RTOHours > 0 {
		out.RTOHours = &v.RTOHours
	}
	if t := v.LastTest(); t != nil {
		last := toTestJSON(app.TestView{ContinuityTest: t.ContinuityTest, MissedRTO: t.MissedRTO})
		out.LastTest = &last
	}
	if withTests {
		out.Tests = make([]testJSON, 0, len(v.Tests))
		for _, t := range v.Tests {
			out.Tests = append(out.Tests, toTestJSON(t))
		}
	}
	return out
}

var biaFilterParams = []string{"criticality", "owner", "asset", "q", "flagged"}

// continuityFilter reads the register's filters from the query.
func continuityFilter(r *http.Request) (app.ContinuityFilter, error) {
	q := r.URL.Query()
	f := app.ContinuityFilter{BIAFilter: store.BIAFilter{Criticality: isms.Criticality(q.Get("criticality")), OwnerID: q.Get("owner"),
		AssetID: q.Get("asset"), Query: q.Get("q")}}
	if f.Criticality != "" && !f.Criticality.IsValid() {
		return f, isms.Invalid("criticality", "%q is not a criticality; use critical, high, medium or low", f.Criticality)
	}
	switch q.Get("flagged") {
	case "", "false":
	case "true":
		f.Flagged = true
	default:
		return f, isms.Invalid("flagged", "use true or false")
	}
	return f, nil
}

// pageParams reads the limit and a cursor holding a reference number.
func pageParams(r *http.Request) (limit, after int, err error) {
	if limit, err = queryInt(r, "limit"); err != nil {
		return 0, 0, err
	}
	limit = min(limit, store.MaxLimit)
	if limit == 0 {
		limit = store.DefaultLimit
	}
	if c := r.URL.Query().Get("cursor"); c != "" {
		key, err := store.DecodeCursor("cursor", c)
		if err != nil {
			return 0, 0, err
		}
		if after, err = strconv.Atoi(key); err != nil {
			return 0, 0, isms.Invalid("cursor", "is not a cursor returned by this API")
		}
	}
	return limit, after, nil
}

func (a *API) listBIAs(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(biaFilterParams, "limit", "cursor")...); err != nil {
		return err
	}
	f, err := continuityFilter(r)
	if err != nil {
		return err
	}
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	f.After, f.Limit = after, limit+1
	rows, err := a.svc.BIAs(r.Context(), acc, f)
	if err != nil {
		return err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = store.EncodeCursor(strconv.Itoa(rows[limit-1].RefNum))
	}
	out := newList(make([]biaJSON, 0, len(rows)), next)
	for _, v := range rows {
		out.Items = append(out.Items, toBIAJSON(v))
	}
	return writeJSON(w, http.StatusOK, out)
}

// biaWrite is a new analysis or its replacement.
type biaWrite struct {
	Name         string       `json:"name"`
	Description  string       `json:"description"`
	OwnerID      string       `json:"owner_id"`
	Criticality  string       `json:"criticality"`
	RTOHours     int          `json:"rto_hours"`
	RPOHours     int          `json:"rpo_hours"`
	MTPDHours    int          `json:"mtpd_hours"`
	Impacts      []impactJSON `json:"impacts"`
	ReviewDate   *string      `json:"review_date"`
	Dependencies []string     `json:"dependencies"`
}

func (in biaWrite) input() (app.BIAInput, error) {
	out := app.BIAInput{Name: in.Name, Description: in.Description, OwnerID: in.OwnerID, Criticality: in.Criticality, RTOHours: in.RTOHours,
		RPOHours: in.RPOHours, MTPDHours: in.MTPDHours, DependencyIDs: in.Dependencies}
	for _, imp := range in.Impacts {
		i := slices.Index(isms.ImpactHorizons[:], imp.Hours)
		if i < 0 {
			return out, isms.Invalid("impacts", "%d hours is not a horizon; rate the impact at 1, 4, 24 and 72 hours", imp.Hours)
		}
		out.Impacts[i] = isms.ImpactRating{Financial: imp.Financial, Contractual: imp.Contractual, Regulatory: imp.Regulatory,
			Reputational: imp.Reputational}
	}
	var err error
	out.ReviewDate, err = parseDate("review_date", in.ReviewDate)
	return out, err
}

func (a *API) saveBIA(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in biaWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	ref, status := r.PathValue("id"), http.StatusOK
	if ref == "" {
		status = http.StatusCreated
	}
	b, err := a.svc.SaveBIA(r.Context(), acc, ref, upd)
	if err != nil {
		return err
	}
	v, err := a.svc.BIADetail(r.Context(), acc, b.ID)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/continuity/bias/"+b.ID)
	}
	return writeJSON(w, status, toBIAJSON(v))
}

func (a *API) getBIA(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := a.svc.BIADetail(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toBIAJSON(v))
}

func (a *API) listPlans(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "limit", "cursor"); err != nil {
		return err
	}
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	rows, err := a.svc.Plans(r.Context(), acc, after, limit+1)
	if err != nil {
		return err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = store.EncodeCursor(strconv.Itoa(rows[limit-1].RefNum))
	}
	out := newList(make([]planJSON, 0, len(rows)), next)
	for _, v := range rows {
		out.Items = append(out.Items, toPlanJSON(v, false))
	}
	return writeJSON(w, http.StatusOK, out)
}

// planWrite is a new plan or its replacement.
type planWrite struct {
	Title      string   `json:"title"`
	OwnerID    string   `json:"owner_id"`
	Steps      string   `json:"steps"`
	Version    string   `json:"version"`
	ApprovedAt *string  `json:"approved_at"`
	ReviewDate *string  `json:"review_date"`
	EvidenceID *string  `json:"evidence_id"`
	BIAs       []string `json:"bias"`
}

func (a *API) savePlan(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in planWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	approved, err := parseDate("approved_at", in.ApprovedAt)
	if err != nil {
		return err
	}
	review, err := parseDate("review_date", in.ReviewDate)
	if err != nil {
		return err
	}
	ref, status := r.PathValue("id"), http.StatusOK
	if ref == "" {
		status = http.StatusCreated
	}
	p, err := a.svc.SavePlan(r.Context(), acc, ref, app.PlanInput{Title: in.Title, OwnerID: in.OwnerID, Steps: in.Steps, Version: in.Version,
		ApprovedAt: approved, ReviewDate: review, EvidenceID: deref(in.EvidenceID), BIAs: in.BIAs})
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/continuity/plans/"+p.ID)
	}
	return a.writePlan(w, r, acc, status, p.ID)
}

func (a *API) writePlan(w http.ResponseWriter, r *http.Request, acc app.Access, status int, id string) error {
	v, err := a.svc.PlanDetail(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, status, toPlanJSON(v, true))
}

func (a *API) getPlan(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writePlan(w, r, acc, http.StatusOK, id)
}

// testWrite records a test of a plan.
type testWrite struct {
	TestedOn        string   `json:"tested_on"`
	Kind            string   `json:"kind"`
	Scope           string   `json:"scope"`
	Result          string   `json:"result"`
	RecoveryMinutes *int     `json:"recovery_minutes"`
	Findings        string   `json:"findings"`
	FollowUps       []string `json:"follow_ups"`
}

func (a *API) recordTest(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in testWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	on, err := parseDate("tested_on", &in.TestedOn)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := a.svc.RecordContinuityTest(r.Context(), acc, id, app.TestInput{TestedOn: *on, Kind: in.Kind, Scope: in.Scope, Result: in.Result,
		RecoveryMinutes: in.RecoveryMinutes, Findings: in.Findings, FollowUps: in.FollowUps})
	if err != nil {
		return err
	}
	v, err := a.svc.PlanDetail(r.Context(), acc, t.PlanID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(v.Tests, func(x app.TestView) bool { return x.ID == t.ID })
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/continuity/plans/"+v.ID)
	return writeJSON(w, http.StatusCreated, toTestJSON(v.Tests[i]))
}

// followUpWrite is something a test showed must change.
type followUpWrite struct {
	Title string `json:"title"`
}

func (a *API) addFollowUp(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in followUpWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := a.svc.AddFollowUp(r.Context(), acc, id, in.Title)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, followUpJSON{ID: f.ID, Title: f.Title, NonconformityID: nullable(f.NonconformityID)})
}

func (a *API) raiseFollowUpNonconformity(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := a.svc.RaiseFollowUpNonconformity(r.Context(), acc, id, r.PathValue("followup"))
	if err != nil {
		return err
	}
	return a.writeNonconformity(w, r, acc, http.StatusCreated, n.ID)
}

// exportContinuity downloads the analyses the filters select, with their
// plans and last test, as CSV or a spreadsheet.
func (a *API) exportContinuity(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(biaFilterParams, "format")...); err != nil {
		return err
	}
	f, err := continuityFilter(r)
	if err != nil {
		return err
	}
	day := a.now().UTC().Format(dateLayout)
	switch format := r.URL.Query().Get("format"); format {
	case "", "csv":
		return sendFile(w, csvType, "continuity-"+acc.Org.Slug+"-"+day+".csv", func(out io.Writer) error {
			return a.svc.ExportContinuityCSV(r.Context(), acc, f, out)
		})
	case "xlsx":
		return sendFile(w, xlsxType, "continuity-"+acc.Org.Slug+"-"+day+".xlsx", func(out io.Writer) error {
			return a.svc.ExportContinuityXLSX(r.Context(), acc, f, out)
		})
	default:
		return isms.Invalid("format", "%q is not an export format; use csv or xlsx", format)
	}
}
