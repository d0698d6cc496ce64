package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/isms"
)

// submitForm posts a whole form (repeated keys included) with the page's
// CSRF token.
func (b *browser) submitForm(path, page string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	form.Set("csrf", b.csrf(page))
	return b.do("POST", path, form)
}

// uploadFile posts a multipart form with a file, as a browser does.
func (b *browser) uploadFile(path, page, fileName string, data []byte, kv ...string) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", b.csrf(page))
	for i := 0; i+1 < len(kv); i += 2 {
		_ = mw.WriteField(kv[i], kv[i+1])
	}
	fw, _ := mw.CreateFormFile("file", fileName)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", b.s.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func (b *browser) getOK(path string) string {
	b.t.Helper()
	resp, body := b.do("GET", path, nil)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, body)
	}
	return body
}

// operator opens the test organisation as the operator.
func (s *site) operator(t *testing.T) app.Access {
	t.Helper()
	acc, err := s.svc.OpenOrg(context.Background(), app.OperatorPrincipal("cli:test"), "helix-ai")
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// inlineError finds the inline message of a field: the field's wrapper
// carries has-error, and the message follows the input before the next
// field.
func inlineError(body, inputName, message string) bool {
	i := strings.Index(body, `name="`+inputName+`"`)
	if i < 0 {
		return false
	}
	start := strings.LastIndex(body[:i], `has-error`)
	rest := body[i+len(inputName)+7:]
	if end := strings.Index(rest, ` name="`); end >= 0 {
		rest = rest[:end]
	}
	return start >= 0 && i-start < 600 && strings.Contains(rest, `class="field-error"`) && strings.Contains(rest, message)
}

func TestAssetPages(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)
	b.login(password)
	ctx := context.Background()

	if body := b.getOK("/o/helix-ai/assets"); !strings.Contains(body, "The inventory is empty.") || !strings.Contains(body, "New asset") {
		t.Error("empty inventory page lacks its empty state or the New asset button")
	}
	form := b.getOK("/o/helix-ai/assets/new")
	for _, want := range []string{`data-show-values="dataset"`, `name="attr.dataset.purpose"`, `name="attr.model.base_model"`, `<optgroup label="AI assets">`} {
		if !strings.Contains(form, want) {
			t.Errorf("asset form lacks %s", want)
		}
	}

	// Problems come back inline with what was typed.
	resp, body := b.post("/o/helix-ai/assets", "/o/helix-ai/assets/new", "name", "  ", "type", "dataset", "description", "Support tickets, anonymised",
		"attr.dataset.purpose", "bogus", "attr.model.version", "ignored", "lifecycle", "retired", "confidentiality", "4")
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid asset: %d", resp.StatusCode)
	}
	if !inlineError(body, "name", "is required") {
		t.Error("no inline message at the name")
	}
	if !inlineError(body, "attr.dataset.purpose", "is not one of") {
		t.Error("no inline message at the dataset's purpose")
	}
	if !strings.Contains(body, "a retired asset needs its disposal record") {
		t.Error("no message about the disposal record")
	}
	if !strings.Contains(body, "Support tickets, anonymised</textarea>") || !regexp.MustCompile(`<option value="dataset" selected>`).MatchString(body) ||
		!strings.Contains(body, `<option value="4" selected>`) {
		t.Error("the form does not keep what was typed")
	}

	resp, _ = b.post("/o/helix-ai/assets", "/o/helix-ai/assets/new", "name", "Support tickets 2024", "type", "dataset",
		"attr.dataset.purpose", "fine_tuning", "attr.dataset.personal_data", "yes", "attr.model.version", "ignored",
		"classification", "restricted", "confidentiality", "5", "integrity", "3", "availability", "2", "lifecycle", "in_production",
		"disposal_method", "ignored unless retired", "tags", "Personal-Data, tickets")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create dataset: %d", resp.StatusCode)
	}
	dataPath := resp.Header.Get("Location")
	resp, _ = b.post("/o/helix-ai/assets", "/o/helix-ai/assets/new", "name", "Support assistant", "type", "model", "attr.model.base_model", "Llama 3.1 8B")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create model: %d", resp.StatusCode)
	}
	modelPath := resp.Header.Get("Location")
	modelID := strings.TrimPrefix(modelPath, "/o/helix-ai/assets/")
	dataID := strings.TrimPrefix(dataPath, "/o/helix-ai/assets/")

	stored, err := s.svc.Asset(ctx, s.operator(t), dataID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Attributes["purpose"] != "fine_tuning" || stored.Attributes["version"] != "" || stored.DisposalMethod != "" ||
		strings.Join(stored.Tags, ",") != "personal-data,tickets" || stored.Confidentiality != 5 {
		t.Errorf("stored dataset = %+v", stored.Asset)
	}

	// A relation, then the graph.
	resp, _ = b.post(modelPath+"/relations", modelPath, "kind", "trained_on", "target", dataID, "direction", "outgoing")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add relation: %d", resp.StatusCode)
	}
	resp, body = b.post(modelPath+"/relations", modelPath, "kind", "trained_on", "target", dataID)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "already related that way") {
		t.Errorf("the same relation twice: %d", resp.StatusCode)
	}
	body = b.getOK(modelPath)
	for _, want := range []string{`<svg width=`, `role="img"`, `<title id="graph-title">Relations of Support assistant</title>`,
		`href="` + dataPath + `"`, `>trained on</text>`, `class="node ai center"`, "Suggest risks", modelPath + "/suggestions",
		"/o/helix-ai/history/asset/" + modelID, "Base model", "Llama 3.1 8B"} {
		if !strings.Contains(body, want) {
			t.Errorf("asset page lacks %q", want)
		}
	}
	if body := b.getOK(dataPath); !strings.Contains(body, "Support assistant</a>") || !strings.Contains(body, "Personal data") {
		t.Error("the dataset page does not show the incoming relation or its attributes")
	}

	// Filters, pagination and exports.
	if body := b.getOK("/o/helix-ai/assets?type=model"); !strings.Contains(body, "Support assistant") || strings.Contains(body, "Support tickets 2024") ||
		!strings.Contains(body, "/o/helix-ai/assets/export?format=csv&amp;type=model") {
		t.Error("the type filter does not filter, or the export ignores it")
	}
	if body := b.getOK("/o/helix-ai/assets?tag=tickets"); !strings.Contains(body, "Support tickets 2024") || strings.Contains(body, ">Support assistant<") {
		t.Error("the tag filter does not filter")
	}
	resp, csv := b.do("GET", "/o/helix-ai/assets/export?format=csv&type=dataset", nil)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv, "Support tickets 2024") || strings.Contains(csv, "Support assistant") {
		t.Errorf("CSV export: %s\n%s", resp.Header.Get("Content-Type"), csv)
	}
	resp, xlsx := b.do("GET", "/o/helix-ai/assets/export?format=xlsx", nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(xlsx, "PK") || !strings.Contains(resp.Header.Get("Content-Disposition"), "assets-helix-ai.xlsx") {
		t.Errorf("XLSX export: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	for i := range 52 {
		if _, err := s.svc.CreateAsset(ctx, s.operator(t), isms.Asset{Name: fmt.Sprintf("Server %02d", i), Type: isms.AssetServer}); err != nil {
			t.Fatal(err)
		}
	}
	first := b.getOK("/o/helix-ai/assets?type=server")
	next := regexp.MustCompile(`href="(/o/helix-ai/assets\?[^"]*cursor=[^"]+)">Next page`).FindStringSubmatch(first)
	if next == nil || !strings.Contains(first, "<strong>52</strong> assets match") {
		t.Fatalf("first page of 52 servers has no next link or no total")
	}
	second := b.getOK(strings.ReplaceAll(next[1], "&amp;", "&"))
	if !strings.Contains(second, "Server 51") || strings.Contains(second, "Server 00") || !strings.Contains(second, "First page") {
		t.Error("the second page is not the rest of the list")
	}

	// Edit, then delete.
	resp, body = b.post(modelPath, modelPath+"/edit", "name", "Support assistant v2", "type", "model", "lifecycle", "retired", "disposal_date", "2026-01-31")
	if resp.StatusCode != http.StatusUnprocessableEntity || !inlineError(body, "disposal_method", "disposal record") {
		t.Errorf("retiring without a disposal method: %d", resp.StatusCode)
	}
	resp, _ = b.post(modelPath, modelPath+"/edit", "name", "Support assistant v2", "type", "model", "lifecycle", "retired",
		"disposal_date", "2026-01-31", "disposal_method", "weights deleted")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	if body := b.getOK(modelPath); !strings.Contains(body, "2026-01-31: weights deleted") {
		t.Error("the disposal record is not shown")
	}
	resp, _ = b.post(modelPath+"/delete", modelPath)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if resp, _ := b.do("GET", modelPath, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("deleted asset: %d", resp.StatusCode)
	}
}

func TestAssetImportPage(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)
	b.login(password)
	ctx := context.Background()
	const page = "/o/helix-ai/assets/import"

	body := b.getOK(page)
	if !strings.Contains(body, "/o/helix-ai/assets/template.csv") || !strings.Contains(body, "attr.base_model") || !strings.Contains(body, "rel.trained_on") {
		t.Error("the import page lacks the template link or the column summary")
	}
	resp, tmpl := b.do("GET", "/o/helix-ai/assets/template.csv", nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(strings.TrimPrefix(tmpl, "\ufeff"), "key,") && !strings.Contains(tmpl, "key") {
		t.Errorf("CSV template: %d %.80q", resp.StatusCode, tmpl)
	}

	bad, err := os.ReadFile("../aibom/testdata/cyclonedx/spec/invalid-component-type-1.6.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, body = b.uploadFile(page, page, "invalid-component-type-1.6.json", bad, "format", "")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Nothing was changed") ||
		!strings.Contains(body, "<code>invalid-component-type-1.6.json:9 components[0].type</code>") {
		t.Errorf("invalid file: %d\n%s", resp.StatusCode, body)
	}

	good, err := os.ReadFile("../aibom/testdata/cyclonedx/spec/valid-machine-learning-1.6.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, body = b.uploadFile(page, page, "valid-machine-learning-1.6.json", good, "format", "spdx", "check", "1")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "not spdx") {
		t.Errorf("a CycloneDX file named as SPDX: %d", resp.StatusCode)
	}
	resp, body = b.uploadFile(page, page, "valid-machine-learning-1.6.json", good, "format", "cyclonedx", "check", "1")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "has no problems") || !regexp.MustCompile(`Would be created</div><div class="value">2<`).MatchString(body) {
		t.Fatalf("check: %d\n%s", resp.StatusCode, body)
	}
	if list, _ := s.svc.ListAssets(ctx, s.operator(t), isms.AssetFilter{}); list.Total != 0 {
		t.Fatalf("the check stored %d assets", list.Total)
	}
	resp, body = b.uploadFile(page, page, "valid-machine-learning-1.6.json", good, "format", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "was imported") || !regexp.MustCompile(`Relations added</div><div class="value">1<`).MatchString(body) {
		t.Fatalf("import: %d\n%s", resp.StatusCode, body)
	}
	list, _ := s.svc.ListAssets(ctx, s.operator(t), isms.AssetFilter{Type: isms.AssetModel})
	if list.Total != 1 {
		t.Fatalf("imported models: %d", list.Total)
	}
	model := list.Assets[0]
	body = b.getOK("/o/helix-ai/assets/" + model.ID)
	if !strings.Contains(body, "Model card") || !strings.Contains(body, "<pre>") || !strings.Contains(body, model.SourceKey) || !strings.Contains(body, "<svg") {
		t.Error("the imported model's page lacks its model card, source key or graph")
	}
	resp, body = b.uploadFile(page, page, "valid-machine-learning-1.6.json", good)
	if resp.StatusCode != http.StatusOK || !regexp.MustCompile(`Unchanged</div><div class="value">2<`).MatchString(body) {
		t.Errorf("importing again: %d", resp.StatusCode)
	}
	resp, body = b.uploadFile(page, page, "empty.csv", nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "the file is empty") {
		t.Errorf("empty file: %d", resp.StatusCode)
	}
}

func TestContextPages(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)
	b.login(password)
	const edit = "/o/helix-ai/context/edit"

	if body := b.getOK("/o/helix-ai/context"); !strings.Contains(body, "No scope and context recorded yet") {
		t.Error("no empty state")
	}
	body := b.getOK(edit)
	if !strings.Contains(body, `name="included.2.name"`) || strings.Contains(body, `name="included.3.name"`) || !strings.Contains(body, `data-add-row="rows-included"`) {
		t.Error("the form does not offer three blank rows with an add button")
	}
	ownerID := regexp.MustCompile(`<option value="([0-9a-f-]{36})">Dana</option>`).FindStringSubmatch(body)
	if ownerID == nil {
		t.Fatal("no member to own the objectives")
	}

	// Rows: blank ones are left out, an exclusion needs its reason.
	form := url.Values{"scope": {"The AI platform of Helix AI Ltd"}, "locations": {"London\r\n\r\neu-west-1"},
		"included.0.name": {"Model platform"}, "included.2.name": {"Customer support"},
		"excluded.1.name":         {"Office network"},
		"internal_issues.0.issue": {"Small security team"}, "climate_relevant": {""}}
	resp, body := b.submitForm("/o/helix-ai/context", edit, form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !inlineError(body, "excluded.0.reason", "say why Office network is outside the scope") {
		t.Fatalf("exclusion without a reason: %d\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(body, `name="included.1.name" value="Customer support"`) || !strings.Contains(body, "London\neu-west-1") && !strings.Contains(body, "London\r\n\r\neu-west-1") {
		t.Error("the form does not keep the rows, compacted")
	}
	form.Set("excluded.1.reason", "guests only; no ISMS data")
	resp, _ = b.submitForm("/o/helix-ai/context", edit, form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/helix-ai/context?view=draft" {
		t.Fatalf("save draft: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	doc, err := s.svc.Context(context.Background(), s.operator(t))
	if err != nil || doc.Draft == nil {
		t.Fatal("no draft", err)
	}
	draftID := doc.Draft.ID
	if c := doc.Draft.Context; len(c.Included) != 2 || len(c.Locations) != 2 || c.ClimateRelevant != nil {
		t.Errorf("saved draft = %+v", c)
	}

	// Approving the incomplete draft names what is missing, in the form.
	resp, body = b.post("/o/helix-ai/context/versions/"+draftID+"/approve", "/o/helix-ai/context")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The draft cannot be approved yet") ||
		!strings.Contains(body, "decide whether climate change is a relevant issue") || !strings.Contains(body, "Owner of the objectives") {
		t.Fatalf("approve incomplete: %d\n%s", resp.StatusCode, body)
	}
	form.Set("climate_relevant", "no")
	form.Set("external_issues.0.issue", "EU AI Act")
	form.Set("interested_parties.0.name", "Customers")
	form.Set("interested_parties.0.requirements", "Their data never trains shared models")
	form.Set("objectives_owner_id", ownerID[1])
	if resp, body := b.submitForm("/o/helix-ai/context", edit, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save complete draft: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = b.post("/o/helix-ai/context/versions/"+draftID+"/approve", "/o/helix-ai/context")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	body = b.getOK("/o/helix-ai/context")
	for _, want := range []string{"in force", "approved by Dana", "The AI platform of Helix AI Ltd", "Office network", "guests only", "EU AI Act",
		"not relevant", "<strong>Dana</strong> owns the information security objectives", "/o/helix-ai/context/versions/" + draftID} {
		if !strings.Contains(body, want) {
			t.Errorf("context page lacks %q", want)
		}
	}
	if body := b.getOK("/o/helix-ai/context/versions/" + draftID); !strings.Contains(body, "Scope and context, version 1") {
		t.Error("version page")
	}
	resp, pdf := b.do("GET", "/o/helix-ai/context/export?version="+draftID, nil)
	if resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF") {
		t.Errorf("PDF export: %s", resp.Header.Get("Content-Type"))
	}

	// A new draft from the version in force, then discarded.
	if body := b.getOK(edit); !strings.Contains(body, "Saving starts a new draft from version 1") || !strings.Contains(body, "Office network") {
		t.Error("editing after approval does not start from the version in force")
	}
	form.Set("scope", "Wider scope")
	if resp, _ := b.submitForm("/o/helix-ai/context", edit, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second draft: %d", resp.StatusCode)
	}
	body = b.getOK("/o/helix-ai/context?view=draft")
	if !strings.Contains(body, "Wider scope") || !strings.Contains(body, `aria-current="page">Draft`) {
		t.Error("the draft tab does not show the draft")
	}
	doc, _ = s.svc.Context(context.Background(), s.operator(t))
	resp, _ = b.post("/o/helix-ai/context/versions/"+doc.Draft.ID+"/discard", "/o/helix-ai/context")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("discard: %d", resp.StatusCode)
	}
	if doc, _ := s.svc.Context(context.Background(), s.operator(t)); doc.Draft != nil || doc.Approved == nil {
		t.Error("discarding lost the version in force or kept the draft")
	}
}

// methodologyForm is the editor's form for m.
func methodologyForm(m isms.Methodology) url.Values {
	form := url.Values{"likelihood_levels": {fmt.Sprint(len(m.Likelihood))}, "impact_levels": {fmt.Sprint(len(m.Impact))}, "notes": {m.Notes}}
	for prefix, scale := range map[string][]isms.Scale{"likelihood": m.Likelihood, "impact": m.Impact} {
		for i, s := range scale {
			form.Set(fmt.Sprintf("%s.%d.label", prefix, i), s.Label)
			form.Set(fmt.Sprintf("%s.%d.criteria", prefix, i), s.Criteria)
		}
	}
	for i, l := range m.Levels {
		form.Set(fmt.Sprintf("levels.%d.name", i), l.Name)
		form.Set(fmt.Sprintf("levels.%d.color", i), l.Color)
		if l.Acceptable {
			form.Set(fmt.Sprintf("levels.%d.acceptable", i), "1")
		}
		for _, r := range l.AcceptRoles {
			form.Add(fmt.Sprintf("levels.%d.roles", i), string(r))
		}
	}
	for l, row := range m.Matrix {
		for i, cell := range row {
			form.Set(fmt.Sprintf("matrix.%d.%d", l, i), fmt.Sprint(cell))
		}
	}
	return form
}

func TestMethodologyPages(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)
	b.login(password)
	const edit = "/o/helix-ai/methodology/edit"

	body := b.getOK("/o/helix-ai/methodology")
	for _, want := range []string{"isms default — not yet recorded", "Almost certain", "Severe", `fill="#c0392b"`, "critical", "nobody: it must be treated"} {
		if !strings.Contains(body, want) {
			t.Errorf("methodology page lacks %q", want)
		}
	}
	body = b.getOK(edit)
	if !strings.Contains(body, `name="matrix.4.4"`) || !strings.Contains(body, `name="levels.5.name"`) || strings.Contains(body, `name="levels.6.name"`) {
		t.Error("the editor lacks the 5×5 matrix or the six level rows")
	}

	// Resizing redraws the form, keeping what was typed, saving nothing.
	m := isms.DefaultMethodology()
	form := methodologyForm(m)
	form.Set("likelihood.0.label", "Very rare")
	form.Set("likelihood_levels", "4")
	form.Set("impact_levels", "6")
	form.Set("apply", "1")
	resp, body := b.submitForm("/o/helix-ai/methodology", edit, form)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `value="Very rare"`) || !strings.Contains(body, `name="matrix.3.5"`) ||
		strings.Contains(body, `name="matrix.4.0"`) || strings.Contains(body, `name="likelihood.4.label"`) {
		t.Fatalf("resize: %d", resp.StatusCode)
	}
	if doc, _ := s.svc.Methodology(context.Background(), s.operator(t)); doc.Draft != nil {
		t.Error("resizing saved a draft")
	}

	// Validation problems show at their fields.
	form = methodologyForm(m)
	form.Set("levels.1.name", "Medium!")
	form.Set("impact.2.label", "")
	form.Del("levels.2.roles")
	resp, body = b.submitForm("/o/helix-ai/methodology", edit, form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !inlineError(body, "levels.1.name", "use 1 to 20 lower-case letters") ||
		!inlineError(body, "impact.2.label", "is required") || !strings.Contains(body, "name the roles that may accept a high risk") {
		t.Fatalf("invalid methodology: %d\n%s", resp.StatusCode, body)
	}

	// A level left empty is dropped and the matrix follows.
	form = methodologyForm(m)
	form.Set("levels.1.name", "")
	for l, row := range m.Matrix {
		for i, cell := range row {
			if cell == 1 {
				form.Set(fmt.Sprintf("matrix.%d.%d", l, i), "0")
			}
		}
	}
	form.Set("notes", "Rate with the controls in place.")
	if resp, body := b.submitForm("/o/helix-ai/methodology", edit, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	doc, err := s.svc.Methodology(context.Background(), s.operator(t))
	if err != nil || doc.Draft == nil {
		t.Fatal("no draft", err)
	}
	if got := doc.Draft.Methodology; len(got.Levels) != 3 || got.Levels[1].Name != "high" || got.Matrix[4][4] != 2 || got.Matrix[0][0] != 0 {
		t.Errorf("saved draft: levels %+v matrix %v", got.Levels, got.Matrix)
	}
	body = b.getOK("/o/helix-ai/methodology?view=draft")
	if !strings.Contains(body, "Approve and put in force") || !strings.Contains(body, "Rate with the controls in place.") {
		t.Error("the draft tab lacks the approve button or the notes")
	}
	resp, _ = b.post("/o/helix-ai/methodology/versions/"+doc.Draft.ID+"/approve", "/o/helix-ai/methodology")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	body = b.getOK("/o/helix-ai/methodology")
	if !strings.Contains(body, "<strong>Version 1</strong>") || !strings.Contains(body, "approved by Dana") || strings.Contains(body, "not yet recorded") {
		t.Error("the approved version is not in force on the page")
	}
	if body := b.getOK("/o/helix-ai/methodology/versions/" + doc.Draft.ID); !strings.Contains(body, "Risk methodology, version 1") {
		t.Error("version page")
	}
	// A draft discarded leaves the version in force.
	if resp, _ := b.submitForm("/o/helix-ai/methodology", edit, methodologyForm(m)); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("second draft")
	}
	doc, _ = s.svc.Methodology(context.Background(), s.operator(t))
	resp, _ = b.post("/o/helix-ai/methodology/versions/"+doc.Draft.ID+"/discard", "/o/helix-ai/methodology")
	if doc, _ := s.svc.Methodology(context.Background(), s.operator(t)); resp.StatusCode != http.StatusSeeOther || doc.Draft != nil || doc.Current.Number != 1 {
		t.Errorf("discard: %d", resp.StatusCode)
	}
}

func TestClassificationScheme(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)
	b.login(password)
	const page = "/o/helix-ai/settings"

	if body := b.getOK(page); !strings.Contains(body, "public\ninternal\nconfidential\nrestricted</textarea>") {
		t.Error("the settings page does not show the scheme")
	}
	resp, body := b.post(page+"/classifications", page, "classifications", "only-one")
	if resp.StatusCode != http.StatusUnprocessableEntity || !inlineError(body, "classifications", "needs 2 to 8 levels") || !strings.Contains(body, "only-one</textarea>") {
		t.Errorf("one level: %d", resp.StatusCode)
	}
	if _, err := s.svc.CreateAsset(context.Background(), s.operator(t), isms.Asset{Name: "Weights", Type: isms.AssetModel, Classification: "restricted"}); err != nil {
		t.Fatal(err)
	}
	resp, body = b.post(page+"/classifications", page, "classifications", "public\ninternal\nconfidential")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "reclassify them before dropping it") {
		t.Errorf("dropping a level in use: %d", resp.StatusCode)
	}
	resp, _ = b.post(page+"/classifications", page, "classifications", "Public\r\ninternal\r\n\r\nconfidential\r\nrestricted\r\nsecret")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save scheme: %d", resp.StatusCode)
	}
	if body := b.getOK("/o/helix-ai/assets/new"); !strings.Contains(body, `<option value="secret">secret</option>`) {
		t.Error("the asset form does not offer the new level")
	}
}

func TestAssetPagesForContributors(t *testing.T) {
	s := newSite(t, config.Default())
	ctx := context.Background()
	acc := s.operator(t)
	signIn := func(mail string, role string) *browser {
		t.Helper()
		if _, err := s.svc.AddMember(ctx, acc, app.MemberInput{Email: mail, Name: role, Role: role, Password: password}); err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		resp, _ := b.do("POST", "/login", url.Values{"email": {mail}, "password": {password}, "csrf": {b.csrf("/login")}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in as %s: %d", role, resp.StatusCode)
		}
		return b
	}
	contributor := signIn("cora@helix.example", "contributor")
	viewer := signIn("vic@helix.example", "viewer")
	cora, _, _ := s.svc.ListMembers(ctx, acc, isms.MemberFilter{Query: "cora"})
	mine, err := s.svc.CreateAsset(ctx, acc, isms.Asset{Name: "Cora's notebook", Type: isms.AssetNotebook, OwnerID: cora[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.svc.CreateAsset(ctx, acc, isms.Asset{Name: "Someone's server", Type: isms.AssetServer})
	path := "/o/helix-ai/assets/" + mine.ID

	if body := contributor.getOK(path); !strings.Contains(body, path+"/edit") || strings.Contains(body, "Add a relation") || strings.Contains(body, "Delete asset") {
		t.Error("a contributor's own asset: the page should offer Edit only")
	}
	if body := contributor.getOK("/o/helix-ai/assets"); strings.Contains(body, "New asset") || strings.Contains(body, "/assets/import") {
		t.Error("the inventory offers a contributor what they may not do")
	}
	form := contributor.getOK(path + "/edit")
	if strings.Contains(form, `name="owner_id"`) || !strings.Contains(form, "Only an ISMS manager or an admin hands an asset to someone else") {
		t.Error("a contributor's form lets them hand the asset on")
	}
	resp, _ := contributor.post(path, path+"/edit", "name", "Cora's notebook", "type", "notebook_environment", "attr.notebook_environment.technology", "JupyterHub",
		"owner_id", "", "lifecycle", "in_production")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("contributor edits their own asset: %d", resp.StatusCode)
	}
	if a, _ := s.svc.Asset(ctx, acc, mine.ID); a.OwnerID != cora[0].ID || a.Attributes["technology"] != "JupyterHub" {
		t.Errorf("after the contributor's edit: owner %q, attributes %v", a.OwnerID, a.Attributes)
	}
	for _, req := range []struct{ method, path string }{{"GET", "/o/helix-ai/assets/" + other.ID + "/edit"}, {"GET", "/o/helix-ai/assets/new"}, {"GET", "/o/helix-ai/assets/import"}} {
		if resp, _ := contributor.do(req.method, req.path, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("contributor %s %s: %d", req.method, req.path, resp.StatusCode)
		}
	}
	if body := viewer.getOK(path); strings.Contains(body, path+"/edit") || !strings.Contains(body, "Suggest risks") || !strings.Contains(body, "<dd>contributor</dd>") {
		t.Error("a viewer's asset page")
	}
	if resp, _ := viewer.post(path, path, "name", "x", "type", "model"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer edits: %d", resp.StatusCode)
	}
	for _, p := range []string{"/o/helix-ai/context", "/o/helix-ai/methodology", "/o/helix-ai/settings"} {
		if body := viewer.getOK(p); strings.Contains(body, "/edit\"") || strings.Contains(body, "Save the scheme") {
			t.Errorf("%s offers a viewer to edit", p)
		}
	}
}

func TestApprovingTwiceIsAConflict(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)
	b.login(password)
	ctx := context.Background()
	mv, err := s.svc.SaveMethodology(ctx, s.operator(t), isms.DefaultMethodology())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.ApproveMethodology(ctx, s.operator(t), mv.ID); err != nil {
		t.Fatal(err)
	}
	resp, body := b.post("/o/helix-ai/methodology/versions/"+mv.ID+"/approve", "/o/helix-ai/methodology")
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Nothing was approved") || !strings.Contains(body, "only a draft can be approved") {
		t.Errorf("approving an approved methodology: %d", resp.StatusCode)
	}
	no := false
	cv, err := s.svc.SaveContext(ctx, s.operator(t), isms.Context{Scope: "s", ClimateRelevant: &no})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.DiscardContextDraft(ctx, s.operator(t), cv.ID); err != nil {
		t.Fatal(err)
	}
	if resp, _ := b.post("/o/helix-ai/context/versions/"+cv.ID+"/approve", "/o/helix-ai/context"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("approving a discarded draft: %d", resp.StatusCode)
	}
}
