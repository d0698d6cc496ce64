package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-dev/isms/internal/app"
)

// seedDocuments fills the document register from the starter templates:
// the information security policy and the AI acceptable use policy in
// force and partly acknowledged, the access control policy with its
// approvers, the incident response procedure still a draft.
func seedDocuments(ctx context.Context, svc *app.Service, as map[string]app.Access, member func(string) string) error {
	approvers := []string{member(dana), member(sam)}
	for _, d := range []struct {
		template string
		// stage is how far it goes: draft, review or published.
		stage   string
		readers []string
	}{
		{"information-security-policy", "published", []string{sam, tomas, lena}},
		{"ai-acceptable-use", "published", []string{tomas}},
		{"access-control", "review", nil},
		{"incident-response", "draft", nil},
	} {
		doc, err := svc.CreateFromTemplate(ctx, as[priya], d.template, "")
		if err != nil {
			return fmt.Errorf("demo document %s: %w", d.template, err)
		}
		if _, err := svc.UpdateDocument(ctx, as[priya], doc.ID, app.DocInput{ApproverIDs: &approvers}); err != nil {
			return err
		}
		if d.stage == "draft" {
			continue
		}
		if _, err := svc.SubmitForReview(ctx, as[priya], doc.ID); err != nil {
			return err
		}
		if d.stage == "review" {
			if _, err := svc.DecideOnVersion(ctx, as[sam], doc.ID, true, "Matches how the platform team grants access today."); err != nil {
				return err
			}
			continue
		}
		for _, who := range []string{dana, sam} {
			if _, err := svc.DecideOnVersion(ctx, as[who], doc.ID, true, ""); err != nil {
				return fmt.Errorf("demo approval of %s: %w", doc.Ref(), err)
			}
		}
		if _, err := svc.PublishVersion(ctx, as[priya], doc.ID); err != nil {
			return err
		}
		for _, who := range d.readers {
			if _, err := svc.Acknowledge(ctx, as[who], doc.ID); err != nil {
				return fmt.Errorf("demo acknowledgement of %s: %w", doc.Ref(), err)
			}
		}
	}
	// The first policy gets a minor revision under way, so that the
	// register shows a version in force and the next one side by side.
	next := "\n\n## Review\n\nThis policy was last reviewed on " + time.Now().UTC().Format(time.DateOnly) +
		"; the next review follows the management review.\n"
	d, err := svc.Document(ctx, as[priya], "DOC-1")
	if err != nil {
		return err
	}
	_, err = svc.SaveDraft(ctx, as[priya], d.ID, app.DraftInput{Body: d.Published.Body + next, ChangeNote: "Records the review."})
	return err
}
