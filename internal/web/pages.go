package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

//go:embed templates
var templateFiles embed.FS

// pages holds one parsed template set per page: the layout, the shared
// partials and the page's own file.
type pages struct {
	sets map[string]*template.Template
}

func parsePages(a *assets) (*pages, error) {
	funcs := template.FuncMap{
		"asset":     a.url,
		"datetime":  formatTime,
		"date":      formatDate,
		"shortHash": shortHash,
		"value":     formatValue,
		"roleLabel": func(r isms.Role) string { return r.Label() },
		"recordType": func(t string) string {
			if label, ok := recordTypeLabels[t]; ok {
				return label
			}
			return t
		},
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, file := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html", file)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		p.sets[name] = t
	}
	return p, nil
}

// Page is what every page shows around its content: who is signed in, the
// organisation switcher and the navigation. Page types embed it.
type Page struct {
	Title   string
	Section string
	User    *isms.User
	Orgs    []store.OrgMembership
	Org     *isms.Organization
	Role    isms.Role
	CSRF    string
	Flash   string
	Nav     []navGroup
	// Bare pages (sign-in, errors without a session) have no sidebar.
	Bare bool
}

func (p *Page) base() *Page { return p }

// Can reports whether the signed-in member's role carries a permission,
// so templates show only the actions that would succeed.
func (p *Page) Can(perm string) bool { return p.Role.Can(isms.Permission(perm)) }

// OrgPath is a path inside the current organisation.
func (p *Page) OrgPath(parts ...string) string {
	if p.Org == nil {
		return "/"
	}
	return "/o/" + p.Org.Slug + "/" + strings.Join(parts, "/")
}

type navItem struct {
	Key, Label, Path string
}

type navGroup struct {
	Label string
	Items []navItem
}

// navigation lists the organisation's pages. Each register that a later
// part of isms adds gets its entry here.
func navigation(org *isms.Organization) []navGroup {
	if org == nil {
		return nil
	}
	base := "/o/" + org.Slug + "/"
	return []navGroup{
		{Items: []navItem{{"overview", "Overview", base}}},
		{Label: "Plan", Items: []navItem{
			{"context", "Scope and context", base + "context"},
			{"assets", "Assets", base + "assets"},
			{"suppliers", "Suppliers", base + "suppliers"},
			{"risks", "Risk register", base + "risks"},
			{"methodology", "Risk methodology", base + "methodology"},
			{"obligations", "Obligations", base + "obligations"},
			{"soa", "Statement of Applicability", base + "soa"},
		}},
		{Label: "Operate", Items: []navItem{
			{"documents", "Policies and documents", base + "documents"},
			{"people", "People", base + "people"},
			{"roles", "Roles and responsibilities", base + "roles"},
			{"training", "Training", base + "training"},
			{"access-reviews", "Access reviews", base + "access-reviews"},
		}},
		{Label: "Library", Items: []navItem{{"frameworks", "Frameworks", base + "frameworks"}}},
		{Label: "Assurance", Items: []navItem{
			{"evidence", "Evidence", base + "evidence"},
			{"vulnerabilities", "Vulnerabilities", base + "findings"},
			{"incidents", "Incidents", base + "incidents"},
			{"ledger", "Change ledger", base + "ledger"},
		}},
		{Label: "Check and act", Items: []navItem{
			{"self-assessment", "Where do we stand?", base + "self-assessment"},
			{"audits", "Internal audit", base + "audits"},
			{"nonconformities", "Nonconformities", base + "nonconformities"},
			{"readiness", "Certification readiness", base + "readiness"},
			{"metrics", "Objectives and metrics", base + "metrics"},
			{"continuity", "Continuity", base + "continuity"},
			{"reviews", "Management review", base + "reviews"},
			{"certification", "Certification", base + "certification"},
		}},
		{Label: "Settings", Items: []navItem{
			{"members", "Members", base + "members"},
			{"tokens", "API tokens", base + "tokens"},
			{"settings", "Organisation", base + "settings"},
		}},
	}
}

type basePage interface{ base() *Page }

// render executes a page into a buffer first, so a failing template gives
// a clean error page instead of half a page.
func (ps *pages) render(w http.ResponseWriter, r *http.Request, status int, name string, data basePage, log *slog.Logger) {
	t, ok := ps.sets[name]
	if !ok {
		log.ErrorContext(r.Context(), "no such page template", "template", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		log.ErrorContext(r.Context(), "render page", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// render fills the frame of a page from the request and shows it.
func (u *UI) render(q *request, status int, name string, data basePage) error {
	p := data.base()
	p.User = &q.session.User
	p.CSRF = q.session.CSRFToken
	if q.access.Org.ID != "" {
		p.Org = &q.access.Org
		p.Role = q.access.Role
	}
	p.Nav = navigation(p.Org)
	orgs, err := u.svc.MyOrgs(q.r.Context(), q.principal())
	if err != nil {
		return err
	}
	p.Orgs = orgs
	if q.session.Flash != "" {
		p.Flash = q.session.Flash
		if err := u.svc.Flash(q.r.Context(), q.session, ""); err != nil {
			return err
		}
	}
	u.pages.render(q.w, q.r, status, name, data, u.log)
	return nil
}

func formatTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return "—"
		}
		return v.UTC().Format("2006-01-02 15:04 UTC")
	case *time.Time:
		if v == nil {
			return "—"
		}
		return formatTime(*v)
	case string:
		parsed, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return v
		}
		return formatTime(parsed)
	}
	return fmt.Sprint(t)
}

func formatDate(t any) string {
	switch v := t.(type) {
	case time.Time:
		return v.UTC().Format("2006-01-02")
	case *time.Time:
		if v == nil {
			return ""
		}
		return v.UTC().Format("2006-01-02")
	}
	return ""
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// recordTypeLabels names the ledger's record types for people.
var recordTypeLabels = map[string]string{
	"organization":             "Organisation",
	"user":                     "Account",
	"member":                   "Member",
	"api_token":                "API token",
	"framework_import":         "Framework import",
	"org_framework":            "Framework choice",
	"org_settings":             "Organisation settings",
	"asset":                    "Asset",
	"asset_relation":           "Asset relation",
	"isms_context":             "ISMS context",
	"risk_methodology":         "Risk methodology",
	"risk":                     "Risk",
	"risk_asset":               "Asset in a risk's scope",
	"risk_control":             "Control selected for a risk",
	"risk_action":              "Treatment action",
	"risk_decision":            "Risk owner's decision",
	"control":                  "Control",
	"control_reason":           "Reason to include a control",
	"control_task":             "Implementation task",
	"evidence":                 "Evidence",
	"evidence_link":            "What evidence supports",
	"evidence_request":         "Evidence request",
	"soa_version":              "Approved Statement of Applicability",
	"scan":                     "Vulnerability scan",
	"vulnerability_sla":        "Remediation deadlines",
	"obligation":               "Obligation",
	"obligation_asset":         "AI asset an obligation concerns",
	"obligation_control":       "Control that meets an obligation",
	"supplier":                 "Supplier",
	"supplier_asset":           "Asset depending on a supplier",
	"supplier_certification":   "Supplier certification",
	"supplier_assessment":      "Supplier assessment",
	"nonconformity":            "Nonconformity or improvement",
	"corrective_action":        "Corrective action",
	"document":                 "Document",
	"document_version":         "Document version",
	"document_approval":        "Approver's decision on a document",
	"document_ack":             "Acknowledgement of a document",
	"business_impact_analysis": "Business impact analysis",
	"continuity_dependency":    "Dependency of a service",
	"continuity_plan":          "Continuity plan",
	"continuity_plan_coverage": "Service a plan covers",
	"continuity_test":          "Continuity test",
	"continuity_follow_up":     "Follow-up of a continuity test",
	"incident":                 "Incident",
	"incident_asset":           "Asset affected by an incident",
	"incident_event":           "Incident timeline entry",
	"incident_evidence":        "Incident evidence",
	"incident_custody":         "Evidence hand-over",
	"incident_link":            "Record raised from an incident",
	"metric":                   "Metric",
	"metric_measurement":       "Measurement of a metric",
	"objective":                "Information security objective",
	"objective_metric":         "Metric an objective is measured by",
	"person":                   "Person",
	"isms_role":                "ISMS role",
	"training_course":          "Training course",
	"training_record":          "Training completed",
	"checklist":                "Joiner or leaver checklist",
	"checklist_item":           "Checklist item",
	"access_review":            "Access review",
	"access_review_account":    "Account in an access review",
	"audit_programme":          "Internal audit programme",
	"audit":                    "Internal audit",
	"auditor":                  "Auditor of an internal audit",
	"audit_item":               "Checklist item of an internal audit",
	"management_review":        "Management review",
	"review_decision":          "Decision of a management review",
	"review_action":            "Action of a management review",
	"certification_cycle":      "Certification cycle",
	"external_audit":           "Certification body's audit",
	"external_audit_finding":   "Finding of a certification body's audit",
	"self_assessment":          "Self-assessment",
}

type errorPage struct {
	Page
	Status     int
	StatusText string
	Message    string
	RequestID  string
}
