package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/isms"
)

func TestSupplierPages(t *testing.T) {
	s := newSite(t, config.Default())
	b := s.browser(t)
	b.login(password)
	ctx := context.Background()
	op := s.operator(t)

	if body := b.getOK("/o/helix-ai/suppliers"); !strings.Contains(body, "The register is empty.") || !strings.Contains(body, `href="/o/helix-ai/suppliers/import"`) {
		t.Error("empty register lacks its empty state or the import link")
	}
	// Problems come back inline with what was typed.
	resp, body := b.submitForm("/o/helix-ai/suppliers", "/o/helix-ai/suppliers/new", url.Values{"name": {" "}, "kind": {"cloud"},
		"criticality": {"critical"}, "clauses": {"incident_notification"}, "incident_hours": {"soon"}, "services": {"GPU training cluster"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid supplier: %d", resp.StatusCode)
	}
	if !inlineError(body, "incident_hours", "whole number") || !strings.Contains(body, "GPU training cluster") {
		t.Errorf("the form lacks the inline message or what was typed:\n%s", body)
	}
	resp, body = b.submitForm("/o/helix-ai/suppliers", "/o/helix-ai/suppliers/new", url.Values{"name": {" "}, "kind": {"cloud"},
		"criticality": {"critical"}, "clauses": {"incident_notification"}, "incident_hours": {"24"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !inlineError(body, "name", "is required") {
		t.Fatalf("nameless supplier: %d", resp.StatusCode)
	}
	resp, _ = b.submitForm("/o/helix-ai/suppliers", "/o/helix-ai/suppliers/new", url.Values{"name": {"Lattice GPU Cloud"}, "kind": {"cloud"},
		"criticality": {"critical"}, "status": {"active"}, "review_cadence": {"quarterly"}, "clauses": {"incident_notification", "confidentiality"},
		"incident_hours": {"24"}, "data_shared": {"training_data", "model_weights"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create supplier: %d", resp.StatusCode)
	}
	page := resp.Header.Get("Location")
	id := strings.TrimPrefix(page, "/o/helix-ai/suppliers/")
	asset, err := s.svc.CreateAsset(ctx, op, isms.Asset{Name: "train-cluster", Type: isms.AssetComputeCluster})
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := b.post(page+"/assets", page, "asset_id", asset.ID); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("link asset: %d", resp.StatusCode)
	}
	// A certification with its countdown; a refused one keeps its form.
	resp, body = b.post(page+"/certifications", page, "kind", "iso27001", "reference", "IS 999", "valid_until", "")
	if resp.StatusCode != http.StatusUnprocessableEntity || !inlineError(body, "valid_until", "is required") || !strings.Contains(body, `value="IS 999"`) {
		t.Errorf("certification without expiry: %d", resp.StatusCode)
	}
	soon := time.Now().UTC().AddDate(0, 0, 30).Format(time.DateOnly)
	if resp, _ := b.post(page+"/certifications", page, "kind", "soc2_type2", "valid_until", soon); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("add certification: %d", resp.StatusCode)
	}
	resp, _ = b.submitForm(page+"/assessments", page, url.Values{"assessed_on": {time.Now().UTC().Format(time.DateOnly)}, "assessor": {"Dana"},
		"result": {"fail"}, "question_0": {isms.AssessmentQuestions[0]}, "question_1": {isms.AssessmentQuestions[1]}, "answer_0": {"None: no report yet."}, "question_9": {"Do you log admin access?"}, "answer_9": {"Partly."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("add assessment: %d", resp.StatusCode)
	}
	body = b.getOK(page)
	for _, want := range []string{"train-cluster", "SOC 2 Type II report", "days left", "Assessment failed", "No exit plan",
		"Do you log admin access?", "Partly.", "None: no report yet.", "within 24 h", "Right to audit", "A.5.23"} {
		if !strings.Contains(body, want) {
			t.Errorf("supplier page lacks %q", want)
		}
	}
	if strings.Contains(body, isms.AssessmentQuestions[1]+"</dt>") {
		t.Error("an unanswered standard question was recorded")
	}
	list := b.getOK("/o/helix-ai/suppliers?flag=assessment_failed")
	if !strings.Contains(list, "Lattice GPU Cloud") || !strings.Contains(list, "need") {
		t.Error("the register filtered by a failed assessment lacks the supplier")
	}
	if list := b.getOK("/o/helix-ai/suppliers?kind=saas"); strings.Contains(list, "Lattice GPU Cloud") {
		t.Error("the kind filter lets a cloud supplier through")
	}
	if ctl := b.getOK("/o/helix-ai/controls/iso27001-2022:A.5.19"); !strings.Contains(ctl, "Supplier register, now") || !strings.Contains(ctl, "Assessment failed: 1") {
		t.Error("the A.5.19 page lacks the register's figures")
	}
	if ctl := b.getOK("/o/helix-ai/controls/iso27001-2022:A.5.1"); strings.Contains(ctl, "Supplier register, now") {
		t.Error("A.5.1 shows the supplier figures")
	}

	// Import: all or nothing, problems named by line and column.
	const imp = "/o/helix-ai/suppliers/import"
	bad := []byte("name,kind,criticality,owner\nHelio Models,model_provider,high,\nAnnotate Ltd,data_vendor,severe,nobody@example.com\n")
	resp, body = b.uploadFile(imp, imp, "vendors.csv", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "vendors.csv:3 criticality") || !strings.Contains(body, "Nothing was changed") {
		t.Errorf("bad import: %d\n%s", resp.StatusCode, body)
	}
	good := []byte("name,kind,criticality,data_shared\nHelio Models,model_provider,high,prompts_outputs\n")
	if resp, body := b.uploadFile(imp, imp, "vendors.csv", good, "check", "1"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Would be added") {
		t.Errorf("dry run: %d", resp.StatusCode)
	}
	if p, _ := s.svc.ListSuppliers(ctx, op, isms.SupplierFilter{}); p.Total != 1 {
		t.Errorf("after a refused import and a dry run the register holds %d, want 1", p.Total)
	}
	if resp, _ := b.uploadFile(imp, imp, "vendors.csv", good); resp.StatusCode != http.StatusOK {
		t.Errorf("import: %d", resp.StatusCode)
	}
	resp, csv := b.do("GET", "/o/helix-ai/suppliers/export?format=csv&kind=model_provider", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(csv, "Helio Models") || strings.Contains(csv, "Lattice") {
		t.Errorf("filtered CSV export: %d\n%s", resp.StatusCode, csv)
	}
	if resp, _ := b.do("GET", "/o/helix-ai/suppliers/export?format=xlsx", nil); resp.StatusCode != http.StatusOK ||
		!strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("XLSX export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := b.post(page+"/review", page); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("review: %d", resp.StatusCode)
	}
	if resp, _ := b.post(page+"/delete", page); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", resp.StatusCode)
	}
	if _, err := s.svc.Supplier(ctx, op, id); err == nil {
		t.Error("the supplier is still there after deleting it")
	}
}
