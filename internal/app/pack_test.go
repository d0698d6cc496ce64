package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/demo"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/pack"
)

// TestAuditorPack builds the demo company's pack as its external auditor
// and checks it the way the auditor would.
func TestAuditorPack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		creds, err := demo.Seed(ctx, e.svc)
		if err != nil {
			t.Fatal(err)
		}
		owner, _, err := e.db.UserByEmail(ctx, creds.Email)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := e.svc.OpenOrg(ctx, app.UserPrincipal(owner), creds.OrgSlug)
		if err != nil {
			t.Fatal(err)
		}
		end := e.clock.Add(14 * 24 * time.Hour)
		if _, err := e.svc.AddMember(ctx, acc, app.MemberInput{Email: "lead.auditor@cert.example", Name: "Lead Auditor", Role: "auditor",
			Password: password, ExpiresAt: &end}); err != nil {
			t.Fatal(err)
		}
		u, _, err := e.db.UserByEmail(ctx, "lead.auditor@cert.example")
		if err != nil {
			t.Fatal(err)
		}
		auditor, err := e.svc.OpenOrg(ctx, app.UserPrincipal(u), creds.OrgSlug)
		if err != nil || auditor.Role != isms.RoleAuditor {
			t.Fatalf("auditor access: %v", err)
		}
		var b bytes.Buffer
		if err := e.svc.AuditorPack(ctx, auditor, &b); err != nil {
			t.Fatal(err)
		}
		rep, err := pack.Verify(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil || !rep.OK() {
			t.Fatalf("verify: %+v, %v", rep.Problems, err)
		}
		have := map[string]bool{}
		evidence := 0
		for _, f := range rep.Manifest.Files {
			have[f.Path] = true
			if strings.HasPrefix(f.Path, "evidence/") {
				evidence++
			}
		}
		for _, want := range []string{"soa/statement-of-applicability.xlsx", "soa/statement-of-applicability.pdf", "risks/risk-assessment.pdf",
			"risks/risk-treatment-plan.pdf", "registers/nonconformities.csv", "registers/documents.csv", "documents/DOC-001-v1.0.pdf",
			"ledger/ledger.jsonl", "readiness.json", "metrics/figures.json", "audits/programme.json", "metrics/objectives-and-metrics.json",
			"reviews/MR-001-minutes.pdf"} {
			if !have[want] {
				t.Errorf("the pack lacks %s", want)
			}
		}
		if evidence == 0 {
			t.Error("the pack holds no evidence file")
		}
		if rep.Manifest.Organisation != "Helix AI Ltd" && rep.Manifest.Organisation == "" {
			t.Errorf("manifest organisation %q", rep.Manifest.Organisation)
		}
	})
}
