package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/isms"
)

const promptInjection = "owasp-llm-top10-2025:LLM01:2025"

// riskSite is a site with an asset, the owner Dana signed in, and an ISMS
// manager Lee who owns nothing.
type riskSite struct {
	*site
	op    app.Access
	dana  string // member ids
	lee   string
	asset string
	owner *browser // Dana's
}

func newRiskSite(t *testing.T) *riskSite {
	t.Helper()
	s := newSite(t, config.Default())
	ctx := context.Background()
	op, err := s.svc.OpenOrg(ctx, app.OperatorPrincipal("cli:test"), "helix-ai")
	if err != nil {
		t.Fatal(err)
	}
	rs := &riskSite{site: s, op: op}
	rs.dana = rs.memberID(t, email)
	added, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: "lee@helix.example", Name: "Lee", Role: "isms_manager", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	rs.lee = added.Member.ID
	asset, err := s.svc.CreateAsset(ctx, op, isms.Asset{Name: "chat-api", Type: isms.AssetInferenceEndpoint, OwnerID: rs.dana,
		Attributes: map[string]string{"interface": "llm", "exposure": "internet"}})
	if err != nil {
		t.Fatal(err)
	}
	rs.asset = asset.ID
	rs.owner = s.browser(t)
	rs.owner.login(password)
	return rs
}

func (rs *riskSite) memberID(t *testing.T, mail string) string {
	t.Helper()
	list, _, err := rs.svc.ListMembers(context.Background(), rs.op, isms.MemberFilter{Query: mail})
	if err != nil || len(list) != 1 {
		t.Fatalf("member %s: %v %v", mail, list, err)
	}
	return list[0].ID
}

// signIn opens a browser signed in as another member.
func (rs *riskSite) signIn(t *testing.T, mail string) *browser {
	t.Helper()
	b := rs.browser(t)
	resp, _ := b.do("POST", "/login", url.Values{"email": {mail}, "password": {password}, "csrf": {b.csrf("/login")}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", mail, resp.StatusCode)
	}
	return b
}

// postForm posts a form with repeated fields, with the CSRF token of page.
func (b *browser) postForm(path, page string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	form.Set("csrf", b.csrf(page))
	return b.do("POST", path, form)
}

func mustContain(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s does not contain %q", what, w)
		}
	}
}

// heatCount reads a heat map cell's count and link.
func heatCount(t *testing.T, body, kind string, l, i int) (string, string) {
	t.Helper()
	re := regexp.MustCompile(`<td id="heat-` + kind + `-` + itoa(l) + `-` + itoa(i) + `"[^>]*data-heat="` + kind + `" data-l="` + itoa(l) + `" data-i="` + itoa(i) + `"[^>]*><svg.*?</svg>(?:<a href="([^"]*)"[^>]*>(\d+)</a>|<span>(\d+)</span>)</td>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s heat map cell at likelihood %d, impact %d", kind, l, i)
	}
	if m[2] != "" {
		return m[2], strings.ReplaceAll(m[1], "&amp;", "&")
	}
	return m[3], ""
}

func itoa(n int) string { return string(rune('0' + n)) }

func TestRiskRegisterPages(t *testing.T) {
	rs := newRiskSite(t)
	b := rs.owner
	ctx := context.Background()

	resp, body := b.do("GET", "/o/helix-ai/risks", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	mustContain(t, "empty register", body, "The register is empty", `id="new-risk"`, `/o/helix-ai/risks/reports/assessment?format=pdf`)
	if n, link := heatCount(t, body, "inherent", 5, 5); n != "0" || link != "" {
		t.Errorf("empty register: cell 5,5 = %s %q", n, link)
	}

	_, form := b.do("GET", "/o/helix-ai/risks/new", nil)
	mustContain(t, "new risk form", form, `name="threat_ref"`, `<optgroup label="OWASP LLM Top 10">`, `name="atlas_ref"`, `4 · Likely`,
		`name="inherent_likelihood"`, `name="owner_id"`, `name="asset_ids"`, `value="`+rs.asset+`"`)
	if strings.Index(form, "OWASP LLM Top 10") > strings.Index(form, "Classic threats") {
		t.Error("the OWASP LLM list does not come first")
	}

	// Invalid: every message next to its field, the values kept.
	resp, body = b.postForm("/o/helix-ai/risks", "/o/helix-ai/risks/new", url.Values{"title": {""}, "threat_ref": {promptInjection},
		"scenario": {"A user pastes instructions"}, "inherent_likelihood": {"4"}, "inherent_impact": {"9"}, "owner_id": {rs.dana}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid risk: %d", resp.StatusCode)
	}
	mustContain(t, "invalid risk form", body, `class="field-error" role="alert">say which of confidentiality`,
		`must be 1 to 5 on the methodology&#39;s impact scale`, `value="`+promptInjection+`" selected`, "A user pastes instructions",
		`<option value="4" data-criteria="`)
	if !regexp.MustCompile(`has-error">\s*<label for="r-title">`).MatchString(body) {
		t.Error("the title is not marked as wrong")
	}
	resp, body = b.postForm("/o/helix-ai/risks", "/o/helix-ai/risks/new", url.Values{"title": {"x"}, "threat_ref": {promptInjection},
		"atlas_ref": {"mitre-atlas:AML.T0051"}, "affects_c": {"1"}, "inherent_likelihood": {"4"}, "inherent_impact": {"5"}, "owner_id": {rs.dana}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "choose one threat") {
		t.Errorf("two threats: %d", resp.StatusCode)
	}

	resp, _ = b.postForm("/o/helix-ai/risks", "/o/helix-ai/risks/new", url.Values{"title": {"Prompt injection in the support chat"},
		"threat_ref": {promptInjection}, "affects_c": {"1"}, "affects_i": {"1"}, "inherent_likelihood": {"4"}, "inherent_impact": {"5"},
		"owner_id": {rs.dana}, "asset_ids": {rs.asset}, "review_date": {"2020-01-31"}, "vulnerability": {"The model follows any text"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/helix-ai/risks/R-001" {
		t.Fatalf("create risk: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A second risk elsewhere on the map, owned by Lee.
	if _, err := rs.svc.CreateRisk(ctx, rs.op, app.RiskInput{Title: "Laptop theft", ThreatRef: "infosec-threats:TH-PHY-02", AffectsC: true,
		InherentLikelihood: 2, InherentImpact: 2, OwnerID: rs.lee}); err != nil {
		t.Fatal(err)
	}

	_, body = b.do("GET", "/o/helix-ai/risks", nil)
	mustContain(t, "register", body, `id="risk-R-001"`, `id="risk-R-002"`, "Prompt injection in the support chat", "chat-api",
		`<span class="badge bad">overdue</span>`, `data-level="critical"`, `2 risks`)
	n, link := heatCount(t, body, "inherent", 4, 5)
	if n != "1" || link != "/o/helix-ai/risks?impact=5&likelihood=4" {
		t.Fatalf("inherent cell 4,5 = %s %q", n, link)
	}
	if n, _ := heatCount(t, body, "residual", 4, 5); n != "0" {
		t.Errorf("residual cell 4,5 before treatment = %s", n)
	}
	mustContain(t, "register", body, `id="unrated-note">2 risks have no residual rating yet`)

	// The cell's link narrows the list to the cell; the maps keep counting
	// everything else the filter selects.
	_, body = b.do("GET", link, nil)
	mustContain(t, "cell list", body, `id="risk-R-001"`, `id="cell-note"`, `class="heat-cell on-dark selected"`)
	if strings.Contains(body, `id="risk-R-002"`) {
		t.Error("the cell's list shows a risk from another cell")
	}
	if n, _ := heatCount(t, body, "inherent", 2, 2); n != "1" {
		t.Errorf("cell filter changed the map: 2,2 = %s", n)
	}
	if strings.Contains(body, `id="other-versions"`) || !strings.Contains(body, `id="unrated-note">2 risks have no residual rating yet`) {
		t.Error("with a cell chosen, the notes under the maps count wrongly")
	}
	for query, want := range map[string]string{
		"level=critical":               "R-001",
		"level=low":                    "R-002",
		"owner=" + rs.lee:              "R-002",
		"asset=" + rs.asset:            "R-001",
		"q=R-2":                        "R-002",
		"q=support":                    "R-001",
		"overdue=1":                    "R-001",
		"status=identified&level=high": "",
		"status=accepted":              "",
	} {
		_, body := b.do("GET", "/o/helix-ai/risks?"+query, nil)
		for _, ref := range []string{"R-001", "R-002"} {
			if strings.Contains(body, `id="risk-`+ref+`"`) != (ref == want) {
				t.Errorf("filter %s does not list exactly %q", query, want)
			}
		}
		if want == "" && !strings.Contains(body, "No risks match.") {
			t.Errorf("filter %s: no empty-list message", query)
		}
	}
	_, body = b.do("GET", "/o/helix-ai/risks?sort=level", nil)
	if i, j := strings.Index(body, `id="risk-R-001"`), strings.Index(body, `id="risk-R-002"`); i < 0 || j < i {
		t.Error("sorted by level, the critical risk does not come first")
	}
	_, body = b.do("GET", "/o/helix-ai/risks?sort=ref", nil)
	if i, j := strings.Index(body, `id="risk-R-001"`), strings.Index(body, `id="risk-R-002"`); i < 0 || j < i {
		t.Error("sorted by reference, R-001 does not come first")
	}
	resp, body = b.do("GET", "/o/helix-ai/risks?level=purple", nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "is not a risk level") {
		t.Errorf("unknown level: %d", resp.StatusCode)
	}

	// The risk's page, by reference and by id.
	resp, body = b.do("GET", "/o/helix-ai/risks/R-001", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("risk page: %d", resp.StatusCode)
	}
	mustContain(t, "risk page", body, `/o/helix-ai/frameworks/owasp-llm-top10-2025/items/LLM01`, "Prompt Injection",
		`href="/o/helix-ai/assets/`+rs.asset+`"`, `id="decision-form"`, `id="edit-risk"`, `id="treat-risk"`, "version 1",
		"The model follows any text", `id="history"`, "R-001 Prompt injection in the support chat")
	k, err := rs.svc.RiskByRef(ctx, rs.op, "R-001")
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := b.do("GET", "/o/helix-ai/risks/"+k.ID, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("risk page by id: %d", resp.StatusCode)
	}
	if resp, _ := b.do("GET", "/o/helix-ai/risks/R-099", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing risk: %d", resp.StatusCode)
	}

	// Treatment: the library's controls start ticked.
	proposed, err := rs.svc.TreatingControls(ctx, rs.op, promptInjection)
	if err != nil || len(proposed) == 0 {
		t.Fatalf("no treating controls: %v", err)
	}
	_, body = b.do("GET", "/o/helix-ai/risks/R-001/treat", nil)
	mustContain(t, "treat page", body, `value="`+proposed[0].Ref+`" checked`, `id="treatment-mitigate"`, "Modify (mitigate)", "Retain (accept)",
		`id="other-controls" name="controls" multiple`, `<optgroup label="ISO 27001:2022">`)
	resp, body = b.postForm("/o/helix-ai/risks/R-001/treat", "/o/helix-ai/risks/R-001/treat", url.Values{"treatment": {"mitigate"},
		"residual_likelihood": {"2"}, "residual_impact": {"2"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "select the controls that modify the risk") {
		t.Errorf("mitigation without controls: %d", resp.StatusCode)
	}
	resp, _ = b.postForm("/o/helix-ai/risks/R-001/treat", "/o/helix-ai/risks/R-001/treat", url.Values{"treatment": {"mitigate"},
		"controls": {proposed[0].Ref, "iso27001-2022:A.8.16"}, "residual_likelihood": {"2"}, "residual_impact": {"2"}, "notes": {"Filter and monitor"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("treat: %d", resp.StatusCode)
	}
	_, body = b.do("GET", "/o/helix-ai/risks/R-001", nil)
	mustContain(t, "treated risk", body, `data-control="iso27001-2022:A.8.16"`, `/o/helix-ai/frameworks/iso27001-2022/items/A.8.16`,
		"Modify (mitigate)", "Filter and monitor", "Treatment planned")
	_, body = b.do("GET", "/o/helix-ai/risks", nil)
	n, link = heatCount(t, body, "residual", 2, 2)
	if n != "1" || link != "/o/helix-ai/risks?cell=residual&impact=2&likelihood=2" {
		t.Errorf("residual cell 2,2 = %s %q", n, link)
	}
	_, body = b.do("GET", link, nil)
	if !strings.Contains(body, `id="risk-R-001"`) || strings.Contains(body, `id="risk-R-002"`) {
		t.Error("the residual cell's list is wrong")
	}

	// The treatment plan.
	resp, body = b.postForm("/o/helix-ai/risks/R-001/actions", "/o/helix-ai/risks/R-001", url.Values{"description": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "say what is to be done") {
		t.Errorf("empty action: %d", resp.StatusCode)
	}
	resp, _ = b.postForm("/o/helix-ai/risks/R-001/actions", "/o/helix-ai/risks/R-001", url.Values{"description": {"Deploy the input filter"},
		"owner_id": {rs.lee}, "due_date": {"2020-03-01"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add action: %d", resp.StatusCode)
	}
	k, _ = rs.svc.RiskByRef(ctx, rs.op, "R-001")
	act := k.Actions[0]
	_, body = b.do("GET", "/o/helix-ai/risks/R-001", nil)
	mustContain(t, "plan", body, `id="action-`+act.ID+`" data-status="open" class="is-overdue"`, "Deploy the input filter", "Lee")
	resp, _ = b.postForm("/o/helix-ai/risks/R-001/actions/"+act.ID, "/o/helix-ai/risks/R-001", url.Values{"status": {"done"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("action done: %d", resp.StatusCode)
	}
	_, body = b.do("GET", "/o/helix-ai/risks/R-001", nil)
	mustContain(t, "plan", body, `id="action-`+act.ID+`" data-status="done"`, "Action marked done.")

	// Decisions: refused for someone who is not the owner, with the reason.
	lee := rs.signIn(t, "lee@helix.example")
	_, body = lee.do("GET", "/o/helix-ai/risks/R-001", nil)
	if strings.Contains(body, `id="decision-form"`) || !strings.Contains(body, `id="owner-only"`) {
		t.Error("the decision form is shown to someone who is not the risk owner")
	}
	resp, body = lee.postForm("/o/helix-ai/risks/R-001/decisions", "/o/helix-ai/risks/R-001", url.Values{"kind": {"plan_approval"}, "justification": {"Looks fine"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("decision by a non-owner: %d", resp.StatusCode)
	}
	mustContain(t, "refused decision", body, `id="decision-refusal"`, "Only the risk owner decides on R-001.", "Prompt injection in the support chat")
	// The owner: the app's rules, then the decisions.
	resp, body = b.postForm("/o/helix-ai/risks/R-001/decisions", "/o/helix-ai/risks/R-001", url.Values{"kind": {"residual_acceptance"}, "justification": {"Low enough"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "approve the treatment plan of R-001 before accepting its residual risk") {
		t.Errorf("acceptance before approval: %d", resp.StatusCode)
	}
	resp, body = b.postForm("/o/helix-ai/risks/R-001/decisions", "/o/helix-ai/risks/R-001", url.Values{"kind": {"plan_approval"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "record why you decide so") {
		t.Errorf("decision without justification: %d", resp.StatusCode)
	}
	for _, kind := range []string{"plan_approval", "residual_acceptance"} {
		resp, _ := b.postForm("/o/helix-ai/risks/R-001/decisions", "/o/helix-ai/risks/R-001", url.Values{"kind": {kind}, "justification": {"Filtered and monitored"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", kind, resp.StatusCode)
		}
	}
	_, body = b.do("GET", "/o/helix-ai/risks/R-001", nil)
	mustContain(t, "decided risk", body, `id="risk-status">Residual accepted`, `data-decision="residual_acceptance" data-current="true"`,
		"Filtered and monitored", "You accepted the residual risk of R-001.")
	resp, body = b.postForm("/o/helix-ai/risks/R-001/decisions", "/o/helix-ai/risks/R-001", url.Values{"kind": {"plan_approval"}, "justification": {"again"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "already approved as it stands") {
		t.Errorf("approving twice: %d", resp.StatusCode)
	}
	// A change reopens them.
	resp, _ = b.postForm("/o/helix-ai/risks/R-001/treat", "/o/helix-ai/risks/R-001/treat", url.Values{"treatment": {"mitigate"},
		"controls": {proposed[0].Ref}, "residual_likelihood": {"2"}, "residual_impact": {"2"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("treat again: %d", resp.StatusCode)
	}
	_, body = b.do("GET", "/o/helix-ai/risks/R-001", nil)
	mustContain(t, "reopened risk", body, `data-decision="residual_acceptance" data-current="false"`, "reopened", "must be made again")

	// Editing the assessment keeps its values in the form.
	_, body = b.do("GET", "/o/helix-ai/risks/R-001/edit", nil)
	mustContain(t, "edit form", body, `value="Prompt injection in the support chat"`, `value="`+promptInjection+`" selected`, `value="2020-01-31"`,
		`id="r-affects-i" type="checkbox" name="affects_i" value="1" checked`, `<option value="`+rs.asset+`" selected>`)
	resp, _ = b.postForm("/o/helix-ai/risks/R-001/edit", "/o/helix-ai/risks/R-001/edit", url.Values{"title": {"Prompt injection via the support chat"},
		"threat_ref": {promptInjection}, "affects_c": {"1"}, "inherent_likelihood": {"4"}, "inherent_impact": {"4"}, "owner_id": {rs.dana}, "asset_ids": {rs.asset}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	_, body = b.do("GET", "/o/helix-ai/risks", nil)
	if n, _ := heatCount(t, body, "inherent", 4, 4); n != "1" {
		t.Errorf("after re-rating, inherent 4,4 = %s", n)
	}
}

func TestRiskReportDownloads(t *testing.T) {
	rs := newRiskSite(t)
	if _, err := rs.svc.CreateRisk(context.Background(), rs.op, app.RiskInput{Title: "Laptop theft", ThreatRef: "infosec-threats:TH-PHY-02",
		AffectsC: true, InherentLikelihood: 2, InherentImpact: 2, OwnerID: rs.dana}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, contentType, magic string }{
		{"/o/helix-ai/risks/reports/assessment?format=pdf", "application/pdf", "%PDF"},
		{"/o/helix-ai/risks/reports/assessment?format=xlsx&level=low", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
		{"/o/helix-ai/risks/reports/treatment?format=pdf&owner=" + rs.dana, "application/pdf", "%PDF"},
		{"/o/helix-ai/risks/reports/treatment?format=xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
	} {
		resp, body := rs.owner.do("GET", c.path, nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != c.contentType || !strings.HasPrefix(body, c.magic) ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; filename=") {
			t.Errorf("%s: %d %s %q, starts %q", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), body[:min(len(body), 8)])
		}
	}
	for path, want := range map[string]string{
		"/o/helix-ai/risks/reports/assessment?format=docx":  "assessment as docx is not a report",
		"/o/helix-ai/risks/reports/treatment?level=scarlet": "&#34;scarlet&#34; is not a risk level",
	} {
		if resp, body := rs.owner.do("GET", path, nil); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Errorf("%s: %d, want the reason %q", path, resp.StatusCode, want)
		}
	}
	// The register's download links carry its filter.
	_, body := rs.owner.do("GET", "/o/helix-ai/risks?level=low&sort=level", nil)
	mustContain(t, "register", body, `href="/o/helix-ai/risks/reports/treatment?format=xlsx&amp;level=low&amp;sort=level"`)
}

func TestRiskSuggestionPages(t *testing.T) {
	rs := newRiskSite(t)
	b := rs.owner
	page := "/o/helix-ai/assets/" + rs.asset + "/suggestions"
	resp, body := b.do("GET", page, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("suggestions: %d", resp.StatusCode)
	}
	mustContain(t, "suggestions", body, `data-threat="`+promptInjection+`"`, "Prompt Injection", "Add to register", `id="add-all"`,
		`/o/helix-ai/frameworks/owasp-llm-top10-2025/items/LLM01`, `/o/helix-ai/frameworks/iso27001-2022/items/`)

	resp, _ = b.postForm(page, page, url.Values{"threat_ref": {promptInjection}, "inherent_likelihood": {"5"}, "inherent_impact": {"4"}, "owner_id": {rs.lee}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/helix-ai/risks/R-001" {
		t.Fatalf("accept: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = b.do("GET", "/o/helix-ai/risks/R-001", nil)
	mustContain(t, "accepted suggestion", body, "R-001 Prompt Injection on chat-api is in the register.", "likelihood 5 Almost certain", "Lee")
	_, body = b.do("GET", page, nil)
	mustContain(t, "suggestions", body, `data-in-register="R-001"`, `as <a href="/o/helix-ai/risks/R-001">R-001</a>`)

	resp, body = b.postForm(page, page, url.Values{"threat_ref": {promptInjection}, "owner_id": {rs.dana}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "already registered for chat-api as R-001") {
		t.Errorf("accepting twice: %d", resp.StatusCode)
	}
	resp, body = b.postForm(page, page, url.Values{"threat_ref": {"owasp-llm-top10-2025:LLM02:2025"}, "inherent_likelihood": {"9"}, "inherent_impact": {"3"}, "owner_id": {rs.dana}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "must be 1 to 5 on the methodology&#39;s likelihood scale") {
		t.Errorf("bad rating: %d", resp.StatusCode)
	}

	resp, _ = b.postForm(page, page, url.Values{"all": {"1"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/helix-ai/risks?asset="+rs.asset {
		t.Fatalf("add all: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = b.do("GET", page, nil)
	if strings.Contains(body, "Add to register") || strings.Contains(body, `id="add-all"`) {
		t.Error("suggestions still offered after adding all")
	}

	// Readers see the suggestions without the forms.
	if _, err := rs.svc.AddMember(context.Background(), rs.op, app.MemberInput{Email: "vic@helix.example", Name: "Vic", Role: "viewer", Password: password}); err != nil {
		t.Fatal(err)
	}
	vic := rs.signIn(t, "vic@helix.example")
	resp, body = vic.do("GET", "/o/helix-ai/risks", nil)
	if resp.StatusCode != http.StatusOK || strings.Contains(body, `id="new-risk"`) {
		t.Errorf("register for a viewer: %d, with the new risk button", resp.StatusCode)
	}
	if resp, _ := vic.do("GET", "/o/helix-ai/risks/new", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("new risk form for a viewer: %d", resp.StatusCode)
	}
	resp, body = vic.do("GET", "/o/helix-ai/risks/R-001", nil)
	if resp.StatusCode != http.StatusOK || strings.Contains(body, `id="treat-risk"`) || strings.Contains(body, `id="action-form"`) {
		t.Errorf("risk page for a viewer: %d, with write controls", resp.StatusCode)
	}
}

func TestRiskPagesForContributors(t *testing.T) {
	rs := newRiskSite(t)
	ctx := context.Background()
	added, err := rs.svc.AddMember(ctx, rs.op, app.MemberInput{Email: "cai@helix.example", Name: "Cai", Role: "contributor", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	for _, owner := range []string{added.Member.ID, rs.dana} {
		if _, err := rs.svc.CreateRisk(ctx, rs.op, app.RiskInput{Title: "Risk", ThreatText: "something", AffectsA: true,
			InherentLikelihood: 3, InherentImpact: 3, OwnerID: owner}); err != nil {
			t.Fatal(err)
		}
	}
	cai := rs.signIn(t, "cai@helix.example")
	resp, body := cai.do("GET", "/o/helix-ai/risks/R-001/edit", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<input type="hidden" name="owner_id" value="`+added.Member.ID+`">`) {
		t.Errorf("own risk's edit form for a contributor: %d, owner fixed: %v", resp.StatusCode, strings.Contains(body, `name="owner_id" value=`))
	}
	resp, body = cai.do("GET", "/o/helix-ai/risks/R-002/edit", nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "A contributor may change only the risks they own.") {
		t.Errorf("another's risk's edit form for a contributor: %d", resp.StatusCode)
	}
	resp, body = cai.postForm("/o/helix-ai/risks/R-002/treat", "/o/helix-ai/risks/R-001", url.Values{"treatment": {"accept"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "A contributor may change only the risks they own.") {
		t.Errorf("treating another's risk as a contributor: %d", resp.StatusCode)
	}
	resp, _ = cai.postForm("/o/helix-ai/risks/R-001/treat", "/o/helix-ai/risks/R-001", url.Values{"treatment": {"accept"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("treating their own risk as a contributor: %d", resp.StatusCode)
	}
}

func TestRiskPagesAcrossMethodologyVersions(t *testing.T) {
	rs := newRiskSite(t)
	ctx := context.Background()
	if _, err := rs.svc.CreateRisk(ctx, rs.op, app.RiskInput{Title: "Old", ThreatText: "t", AffectsA: true, InherentLikelihood: 3, InherentImpact: 3, OwnerID: rs.dana}); err != nil {
		t.Fatal(err)
	}
	m := isms.DefaultMethodology()
	m.Likelihood[3].Label = "Probable"
	draft, err := rs.svc.SaveMethodology(ctx, rs.op, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.svc.ApproveMethodology(ctx, rs.op, draft.ID); err != nil {
		t.Fatal(err)
	}
	b := rs.owner
	_, body := b.do("GET", "/o/helix-ai/risks", nil)
	mustContain(t, "register", body, `id="other-versions"`, "1 risk is rated against earlier versions", "version 1 (1)")
	old := regexp.MustCompile(`<a href="(/o/helix-ai/risks\?methodology=[^"]+)">version 1`).FindStringSubmatch(body)
	if old == nil {
		t.Fatal("no link to the risks on version 1")
	}
	_, body = b.do("GET", strings.ReplaceAll(old[1], "&amp;", "&"), nil)
	mustContain(t, "version 1's register", body, `id="methodology-note"`, `id="risk-R-001"`)
	if n, _ := heatCount(t, body, "inherent", 3, 3); n != "1" {
		t.Errorf("version 1's map: 3,3 = %s", n)
	}

	_, body = b.do("GET", "/o/helix-ai/risks/R-001", nil)
	mustContain(t, "outdated risk", body, "Outdated — re-rate.", "version 2 is in force", "4 · Probable")
	resp, _ := b.postForm("/o/helix-ai/risks/R-001/rerate", "/o/helix-ai/risks/R-001", url.Values{"inherent_likelihood": {"4"}, "inherent_impact": {"3"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("re-rate: %d", resp.StatusCode)
	}
	_, body = b.do("GET", "/o/helix-ai/risks/R-001", nil)
	if strings.Contains(body, "Outdated") || !strings.Contains(body, "is now rated against methodology version 2") {
		t.Error("the risk is not re-rated")
	}
	_, body = b.do("GET", "/o/helix-ai/risks", nil)
	if strings.Contains(body, `id="other-versions"`) {
		t.Error("the register still reports risks on earlier versions")
	}
	if n, _ := heatCount(t, body, "inherent", 4, 3); n != "1" {
		t.Errorf("after re-rating: 4,3 = %s", n)
	}
}
