package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
)

// TestDocumentPages writes a policy, has it approved by another member,
// publishes it, has a third acknowledge it, and exports it.
func TestDocumentPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		files, err := evidence.Open(t.TempDir(), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		s := newSiteOn(t, config.Default(), db, files)
		ctx := context.Background()
		op := s.operator(t)
		ceo, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: "ceo@helix.example", Name: "Cara CEO", Role: "viewer", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: "eve@helix.example", Name: "Eve Engineer", Role: "contributor", Password: password}); err != nil {
			t.Fatal(err)
		}
		dana := s.browser(t)
		dana.login(password)
		const list = "/o/helix-ai/documents"
		mustContain(t, "the register", dana.getOK(list), `id="new-document"`, `data-template="ai-acceptable-use"`)
		if resp, body := dana.post(list, list+"/new", "title", "", "kind", "policy", "review_months", "12"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="form-errors"`) {
			t.Fatalf("a document without a title: %d", resp.StatusCode)
		}
		form := url.Values{"csrf": {dana.csrf(list + "/new")}, "title": {"Information security policy"}, "kind": {"policy"},
			"classification": {"internal"}, "review_months": {"12"}, "approvers": {ceo.Member.ID}, "controls": {"iso27001-2022:A.5.1"},
			"audience": {"contributor", "viewer"}}
		resp, _ := dana.do("POST", list, form)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != list+"/DOC-001/draft" {
			t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		page := list + "/DOC-001"
		if resp, _ := dana.post(page+"/draft", page+"/draft", "body", "# Information security policy\n\nWe protect <script>alert(1)</script> information.\n",
			"change_note", "First version"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save the draft: %d", resp.StatusCode)
		}
		body := dana.getOK(page + "/versions/1.0")
		if strings.Contains(body, "<script>alert") || !strings.Contains(body, "We protect") {
			t.Error("the version page shows raw HTML from the draft, or not the text")
		}
		if resp, _ := dana.post(page+"/submit", page); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d", resp.StatusCode)
		}
		mustContain(t, "in review", dana.getOK(page), `id="open-status">In review`)
		if resp, _ := dana.post(page+"/approve", page); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an author who is not an approver approving: %d, want 403", resp.StatusCode)
		}

		cara := s.loginAs(t, "ceo@helix.example")
		mustContain(t, "the approver's view", cara.getOK(page), `id="decide-form"`)
		mustContain(t, "the approver's overview", cara.getOK("/o/helix-ai/"), `data-work="review"`, "Information security policy")
		if resp, body := cara.post(page+"/reject", page, "note", ""); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "say what must change") {
			t.Errorf("rejecting without a note: %d", resp.StatusCode)
		}
		if resp, _ := cara.post(page+"/approve", page, "note", "Approved for the board."); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		if resp, _ := dana.post(page+"/publish", page); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d", resp.StatusCode)
		}
		body = dana.getOK(page)
		mustContain(t, "published", body, `id="doc-in-force">version 1.0 in force`, `id="published-body"`, `id="ack-pending">2 still to acknowledge`)

		eve := s.loginAs(t, "eve@helix.example")
		mustContain(t, "Eve's view", eve.getOK(page), `id="ack-request"`)
		mustContain(t, "Eve's overview", eve.getOK("/o/helix-ai/"), `data-work="read"`)
		if resp, _ := eve.post(page+"/acknowledge", page); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d", resp.StatusCode)
		}
		mustContain(t, "acknowledged", eve.getOK(page), `id="ack-done"`)
		if strings.Contains(eve.getOK("/o/helix-ai/"), `data-work="read"`) {
			t.Error("an acknowledged policy is still on Eve's overview")
		}
		if resp, _ := eve.post(page+"/acknowledge", page); resp.StatusCode != http.StatusConflict {
			t.Errorf("acknowledging twice: %d", resp.StatusCode)
		}
		mustContain(t, "the register", dana.getOK(list), "1 of 2")

		resp, pdf := dana.do("GET", page+"/versions/1.0/pdf", nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF") {
			t.Errorf("PDF: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}

		// A second version, uploaded; then a written third compared with
		// the first.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("csrf", dana.csrf(page+"/draft"))
		_ = mw.WriteField("change_note", "Signed copy")
		fw, _ := mw.CreateFormFile("file", "policy-signed.pdf")
		_, _ = fw.Write([]byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"))
		_ = mw.Close()
		req, _ := http.NewRequest("POST", s.url+page+"/draft", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		up, err := dana.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		up.Body.Close()
		if up.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload a version: %d", up.StatusCode)
		}
		resp, file := dana.do("GET", page+"/versions/1.1/file", nil)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(file, "%PDF") || !strings.Contains(resp.Header.Get("Content-Disposition"), "policy-signed.pdf") {
			t.Errorf("the uploaded file: %d %s", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		if resp, _ := dana.post(page+"/draft", page+"/draft", "body", "# Information security policy\n\nWe protect information and models.\n"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("rewrite the draft: %d", resp.StatusCode)
		}
		mustContain(t, "the comparison", dana.getOK(page+"/versions/1.1?compare=1.0"), `class="diff-added">+ We protect information and models.`)

		// From a template, filled with the organisation's name.
		resp, _ = dana.post(list+"/templates", list, "template", "access-control")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != list+"/DOC-002/draft" {
			t.Fatalf("from a template: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		mustContain(t, "the template's draft", dana.getOK(list+"/DOC-002/draft"), "Helix AI Ltd")
		mustContain(t, "A.5.1's page", dana.getOK("/o/helix-ai/controls/iso27001-2022:A.5.1"), "Information security policy")
	})
}
