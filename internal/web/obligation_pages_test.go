package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/isms"
)

func TestObligationPages(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)
	b.login(password)
	ctx := context.Background()
	model, err := s.svc.CreateAsset(ctx, s.operator(t), isms.Asset{Name: "triage-model", Type: isms.AssetAISystem, Lifecycle: isms.LifecycleInProduction})
	if err != nil {
		t.Fatal(err)
	}

	list := b.getOK("/o/helix-ai/obligations")
	for _, want := range []string{"The register is empty.", "Start from common obligations", `value="gdpr-art-32"`, `value="nis2-art-21"`} {
		if !strings.Contains(list, want) {
			t.Errorf("empty register page lacks %q", want)
		}
	}
	resp, _ := b.submitForm("/o/helix-ai/obligations/starters", "/o/helix-ai/obligations", url.Values{"starter": {"gdpr-art-32", "gdpr-art-33"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding starters: %d", resp.StatusCode)
	}
	list = b.getOK("/o/helix-ai/obligations")
	if !strings.Contains(list, "2 obligations were added") || !strings.Contains(list, "OB-002") || strings.Contains(list, `value="gdpr-art-32"`) {
		t.Errorf("after adding starters the list does not show them, or still offers them:\n%s", list)
	}

	// Problems come back inline, with what was typed.
	form := b.getOK("/o/helix-ai/obligations/new?control=iso27001-2022:A.8.25")
	if !strings.Contains(form, "triage-model") || !strings.Contains(form, "iso27001-2022:A.8.25</textarea>") {
		t.Error("the form does not offer the AI asset or keep the control it was opened from")
	}
	bad := url.Values{"kind": {"regulatory"}, "title": {""}, "source": {"AI Act Article 15"}, "status": {"not_applicable"},
		"controls": {"iso27001-2022:A.8.25\nA.99"}, "review_date": {"soon"}}
	resp, body := b.submitForm("/o/helix-ai/obligations", "/o/helix-ai/obligations/new", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !inlineError(body, "review_date", "is not a date") {
		t.Fatalf("bad date: %d", resp.StatusCode)
	}
	bad.Set("review_date", "2026-01-31")
	resp, body = b.submitForm("/o/helix-ai/obligations", "/o/helix-ai/obligations/new", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid obligation: %d", resp.StatusCode)
	}
	for field, msg := range map[string]string{"title": "is required", "not_applicable_reason": "is required", "controls": "A.99"} {
		if !inlineError(body, field, msg) {
			t.Errorf("no inline %q at %s", msg, field)
		}
	}
	if !strings.Contains(body, `value="AI Act Article 15"`) {
		t.Error("the form lost what was typed")
	}
	good := url.Values{"kind": {"regulatory"}, "title": {"Robustness"}, "source": {"AI Act Article 15"}, "status": {"applicable"},
		"ai_risk_class": {"high"}, "asset_ids": {model.ID}, "controls": {"iso27001-2022:A.8.25, iso27001-2022:A.8.29"},
		"review_date": {"2026-01-31"}, "not_applicable_reason": {"left in the hidden field"}}
	resp, _ = b.submitForm("/o/helix-ai/obligations", "/o/helix-ai/obligations/new", good)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	detail := resp.Header.Get("Location")
	page := b.getOK(detail)
	for _, want := range []string{"OB-003", "High-risk", "triage-model", "iso27001-2022:A.8.29", "review overdue", "Legal requirement"} {
		if !strings.Contains(page, want) {
			t.Errorf("obligation page lacks %q", want)
		}
	}
	if body := b.getOK("/o/helix-ai/obligations?class=high&overdue=1&q=ai+act"); !strings.Contains(body, "Robustness") || strings.Contains(body, "Security of processing") {
		t.Error("the filters do not select the AI Act obligation alone")
	}

	// The control it names shows it, and the statement includes the
	// control with the obligation as its reason.
	control := b.getOK("/o/helix-ai/controls/iso27001-2022:A.8.29")
	if !strings.Contains(control, "OB-003") || !strings.Contains(control, "require") {
		t.Errorf("the control page does not show the obligation that includes it")
	}
	soaPage := b.getOK("/o/helix-ai/soa/iso27001-2022")
	if !strings.Contains(soaPage, "OB-003 Robustness") {
		t.Error("the statement does not show the obligation as a reason")
	}

	// Edit, import, export, delete.
	edit := b.getOK(detail + "/edit")
	if !strings.Contains(edit, `value="Robustness"`) {
		t.Error("the edit form is not filled")
	}
	good.Set("title", "Accuracy and robustness")
	if resp, _ := b.submitForm(detail, detail+"/edit", good); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", resp.StatusCode)
	}
	resp, body = b.uploadFile("/o/helix-ai/obligations/import", "/o/helix-ai/obligations/import", "r.csv",
		[]byte("kind,title,source\nlegal,,x\n"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "r.csv:2 title") {
		t.Errorf("bad import: %d", resp.StatusCode)
	}
	resp, body = b.uploadFile("/o/helix-ai/obligations/import", "/o/helix-ai/obligations/import", "r.csv",
		[]byte("kind,title,source\ncontractual,Deletion on exit,MSA clause 14\n"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "1 added") {
		t.Errorf("import: %d", resp.StatusCode)
	}
	resp, body = b.do("GET", "/o/helix-ai/obligations/export?format=csv&kind=contractual", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "OB-004,contractual,Deletion on exit") || strings.Contains(body, "OB-001") {
		t.Errorf("export: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := b.post(detail+"/delete", detail); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if resp, _ := b.do("GET", detail, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("deleted obligation: %d", resp.StatusCode)
	}
}
