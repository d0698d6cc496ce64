package server_test

import (
	"context"
	"strings"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// Records for the rules of the document register: each call gets a
// document of its own, made by the operator and owned by a fresh member,
// so that no caller owns it or approves it.

// document adds a document with a written draft at a stage: "draft";
// "review", waiting for its approver, a fresh member; "approved"; or
// "published", in force for every role but auditor, with an uploaded
// file as the draft after it.
func (f *fixture) document(stage string) isms.Document {
	f.t.Helper()
	ctx := context.Background()
	owner, approver := f.target(), f.target()
	str := func(s string) *string { return &s }
	audience := []string{"owner", "admin", "isms_manager", "contributor", "viewer"}
	d, err := f.svc.CreateDocument(ctx, f.op, app.DocInput{Title: str("Policy " + f.unique()), OwnerID: &owner.ID,
		ApproverIDs: &[]string{approver.ID}, Audience: &audience})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.svc.SaveDraft(ctx, f.op, d.ID, app.DraftInput{Body: "# Policy\n\nText.\n"}); err != nil {
		f.t.Fatal(err)
	}
	if stage == "draft" {
		return d
	}
	if _, err := f.svc.SubmitForReview(ctx, f.op, d.ID); err != nil {
		f.t.Fatal(err)
	}
	if stage == "review" {
		return d
	}
	u, _, err := f.svc.DB().UserByEmail(ctx, approver.Email)
	if err != nil {
		f.t.Fatal(err)
	}
	acc, err := f.svc.OpenOrg(ctx, app.UserPrincipal(u), "acme")
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.svc.DecideOnVersion(ctx, acc, d.ID, true, ""); err != nil {
		f.t.Fatal(err)
	}
	if stage == "approved" {
		return d
	}
	if _, err := f.svc.PublishVersion(ctx, f.op, d.ID); err != nil {
		f.t.Fatal(err)
	}
	pdf := "%PDF-1.7\n% " + f.unique() + "\ntrailer <<>>\n%%EOF\n"
	if _, err := f.svc.SaveDraft(ctx, f.op, d.ID, app.DraftInput{File: strings.NewReader(pdf), FileName: "signed.pdf"}); err != nil {
		f.t.Fatal(err)
	}
	return d
}
