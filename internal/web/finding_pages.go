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
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// ---------------------------------------------------------------------
// The findings register.

// findingQuery is the register's filter as it appears in the URL. Status
// is open when the URL names none, so the register opens on the work
// still to do; "all" lifts it.
type findingQuery struct {
	Severity, Asset, Plugin, CVE, Status, Scan, Cursor string
	Overdue                                            bool
}

func readFindingQuery(v url.Values) findingQuery {
	return findingQuery{Severity: v.Get("severity"), Asset: v.Get("asset"), Plugin: strings.TrimSpace(v.Get("plugin")),
		CVE: strings.TrimSpace(v.Get("cve")), Status: v.Get("status"), Scan: v.Get("scan"), Cursor: v.Get("cursor"),
		Overdue: v.Get("overdue") != "" && v.Get("overdue") != "0" && v.Get("overdue") != "false"}
}

// values encodes the query without the cursor.
func (f findingQuery) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"severity", f.Severity}, {"asset", f.Asset}, {"plugin", f.Plugin}, {"cve", f.CVE},
		{"scan", f.Scan}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if f.Status != "" && f.Status != string(isms.FindingOpen) {
		v.Set("status", f.Status)
	}
	if f.Overdue {
		v.Set("overdue", "1")
	}
	return v
}

// Filtered reports whether anything but the default narrows the list.
func (f findingQuery) Filtered() bool { return len(f.values()) > 0 }

// StatusShown is the status select's value.
func (f findingQuery) StatusShown() string {
	if f.Status == "" {
		return string(isms.FindingOpen)
	}
	return f.Status
}

// andAbove is the suffix of a severity value that keeps that severity and
// every higher one: high-and-above.
const andAbove = "-and-above"

// filter turns the query into the store's filter, or says which values
// it cannot read.
func (f findingQuery) filter() (store.FindingFilter, []isms.FieldError) {
	var problems []isms.FieldError
	out := store.FindingFilter{AssetID: f.Asset, CVE: f.CVE, ScanID: f.Scan, Cursor: f.Cursor, Overdue: f.Overdue}
	if f.Severity != "" {
		name, atLeast := strings.CutSuffix(f.Severity, andAbove)
		s, err := isms.ParseSeverity("severity", name)
		switch {
		case err != nil:
			problems = append(problems, isms.FieldErrors(err)...)
		case atLeast:
			out.MinSeverity = &s
		default:
			out.Severity = &s
		}
	}
	switch f.Status {
	case "", string(isms.FindingOpen):
		out.Status = isms.FindingOpen
	case string(isms.FindingFixed):
		out.Status = isms.FindingFixed
	case "all":
	default:
		problems = append(problems, isms.FieldError{Field: "status", Detail: fmt.Sprintf("%q is not a status; use open, fixed or all", f.Status)})
	}
	if f.Plugin != "" {
		n, err := strconv.Atoi(f.Plugin)
		if err != nil || n < 1 {
			problems = append(problems, isms.FieldError{Field: "plugin", Detail: fmt.Sprintf("%q is not a plugin id, which is a whole number such as 19506", f.Plugin)})
		}
		out.PluginID = n
	}
	return out, problems
}

// severityOption is a choice of the severity filter.
type severityOption struct{ Value, Label string }

var severityOptions = []severityOption{
	{"critical", "Critical"}, {"high", "High"}, {"medium", "Medium"}, {"low", "Low"}, {"info", "Info"},
	{"high" + andAbove, "High or critical"}, {"medium" + andAbove, "Medium and above"}, {"low" + andAbove, "Low and above"},
}

type findingRow struct {
	store.Finding
	Link, AssetLink string
	Overdue         bool
	FixFirst        bool
	CVEs            []string
	MoreCVEs        int
}

// maxRowCVEs is how many CVEs a row of the register shows; the finding's
// page lists them all.
const maxRowCVEs = 3

func findingRowOf(q *request, f store.Finding, now time.Time) findingRow {
	row := findingRow{Finding: f, Link: q.orgPath("findings", f.ID), AssetLink: q.orgPath("assets", f.AssetID), Overdue: f.Overdue(now),
		FixFirst: app.Highlighted(f), CVEs: f.Plugin.CVEs}
	if len(row.CVEs) > maxRowCVEs {
		row.CVEs, row.MoreCVEs = row.CVEs[:maxRowCVEs], len(row.CVEs)-maxRowCVEs
	}
	return row
}

// slaForm is the remediation deadlines form as typed.
type slaForm struct{ Critical, High, Medium, Low string }

func slaFormOf(s isms.SLA) slaForm {
	return slaForm{strconv.Itoa(s.CriticalDays), strconv.Itoa(s.HighDays), strconv.Itoa(s.MediumDays), strconv.Itoa(s.LowDays)}
}

// slaDay is one severity's deadline, as the page shows it.
type slaDay struct {
	Severity isms.Severity
	Field    string
	Days     int
}

type findingsPage struct {
	Page
	labels
	Query    findingQuery
	Rows     []findingRow
	Total    int
	Next     string
	First    string
	Problems []isms.FieldError
	ClearURL string
	ScanLink string
	// AllScans is the same filter without the scan.
	AllScans   string
	Severities []severityOption
	Assets     []store.AssetLabel
	SLA        []slaDay
	SLAForm    slaForm
	SLAErrors  map[string]string
	ScansLink  string
}

func (u *UI) findingsPage(q *request) error {
	return u.showFindings(q, http.StatusOK, nil, nil)
}

// showFindings shows the register; form and errs are a refused change of
// the deadlines.
func (u *UI) showFindings(q *request, status int, form *slaForm, errs map[string]string) error {
	ctx := q.r.Context()
	f := readFindingQuery(q.r.URL.Query())
	base := q.orgPath("findings")
	page := &findingsPage{Query: f, ClearURL: base, Severities: severityOptions, SLAErrors: errs, ScansLink: q.orgPath("scans")}
	page.Title, page.Section = "Vulnerabilities", "vulnerabilities"
	if f.Scan != "" {
		page.ScanLink = q.orgPath("scans", f.Scan)
		all := f
		all.Scan = ""
		page.AllScans = urlWith(base, all.values())
	}
	sla, err := u.svc.VulnSLA(ctx, q.access)
	if err != nil {
		return err
	}
	page.SLA = []slaDay{{isms.SeverityCritical, "critical_days", sla.CriticalDays}, {isms.SeverityHigh, "high_days", sla.HighDays},
		{isms.SeverityMedium, "medium_days", sla.MediumDays}, {isms.SeverityLow, "low_days", sla.LowDays}}
	page.SLAForm = slaFormOf(sla)
	if form != nil {
		page.SLAForm = *form
	}
	// The filter offers the first assets by name and the one chosen, as
	// the risk register's does.
	if page.Assets, err = u.svc.AssetLabels(ctx, q.access, nil, maxRiskFilterAssets); err != nil {
		return err
	}
	if f.Asset != "" && !slices.ContainsFunc(page.Assets, func(a store.AssetLabel) bool { return a.ID == f.Asset }) {
		chosen, err := u.svc.AssetLabels(ctx, q.access, []string{f.Asset}, 0)
		if err != nil {
			return err
		}
		page.Assets = append(chosen, page.Assets...)
	}
	ff, problems := f.filter()
	if len(problems) > 0 {
		page.Problems = problems
		return u.render(q, http.StatusUnprocessableEntity, "findings", page)
	}
	list, err := u.svc.ListFindings(ctx, q.access, ff)
	if fields := isms.FieldErrors(err); fields != nil {
		page.Problems = fields
		return u.render(q, http.StatusUnprocessableEntity, "findings", page)
	}
	if err != nil {
		return err
	}
	page.Total = list.Total
	now := time.Now()
	for _, fd := range list.Findings {
		page.Rows = append(page.Rows, findingRowOf(q, fd, now))
	}
	if list.Next != "" {
		v := f.values()
		v.Set("cursor", list.Next)
		page.Next = urlWith(base, v)
	}
	if f.Cursor != "" {
		page.First = urlWith(base, f.values())
	}
	return u.render(q, status, "findings", page)
}

// setVulnSLA changes the remediation deadlines; the open findings' due
// dates follow them.
func (u *UI) setVulnSLA(q *request) error {
	v := q.r.PostForm
	form := slaForm{Critical: strings.TrimSpace(v.Get("critical_days")), High: strings.TrimSpace(v.Get("high_days")),
		Medium: strings.TrimSpace(v.Get("medium_days")), Low: strings.TrimSpace(v.Get("low_days"))}
	errs := map[string]string{}
	days := func(field, s string) int {
		if s == "" {
			return 0 // an empty field is no deadline, as 0 is
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			errs[field] = "must be a whole number of days; 0 for no deadline"
		}
		return n
	}
	sla := isms.SLA{CriticalDays: days("critical_days", form.Critical), HighDays: days("high_days", form.High),
		MediumDays: days("medium_days", form.Medium), LowDays: days("low_days", form.Low)}
	if len(errs) > 0 {
		return u.showFindings(q, http.StatusUnprocessableEntity, &form, errs)
	}
	err := u.svc.SetVulnSLA(q.r.Context(), q.access, sla)
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showFindings(q, http.StatusUnprocessableEntity, &form, fieldErrors(fields))
	}
	if err != nil {
		return err
	}
	describe := func(sev string, n int) string {
		if n == 0 {
			return sev + " none"
		}
		return fmt.Sprintf("%s %d %s", sev, n, plural(n, "day", "days"))
	}
	return u.redirect(q, q.orgPath("findings")+"#sla", "Remediation deadlines saved: "+strings.Join([]string{
		describe("critical", sla.CriticalDays), describe("high", sla.HighDays), describe("medium", sla.MediumDays),
		describe("low", sla.LowDays)}, ", ")+". The due dates of open findings follow them.")
}

// ---------------------------------------------------------------------
// One finding.

type findingLink struct{ Text, URL string }

type findingEventRow struct {
	store.FindingEvent
	ScanLink string
}

type findingPage struct {
	Page
	labels
	Finding     app.FindingDetail
	Asset       store.StoredAsset
	AssetLink   string
	AssetEdit   string
	Overdue     bool
	DaysOverdue int
	SLADays     int
	CVEs        []findingLink
	CWEs        []string
	References  []findingLink
	History     []findingEventRow
	RiskRef     string
	RiskTitle   string
	RiskLink    string
	RaiseAction string
	Register    string
	Refusal     string
	// NC is the nonconformity that records a missed deadline; NCAction
	// raises one.
	NCRef, NCLink, NCAction string
	NCClosed                bool
	MissedDeadline          bool
}

func (u *UI) findingPage(q *request) error {
	return u.showFinding(q, http.StatusOK, "")
}

func (u *UI) showFinding(q *request, status int, refused string) error {
	ctx := q.r.Context()
	d, err := u.svc.Finding(ctx, q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	page := &findingPage{Finding: d, AssetLink: q.orgPath("assets", d.AssetID), AssetEdit: q.orgPath("assets", d.AssetID, "edit"),
		RaiseAction: q.orgPath("findings", d.ID, "risk"), Register: q.orgPath("findings"), Refusal: refused}
	page.Title, page.Section = d.Plugin.Name, "vulnerabilities"
	if page.Asset, err = u.svc.Asset(ctx, q.access, d.AssetID); err != nil {
		return err
	}
	now := time.Now()
	if page.Overdue = d.Overdue(now); page.Overdue {
		page.DaysOverdue = int(now.Sub(*d.DueDate).Hours() / 24)
	}
	sla, err := u.svc.VulnSLA(ctx, q.access)
	if err != nil {
		return err
	}
	page.SLADays = sla.Days(d.Severity)
	for _, c := range d.Plugin.CVEs {
		page.CVEs = append(page.CVEs, findingLink{Text: c, URL: q.findingsPath(url.Values{"cve": {c}, "status": {"all"}})})
	}
	for _, c := range d.Plugin.CWEs {
		// Nessus writes the number alone (79); some exports write CWE-79.
		if !strings.HasPrefix(strings.ToUpper(c), "CWE-") {
			c = "CWE-" + c
		}
		page.CWEs = append(page.CWEs, c)
	}
	for _, ref := range d.Plugin.References {
		page.References = append(page.References, findingLink{Text: ref, URL: webLink(ref)})
	}
	for _, e := range d.Events {
		page.History = append(page.History, findingEventRow{FindingEvent: e, ScanLink: q.orgPath("scans", e.ScanID)})
	}
	page.MissedDeadline = page.Overdue || d.FixedAt != nil && d.DueDate != nil && d.FixedAt.After(*d.DueDate)
	page.NCAction = q.orgPath("findings", d.ID, "nonconformity")
	if d.Nonconformity != nil {
		page.NCRef, page.NCLink, page.NCClosed = d.Nonconformity.Ref(), q.ncPath(*d.Nonconformity), d.Nonconformity.Closed()
	}
	if d.RiskID != "" {
		k, err := u.svc.Risk(ctx, q.access, d.RiskID)
		if err != nil {
			return err
		}
		page.RiskRef, page.RiskTitle, page.RiskLink = k.Ref(), k.Title, q.riskPath(k.Risk)
	}
	return u.render(q, status, "finding", page)
}

// webLink is s when it is an http or https address, which the page may
// link to; "" for anything else a scanner wrote, which is shown as text.
func webLink(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// raiseFindingRisk makes a risk from the finding and opens it.
func (u *UI) raiseFindingRisk(q *request) error {
	k, err := u.svc.RaiseRisk(q.r.Context(), q.access, q.r.PathValue("id"))
	var conflict *isms.ConflictError
	switch {
	case errors.As(err, &conflict):
		return u.showFinding(q, http.StatusConflict, refusal(errors.New(conflict.Detail)))
	case isms.FieldErrors(err) != nil:
		var parts []string
		for _, f := range isms.FieldErrors(err) {
			parts = append(parts, f.Field+" "+f.Detail)
		}
		return u.showFinding(q, http.StatusUnprocessableEntity, refusal(errors.New(strings.Join(parts, "; "))))
	case err != nil:
		return u.refuseRisk(q, err)
	}
	return u.redirect(q, q.riskPath(k), "Risk "+k.Ref()+" raised from the finding, with its asset in scope. "+
		"The rating is a first estimate from the finding's severity: review it, then decide the treatment.")
}

// ---------------------------------------------------------------------
// An asset's findings, on its page.

// maxAssetFindings is how many open findings an asset's page lists; the
// register lists the rest.
const maxAssetFindings = 10

type assetVulns struct {
	// Show is set for assets a scan can find: those with findings, and
	// those of a type that carries host identities.
	Show     bool
	Open     []findingRow
	OpenN    int
	AllN     int
	OpenLink string
	AllLink  string
}

func (u *UI) assetVulns(q *request, a store.StoredAsset) (assetVulns, error) {
	ctx := q.r.Context()
	var v assetVulns
	open, err := u.svc.ListFindings(ctx, q.access, store.FindingFilter{AssetID: a.ID, Status: isms.FindingOpen, Limit: maxAssetFindings})
	if err != nil {
		return v, err
	}
	all, err := u.svc.ListFindings(ctx, q.access, store.FindingFilter{AssetID: a.ID, Limit: 1})
	if err != nil {
		return v, err
	}
	v.OpenN, v.AllN = open.Total, all.Total
	now := time.Now()
	for _, f := range open.Findings {
		v.Open = append(v.Open, findingRowOf(q, f, now))
	}
	v.OpenLink = q.findingsPath(url.Values{"asset": {a.ID}})
	v.AllLink = q.findingsPath(url.Values{"asset": {a.ID}, "status": {"all"}})
	info, _ := a.Type.Info()
	v.Show = v.AllN > 0 || slices.ContainsFunc(info.Attributes, func(s isms.AttributeSpec) bool { return s.Key == "ip" })
	return v, nil
}
