package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/store"
)

// TestEveryTemplateRenders executes every page template with its page
// type, filled and empty, so a template that refers to a field its page
// lacks fails here rather than in front of a user.
func TestEveryTemplateRenders(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	ps, err := parsePages(a)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	org := isms.Organization{ID: "o1", Slug: "helix-ai", Name: "Helix AI Ltd", CreatedAt: now}
	user := isms.User{ID: "u1", Email: "dana@helix.example", Name: "Dana", InstanceAdmin: true}
	frame := func(title string) Page {
		return Page{Title: title, User: &user, Org: &org, Role: isms.RoleOwner, CSRF: "tok", Flash: "Saved.",
			Orgs: []store.OrgMembership{{Org: org, Role: isms.RoleOwner}}, Nav: navigation(&org)}
	}
	member := isms.Member{ID: "m1", Email: "priya@helix.example", Name: "Priya", Role: isms.RoleAuditor, ExpiresAt: &now, CreatedAt: now}
	entry := entryView{Entry: ledger.Entry{Seq: 3, At: "2026-11-29T09:30:00.000000Z", Action: "update", RecordType: "member", RecordID: "m1",
		Content: json.RawMessage(`{"role":"viewer"}`)}, ActorName: "dana@helix.example", Link: "/o/helix-ai/history/member/m1",
		Changes: []change{{Field: "role", Old: "auditor", New: "viewer"}, {Field: "password_hash", Old: "sha256:a", New: "sha256:b", Digest: true}}}
	token := tokenRow{APIToken: isms.APIToken{ID: "t1", Name: "ci", Role: isms.RoleViewer, Prefix: "isms_abcdef", ExpiresAt: now, LastUsedAt: &now}, Status: isms.TokenActive}
	report := ledger.Report{Chain: "o1", Entries: 3, HeadSeq: 3, HeadHash: strings.Repeat("a", 64), Records: 2,
		Problems: []ledger.Problem{{Kind: ledger.ProblemModified, Seq: 2, RecordType: "member", RecordID: "m1", Detail: "fields role changed"}}}

	fw := &framework.Framework{ID: "acme", Name: "Acme controls", Version: "1", Kind: framework.KindCustom, Licence: "internal",
		Items: []*framework.Item{{ID: "G", Kind: framework.ItemSection, Title: "Group"}, {ID: "G-1", Parent: "G", Kind: framework.ItemControl, Title: "One", Assessable: true,
			Description: "d", Guidance: "g", Attributes: []framework.Attribute{{Key: "priority", Values: []string{"high"}}}}}}
	view := app.FrameworkView{Framework: fw, Enabled: true, Scope: app.ScopeOrg, ImportID: "i1"}
	threats := app.FrameworkView{Framework: &framework.Framework{ID: "t", Name: "Threats", Kind: framework.KindThreats}, Scope: app.ScopeBuiltin}
	leaf := treeNode{Item: fw.Items[1], Link: "/x"}
	tree := []treeNode{{Item: fw.Items[0], Link: "/g", Children: []treeNode{leaf}}}
	hits := []searchHit{{Framework: fw, Item: fw.Items[1], Link: "/x"}}
	samples := map[string][]basePage{
		"frameworks": {&frameworksPage{Page: frame("Frameworks"), Run: []app.FrameworkView{view}, Threats: []app.FrameworkView{threats},
			Imports:  []store.FrameworkImport{{ID: "i1", OrgID: "o1", FileName: "a.yaml", SourceFormat: "isms", FrameworkIDs: []string{"acme"}}, {ID: "i2", FileName: "b.json"}},
			Problems: []framework.Problem{{File: "a.yaml", Line: 3, Field: "id", Message: "bad"}}, Checked: "a.yaml", ImportErr: "no"}, &frameworksPage{Page: frame("Frameworks")}},
		"framework": {&frameworkPage{Page: frame("Acme"), Framework: view, Tree: tree, Counts: []kindCount{{framework.ItemControl, 1}}},
			&frameworkPage{Page: frame("Acme"), Framework: view, Query: "one", Hits: hits}},
		"item": {&itemPage{Page: frame("G-1"), Framework: view, Item: fw.Items[1], Ancestors: tree[:1], Children: []treeNode{leaf},
			Mappings: []mappingGroup{{Relation: "implements", Framework: fw, Open: true, Rows: []mappingRow{{Relation: "implements", Framework: fw, Item: fw.Items[0], Link: "/g", Note: "n"}}}}},
			&itemPage{Page: frame("G"), Framework: view, Item: fw.Items[0]}},
		"search": {&searchPage{Page: frame("Search"), Query: "one", Hits: hits}, &searchPage{Page: frame("Search")}},
		"login":  {&loginPage{Page: Page{Bare: true}, Error: "wrong", Email: "a@b.example", Next: "/"}, &loginPage{Page: Page{Bare: true}}},
		"error":  {&errorPage{Page: Page{Bare: true}, Status: 404, StatusText: "Not Found", Message: "gone", RequestID: "r1"}},
		"orgs":   {&orgsPage{Page: frame("Organisations"), Errors: map[string]string{"slug": "taken"}}, &orgsPage{Page: Page{User: &user}}},
		"overview": {&overviewPage{Page: frame("Helix"), Summary: app.OrgSummary{Members: 3, LedgerEntries: 9}, Recent: []entryView{entry}, Head: "abc",
			Work: []workItem{{Kind: "request", Title: "Scan", Control: "A.8.8", ControlTitle: "Vulnerabilities", ControlLink: "/c", Due: &now, Overdue: true, Action: "/u", ActionLabel: "Upload evidence"},
				{Kind: "task", Title: "Patch", Control: "ORG-1", ControlLink: "/c2", Action: "/c2#tasks", ActionLabel: "Open the control"}}},
			&overviewPage{Page: frame("Helix")}},
		"members": {&membersPage{Page: frame("Members"), Members: []isms.Member{member}, Next: "c", Roles: isms.Roles,
			Errors: map[string]string{"email": "bad"}, Added: &app.MemberAdded{Member: member, GeneratedPassword: "PW"}}, &membersPage{Page: frame("Members")}},
		"member":   {&memberPage{Page: frame("Priya"), Member: member, Roles: isms.Roles, History: []entryView{entry}, Errors: map[string]string{"remove": "last owner"}, IsSelf: true}},
		"tokens":   {&tokensPage{Page: frame("Tokens"), Tokens: []tokenRow{token}, Roles: isms.Roles, Members: []isms.Member{member}, Lifetime: lifetimes, Created: &app.TokenCreated{Token: token.APIToken, Secret: "isms_x"}}, &tokensPage{Page: frame("Tokens")}},
		"settings": {&settingsPage{Page: frame("Settings"), Name: "Helix", Errors: map[string]string{"name": "required", "classifications": "needs 2 to 8 levels"}, Classifications: isms.DefaultClassifications, ClassificationText: "public\ninternal"}, &settingsPage{Page: frame("Settings"), Name: "Helix"}},
		"account":  {&accountPage{Page: frame("Account"), Errors: map[string]string{"new_password": "short"}}},
		"ledger":   {&ledgerPage{Page: frame("Ledger"), Entries: []entryView{entry}, Next: "c", Types: recordTypes}, &ledgerPage{Page: frame("Ledger")}},
		"verify":   {&verifyPage{Page: frame("Verify"), Report: report}, &verifyPage{Page: frame("Verify"), Report: ledger.Report{Chain: "o1"}}},
		"history":  {&historyPage{Page: frame("History"), RecordType: "member", RecordID: "m1", Entries: []entryView{entry}}},
	}
	for name, pages := range riskPageSamples(frame) {
		samples[name] = pages
	}
	for name, pages := range assetPageSamples(frame) {
		samples[name] = pages
	}
	for name, pages := range soaPageSamples(frame) {
		samples[name] = pages
	}
	for name, pages := range obligationPageSamples(frame) {
		samples[name] = pages
	}
	// Vulnerability management adds pages of its own and sections to
	// others, whose samples it adds to theirs.
	for name, pages := range scanPageSamples(frame) {
		samples[name] = append(samples[name], pages...)
	}
	for name, pages := range nonconformityPageSamples(frame) {
		samples[name] = append(samples[name], pages...)
	}
	for name, pages := range supplierPageSamples(frame) {
		samples[name] = append(samples[name], pages...)
	}
	for name, pages := range documentPageSamples(frame) {
		samples[name] = append(samples[name], pages...)
	}
	for name, pages := range continuityPageSamples(frame) {
		samples[name] = append(samples[name], pages...)
	}
	for name, pages := range incidentPageSamples(frame) {
		samples[name] = append(samples[name], pages...)
	}
	for name, pages := range metricPageSamples(frame) {
		samples[name] = append(samples[name], pages...)
	}
	for name, pages := range peoplePageSamples(frame) {
		samples[name] = append(samples[name], pages...)
	}
	for name, pages := range auditPageSamples(frame) {
		samples[name] = append(samples[name], pages...)
	}
	for name, pages := range reviewPageSamples(frame) {
		samples[name] = append(samples[name], pages...)
	}
	for name, pages := range selfAssessmentPageSamples(frame) {
		samples[name] = append(samples[name], pages...)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for name := range ps.sets {
		pages, ok := samples[name]
		if !ok {
			t.Errorf("template %s has no sample page in this test", name)
			continue
		}
		for i, data := range pages {
			rec := httptest.NewRecorder()
			ps.render(rec, httptest.NewRequest("GET", "/", nil), 200, name, data, log)
			body := rec.Body.String()
			if rec.Code != 200 || !strings.Contains(body, "</html>") {
				t.Errorf("template %s sample %d: status %d\n%s", name, i, rec.Code, body)
			}
			if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, " onclick=") {
				t.Errorf("template %s has inline script or style, which the Content Security Policy blocks", name)
			}
		}
	}
	for name := range samples {
		if _, ok := ps.sets[name]; !ok {
			t.Errorf("sample for %s, which is not a template", name)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/o/acme/":             "/o/acme/",
		"":                     "/",
		"https://evil.example": "/",
		"//evil.example":       "/",
		`/\evil.example`:       "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDiff(t *testing.T) {
	got := diff(json.RawMessage(`{"id":"m1","role":"viewer","expires_at":null,"updated_at":"a"}`),
		json.RawMessage(`{"id":"m1","role":"admin","expires_at":"2027-01-01T00:00:00.000000Z","updated_at":"b"}`))
	want := []change{{Field: "expires_at", Old: "—", New: "2027-01-01T00:00:00.000000Z"}, {Field: "role", Old: "viewer", New: "admin"}}
	if !slices.Equal(got, want) {
		t.Errorf("diff = %+v, want %+v", got, want)
	}
	created := diff(nil, json.RawMessage(`{"id":"m1","org_id":"o","role":"viewer","expires_at":null,"created_at":"x","updated_at":"x"}`))
	if !slices.Equal(created, []change{{Field: "role", New: "viewer"}}) {
		t.Errorf("creation diff = %+v", created)
	}
}
