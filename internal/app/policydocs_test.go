package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// TestDocumentLifecycle takes a policy from its first draft through
// review, a rejection, approval by every named approver, publication and
// acknowledgement, then a second version that supersedes it.
func TestDocumentLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		ceo := e.member(t, "ceo@acme.example", isms.RoleViewer)
		cto := e.member(t, "cto@acme.example", isms.RoleAdmin)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		auditor := e.member(t, "auditor@acme.example", isms.RoleAuditor)

		if _, err := e.svc.CreateDocument(ctx, engineer, app.DocInput{Title: ptr("x")}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor creating a document: err = %v, want forbidden", err)
		}
		_, err := e.svc.CreateDocument(ctx, manager, app.DocInput{Kind: ptr("manifesto"), Title: ptr(""), Classification: ptr("top-secret"),
			Controls: &[]string{"iso27001-2022:A.5"}, Audience: &[]string{"auditor"}, ReviewMonths: ptr(99)})
		wantFields(t, err, "kind", "title", "classification", "controls", "audience", "review_months")

		audience := []string{"owner", "admin", "isms_manager", "contributor", "viewer"}
		doc, err := e.svc.CreateDocument(ctx, manager, app.DocInput{Kind: ptr("policy"), Title: ptr("Information security policy"),
			Classification: ptr("internal"), Controls: &[]string{"iso27001-2022:A.5.1"}, Audience: &audience})
		if err != nil {
			t.Fatal(err)
		}
		if doc.Ref() != "DOC-001" || doc.OwnerID != manager.Member.ID || doc.ReviewMonths != 12 {
			t.Errorf("created = %+v", doc)
		}
		if _, err := e.svc.SubmitForReview(ctx, manager, doc.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("submitting without a version: err = %v, want conflict", err)
		}
		_, err = e.svc.SaveDraft(ctx, manager, "DOC-1", app.DraftInput{Body: "  "})
		wantFields(t, err, "body")
		v, err := e.svc.SaveDraft(ctx, manager, "DOC-1", app.DraftInput{Body: "# Policy\n\nWe protect information.\n"})
		if err != nil || v.Number() != "1.0" || v.Status != isms.VersionDraft {
			t.Fatalf("first draft = %+v, %v", v, err)
		}
		v2, err := e.svc.SaveDraft(ctx, manager, "DOC-1", app.DraftInput{Body: "# Policy\n\nWe protect information and models.\n", ChangeNote: "models"})
		if err != nil || v2.ID != v.ID {
			t.Errorf("changing the draft made %+v, %v; want the same version", v2, err)
		}
		_, err = e.svc.SubmitForReview(ctx, manager, doc.ID)
		wantFields(t, err, "approvers")
		if _, err := e.svc.UpdateDocument(ctx, manager, doc.ID, app.DocInput{ApproverIDs: &[]string{manager.Member.ID}}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.SubmitForReview(ctx, manager, doc.ID)
		wantFields(t, err, "approvers")
		if _, err := e.svc.UpdateDocument(ctx, manager, doc.ID, app.DocInput{ApproverIDs: &[]string{ceo.Member.ID, cto.Member.ID}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SubmitForReview(ctx, manager, doc.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SaveDraft(ctx, manager, doc.ID, app.DraftInput{Body: "x"}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("editing a version in review: err = %v, want conflict", err)
		}
		if _, err := e.svc.DecideOnVersion(ctx, manager, doc.ID, true, ""); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("someone not named approving: err = %v, want forbidden", err)
		}
		if _, err := e.svc.DecideOnVersion(ctx, ceo, doc.ID, true, "Fine by me."); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.DecideOnVersion(ctx, ceo, doc.ID, true, ""); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("approving twice: err = %v, want conflict", err)
		}
		_, err = e.svc.DecideOnVersion(ctx, cto, doc.ID, false, "")
		wantFields(t, err, "note")
		if got, err := e.svc.DecideOnVersion(ctx, cto, doc.ID, false, "Name the model registry."); err != nil || got.Status != isms.VersionDraft {
			t.Fatalf("rejection = %+v, %v; want the version back in draft", got, err)
		}
		if _, err := e.svc.SaveDraft(ctx, manager, doc.ID, app.DraftInput{Body: "# Policy\n\nWe protect information, models and the model registry.\n"}); err != nil {
			t.Fatal(err)
		}
		e.clock = e.clock.Add(1e9)
		if _, err := e.svc.SubmitForReview(ctx, manager, doc.ID); err != nil {
			t.Fatal(err)
		}
		// The earlier approval belongs to the earlier round.
		if got, err := e.svc.DecideOnVersion(ctx, cto, doc.ID, true, ""); err != nil || got.Status != isms.VersionInReview {
			t.Errorf("after one approval of two = %+v, %v; want still in review", got, err)
		}
		if _, err := e.svc.PublishVersion(ctx, manager, doc.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("publishing before approval: err = %v, want conflict", err)
		}
		if got, err := e.svc.DecideOnVersion(ctx, ceo, doc.ID, true, ""); err != nil || got.Status != isms.VersionApproved {
			t.Fatalf("after every approval = %+v, %v", got, err)
		}
		if _, err := e.svc.PublishVersion(ctx, engineer, doc.ID); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor publishing: err = %v, want forbidden", err)
		}
		pub, err := e.svc.PublishVersion(ctx, manager, doc.ID)
		if err != nil || pub.Status != isms.VersionPublished || pub.PublishedBy != manager.Member.ID {
			t.Fatalf("published = %+v, %v", pub, err)
		}

		// Acknowledgements, from everyone in the audience, once.
		if _, err := e.svc.Acknowledge(ctx, auditor, doc.ID); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("an auditor acknowledging: err = %v, want forbidden", err)
		}
		if _, err := e.svc.Acknowledge(ctx, engineer, doc.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Acknowledge(ctx, engineer, doc.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("acknowledging twice: err = %v, want conflict", err)
		}
		d, err := e.svc.Document(ctx, viewerOf(t, e), doc.ID)
		if err != nil || d.Published == nil || d.NextReview == nil || d.Open != nil {
			t.Fatalf("detail = %+v, %v", d, err)
		}
		acked := 0
		for _, r := range d.Readers {
			if r.Ack != nil {
				acked++
			}
		}
		if acked != 1 || len(d.Readers) < 5 {
			t.Errorf("readers: %d of %d acknowledged; want 1 of every member but the auditor", acked, len(d.Readers))
		}

		// A new minor version supersedes the first once published.
		next, err := e.svc.SaveDraft(ctx, manager, doc.ID, app.DraftInput{Body: "# Policy\n\nRevised.\n"})
		if err != nil || next.Number() != "1.1" {
			t.Fatalf("next draft = %+v, %v", next, err)
		}
		if _, err := e.svc.SubmitForReview(ctx, manager, doc.ID); err != nil {
			t.Fatal(err)
		}
		for _, who := range []app.Access{ceo, cto} {
			if _, err := e.svc.DecideOnVersion(ctx, who, doc.ID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.PublishVersion(ctx, manager, doc.ID); err != nil {
			t.Fatal(err)
		}
		rows, err := e.svc.Documents(ctx, manager, store.DocFilter{})
		if err != nil || len(rows) != 1 || rows[0].Published == nil || rows[0].Published.Number() != "1.1" || rows[0].Acknowledged != 0 {
			t.Fatalf("register = %+v, %v; want 1.1 in force, not yet acknowledged", rows, err)
		}
		d, _ = e.svc.Document(ctx, manager, doc.ID)
		if len(d.Versions) != 2 || d.Versions[1].Status != isms.VersionSuperseded {
			t.Errorf("versions = %+v", d.Versions)
		}
		if got, _ := e.svc.DocumentsOf(ctx, manager, "iso27001-2022:A.5.1"); len(got) != 1 {
			t.Errorf("documents of A.5.1 = %d", len(got))
		}
		if got, _ := e.svc.DocumentsOf(ctx, manager, "iso27001-2022:A.5.10"); len(got) != 0 {
			t.Errorf("documents of A.5.10 = %d; the match must be exact", len(got))
		}
		major, err := e.svc.SaveDraft(ctx, manager, doc.ID, app.DraftInput{Body: "# Policy v2\n", Major: true})
		if err != nil || major.Number() != "2.0" {
			t.Errorf("major draft = %+v, %v", major, err)
		}
		if _, err := e.svc.RetireDocument(ctx, manager, doc.ID); err != nil {
			t.Fatal(err)
		}
		if rows, _ := e.svc.Documents(ctx, manager, store.DocFilter{}); len(rows) != 0 {
			t.Errorf("a retired document is listed")
		}
		if r, err := e.svc.VerifyLedger(ctx, manager); err != nil || !r.OK() {
			t.Errorf("ledger = %+v, %v", r, err)
		}
	})
}

func viewerOf(t *testing.T, e *env) app.Access {
	return e.member(t, "reader@acme.example", isms.RoleViewer)
}

// TestDocumentsFromTemplatesAndFiles starts a policy from a template,
// filled from the organisation's records, and uploads a PDF version.
func TestDocumentsFromTemplatesAndFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		mustAsset(t, e, manager, isms.Asset{Name: "acme-chat-7b", Type: isms.AssetModel, OwnerID: manager.Member.ID})
		if _, err := e.svc.CreateFromTemplate(ctx, manager, "no-such", ""); err == nil {
			t.Error("an unknown template was accepted")
		}
		doc, err := e.svc.CreateFromTemplate(ctx, manager, "ai-acceptable-use", "")
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.svc.Document(ctx, manager, doc.ID)
		if err != nil || d.Open == nil || !strings.Contains(d.Open.Body, "Acme") || !strings.Contains(d.Open.Body, "acme-chat-7b") ||
			len(d.Controls) == 0 || d.Kind != isms.DocTopicPolicy || len(d.Audience) == 0 {
			t.Fatalf("from the template: %+v, %v", d.Document, err)
		}
		pdf := "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
		_, err = e.svc.SaveDraft(ctx, manager, doc.ID, app.DraftInput{File: strings.NewReader(pdf), FileName: "policy.exe"})
		wantFields(t, err, "file")
		_, err = e.svc.SaveDraft(ctx, manager, doc.ID, app.DraftInput{File: strings.NewReader("plain text"), FileName: "policy.pdf"})
		wantFields(t, err, "file")
		v, err := e.svc.SaveDraft(ctx, manager, doc.ID, app.DraftInput{File: strings.NewReader(pdf), FileName: "dir/AUP signed.pdf"})
		if err != nil || v.Format != isms.FormatFile || v.MediaType != "application/pdf" || v.FileName != "AUP signed.pdf" || v.Body != "" {
			t.Fatalf("uploaded = %+v, %v", v, err)
		}
		got, f, err := e.svc.DocumentFile(ctx, manager, doc.ID, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if got.FileSHA256 != v.FileSHA256 {
			t.Errorf("file of %s = %+v", v.ID, got)
		}
		if r, err := e.svc.VerifyLedger(ctx, manager); err != nil || !r.OK() {
			t.Errorf("ledger = %+v, %v", r, err)
		}
	})
}
