package app_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// TestInternalAudit plans an audit from a scope, checks the generated
// checklist and the auditors' independence, records results that raise
// records in the nonconformity register, completes the audit and reads the
// programme's coverage of the cycle.
func TestInternalAudit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		internal := e.member(t, "internal@acme.example", isms.RoleContributor)
		other := e.member(t, "other@acme.example", isms.RoleContributor)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		certifier := e.member(t, "certifier@acme.example", isms.RoleAuditor)

		if _, err := e.svc.SetFrameworkEnabled(ctx, manager, framework.AISecurity, true); err != nil {
			t.Fatal(err)
		}
		for ref, owner := range map[string]string{"iso27001-2022:A.5.15": manager.Member.ID, "iso27001-2022:A.5.18": engineer.Member.ID} {
			if _, err := e.svc.UpdateControl(ctx, manager, ref, app.ControlInput{Applicability: ptr("included"), OwnerID: &owner}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.UpdateControl(ctx, manager, "iso27001-2022:A.8.8", app.ControlInput{Applicability: ptr("excluded"),
			ExclusionReason: ptr("No systems of our own.")}); err != nil {
			t.Fatal(err)
		}

		// The programme.
		start := e.clock.AddDate(0, -6, 0)
		if _, err := e.svc.SetAuditProgramme(ctx, viewer, app.ProgrammeInput{CycleStart: &start}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer setting up the programme: err = %v, want forbidden", err)
		}
		_, err := e.svc.SetAuditProgramme(ctx, manager, app.ProgrammeInput{Notes: ptr("x")})
		wantFields(t, err, "cycle_start")
		if _, err := e.svc.SetAuditProgramme(ctx, manager, app.ProgrammeInput{CycleStart: &start}); err != nil {
			t.Fatal(err)
		}

		// Planning, with the refusals.
		from, to := e.clock.AddDate(0, 0, -2), e.clock.AddDate(0, 0, 3)
		plan := func(scope []string, auditors ...string) app.AuditInput {
			return app.AuditInput{Title: ptr("Access control and internal audit"), Scope: scope, Criteria: ptr("ISO/IEC 27001:2022; access policy"),
				Auditors: &auditors, PlannedStart: &from, PlannedEnd: &to}
		}
		scope := []string{"iso27001-2022:9.2", "A.5", "ai-security:AIS-AC-01"}
		for _, tc := range []struct {
			name   string
			in     app.AuditInput
			fields []string
		}{
			{"no scope", plan(nil, internal.Member.ID), []string{"scope"}},
			{"unknown item", plan([]string{"iso27001-2022:Z.1"}, internal.Member.ID), []string{"scope"}},
			{"excluded control", plan([]string{"A.8.8"}, internal.Member.ID), []string{"scope"}},
			{"threat library", plan([]string{"mitre-atlas:AML.T0051"}, internal.Member.ID), []string{"scope"}},
			{"no auditor", plan(scope), []string{"auditors"}},
			{"auditor owns a control", plan(scope, engineer.Member.ID), []string{"auditors"}},
			{"read-only auditors", plan(scope, viewer.Member.ID, certifier.Member.ID), []string{"auditors", "auditors"}},
			{"ends before it starts", app.AuditInput{Title: ptr("x"), Scope: scope, Auditors: &[]string{internal.Member.ID}, PlannedStart: &to,
				PlannedEnd: &from}, []string{"planned_end"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.PlanAudit(ctx, manager, tc.in)
				wantFields(t, err, tc.fields...)
			})
		}
		_, err = e.svc.PlanAudit(ctx, manager, plan(scope, engineer.Member.ID))
		if fields := isms.FieldErrors(err); len(fields) != 1 || !strings.Contains(fields[0].Detail, "A.5.18") {
			t.Errorf("an auditor who owns a control: %v; want the control named", err)
		}
		if _, err := e.svc.PlanAudit(ctx, engineer, plan(scope, internal.Member.ID)); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor planning an audit: err = %v, want forbidden", err)
		}
		au, err := e.svc.PlanAudit(ctx, manager, plan(scope, internal.Member.ID))
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.svc.Audit(ctx, viewer, "aud-1")
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, it := range d.Items {
			refs = append(refs, it.Ref)
		}
		want := []string{"iso27001-2022:9.2.1", "iso27001-2022:9.2.2", "iso27001-2022:A.5.15", "ai-security:AIS-AC-01",
			"iso27001-2022:A.5.18"}
		if au.Ref() != "AUD-001" || au.Status != isms.AuditPlanned || !slices.Equal(refs[:len(want)], want) {
			t.Errorf("AUD-001 %s checklist %v; want it to start %v", au.Status, refs, want)
		}
		if slices.Contains(refs, "iso27001-2022:A.5.1") {
			t.Error("the checklist holds A.5.1, which the statement does not include")
		}
		if _, err := e.svc.UpdateAudit(ctx, manager, au.ID, app.AuditInput{Scope: []string{"A.8"}}); len(isms.FieldErrors(err)) == 0 {
			t.Errorf("changing the scope: err = %v, want a validation error", err)
		}
		if _, err := e.svc.UpdateAudit(ctx, manager, au.ID, app.AuditInput{Auditors: &[]string{internal.Member.ID, engineer.Member.ID}}); len(isms.FieldErrors(err)) == 0 {
			t.Errorf("adding an auditor who owns a control: err = %v, want a validation error", err)
		}

		// Results.
		record := func(who app.Access, ref, result, notes string) (isms.AuditItem, error) {
			return e.svc.RecordAuditResult(ctx, who, au.Ref(), ref, app.AuditItemInput{Result: &result, Notes: &notes})
		}
		for _, who := range []app.Access{viewer, certifier, other} {
			if _, err := record(who, "iso27001-2022:9.2.1", "conforming", ""); !errors.Is(err, isms.ErrForbidden) {
				t.Errorf("%s (not an auditor of the audit) recording: err = %v, want forbidden", who.Member.Name, err)
			}
		}
		if _, err := record(internal, "iso27001-2022:9.2.1", "conforming", "Programme seen."); err != nil {
			t.Fatal(err)
		}
		if d, _ := e.svc.Audit(ctx, viewer, au.ID); d.Status != isms.AuditInProgress || d.StartedAt == nil {
			t.Errorf("after the first result the audit is %s; want in progress", d.Status)
		}
		_, err = record(internal, "iso27001-2022:A.5.18", "minor_nonconformity", "")
		wantFields(t, err, "notes")
		_, err = record(internal, "iso27001-2022:A.5.18", "passable", "x")
		wantFields(t, err, "result")
		if _, err := record(internal, "iso27001-2022:A.9.9", "conforming", ""); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("an item not on the checklist: err = %v, want not found", err)
		}
		it, err := record(internal, "iso27001-2022:A.5.18", "minor_nonconformity", "No Q3 access review of the model registry.")
		if err != nil {
			t.Fatal(err)
		}
		nc, err := e.svc.Nonconformity(ctx, viewer, it.NonconformityID)
		if err != nil {
			t.Fatal(err)
		}
		if nc.Source != isms.SourceInternalAudit || nc.Grade != isms.GradeMinor || nc.Requirement != "iso27001-2022:A.5.18" ||
			nc.OwnerID != engineer.Member.ID || !strings.HasPrefix(nc.Description, "No Q3 access review") || nc.DueDate == nil {
			t.Errorf("raised from the audit: %+v", nc.Nonconformity)
		}
		if _, err := record(internal, "iso27001-2022:A.5.18", "conforming", "x"); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("changing a result that raised a record: err = %v, want conflict", err)
		}
		if _, err := e.svc.RecordAuditResult(ctx, internal, au.Ref(), "iso27001-2022:A.5.18", app.AuditItemInput{
			Evidence: &[]isms.Link{{Title: "Registry ACL export", URL: "https://evidence.acme.example/acl"}}}); err != nil {
			t.Errorf("adding evidence to a finding: %v", err)
		}
		ofi, err := record(manager, "iso27001-2022:9.2.2", "opportunity_for_improvement", "Plan audits from risk.")
		if err != nil {
			t.Fatal(err)
		}
		if n, err := e.svc.Nonconformity(ctx, viewer, ofi.NonconformityID); err != nil || n.Kind != isms.KindImprovement || n.Grade != "" {
			t.Errorf("improvement from the audit: %+v, %v", n.Nonconformity, err)
		}

		// Completing.
		if _, err := e.svc.UpdateAudit(ctx, manager, au.Ref(), app.AuditInput{Status: ptr("completed")}); len(isms.FieldErrors(err)) == 0 {
			t.Errorf("completing with items open: err = %v, want a validation error", err)
		}
		d, _ = e.svc.Audit(ctx, viewer, au.ID)
		for _, it := range d.Items {
			if it.Result == "" {
				if _, err := record(internal, it.Ref, "observation", "Seen, could be clearer."); err != nil {
					t.Fatalf("%s: %v", it.Ref, err)
				}
			}
		}
		if _, err := e.svc.UpdateAudit(ctx, manager, au.Ref(), app.AuditInput{Status: ptr("completed"), Conclusion: ptr("Effective, with one lapse.")}); err != nil {
			t.Fatal(err)
		}
		if _, err := record(internal, "iso27001-2022:9.2.1", "observation", "late"); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("recording on a completed audit: err = %v, want conflict", err)
		}
		if _, err := e.svc.UpdateAudit(ctx, manager, au.Ref(), app.AuditInput{Title: ptr("x")}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("changing a completed audit: err = %v, want conflict", err)
		}

		// Coverage of the cycle.
		p, err := e.svc.AuditProgramme(ctx, viewer)
		if err != nil {
			t.Fatal(err)
		}
		if p.Programme == nil || len(p.Years) != 3 || len(p.Years[0].Audits) != 1 || p.Covered != 4 || p.Total < 30 {
			t.Errorf("programme: %d years, year 1 %d audits, covered %d of %d; want 3 years, the audit in year 1, 4 covered",
				len(p.Years), len(p.Years[0].Audits), p.Covered, p.Total)
		}
		for _, g := range p.Clauses {
			if g.Key == "9" && (g.Covered != 2 || !slices.ContainsFunc(g.Gaps, func(r app.Requirement) bool { return r.Cite == "9.3.1" })) {
				t.Errorf("clause 9 coverage %+v; want 9.2.1 and 9.2.2 covered and 9.3.1 named as a gap", g)
			}
		}
		if i := slices.IndexFunc(p.Themes, func(g app.CoverageGroup) bool { return g.Key == "A.5" }); i < 0 || p.Themes[i].Total != 2 || p.Themes[i].Covered != 2 {
			t.Errorf("Annex A themes: %+v; want A.5 with its two included controls covered", p.Themes)
		}

		// Reports.
		var pdf, xlsx bytes.Buffer
		if err := e.svc.AuditReportPDF(ctx, viewer, au.Ref(), &pdf); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF")) {
			t.Errorf("PDF report: %v", err)
		}
		if err := e.svc.AuditReportXLSX(ctx, viewer, au.Ref(), &xlsx); err != nil || !bytes.HasPrefix(xlsx.Bytes(), []byte("PK")) {
			t.Errorf("XLSX report: %v", err)
		}

		rows, err := e.svc.Audits(ctx, viewer, store.AuditFilter{Status: isms.AuditCompleted})
		if err != nil || len(rows) != 1 || rows[0].Items != rows[0].Done || rows[0].Year != 1 {
			t.Errorf("completed audits = %+v, %v", rows, err)
		}
		if r, err := e.svc.VerifyLedger(ctx, viewer); err != nil || !r.OK() {
			t.Errorf("ledger: %+v, %v", r, err)
		}
	})
}
