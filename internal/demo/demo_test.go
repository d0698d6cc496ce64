package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/demo"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

func TestSeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		files, err := evidence.Open(t.TempDir(), 0)
		if err != nil {
			t.Fatal(err)
		}
		svc, err := app.New(db.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{Password: credential.Params{Memory: 1024, Time: 1, Threads: 1},
			Evidence: files})
		if err != nil {
			t.Fatal(err)
		}
		creds, err := demo.Seed(ctx, svc)
		if err != nil {
			t.Fatal(err)
		}
		user, err := svc.SignIn(ctx, creds.Email, creds.Password, "127.0.0.1")
		if err != nil {
			t.Fatalf("the printed credentials do not sign in: %v", err)
		}
		orgs, err := svc.MyOrgs(ctx, app.UserPrincipal(user))
		if err != nil || len(orgs) != 2 {
			t.Fatalf("the demo admin sees %d organisations, want the company and its subsidiary (%v)", len(orgs), err)
		}
		acc, err := svc.OpenOrg(ctx, app.UserPrincipal(user), creds.OrgSlug)
		if err != nil || acc.Role != isms.RoleOwner {
			t.Fatalf("demo admin in %s: %s, %v", creds.OrgSlug, acc.Role, err)
		}
		members, _, err := svc.ListMembers(ctx, acc, isms.MemberFilter{})
		if err != nil {
			t.Fatal(err)
		}
		roles := map[isms.Role]int{}
		for _, m := range members {
			roles[m.Role]++
		}
		for _, r := range isms.Roles {
			if roles[r] == 0 {
				t.Errorf("the demo has no %s: every role should be there to try", r)
			}
		}
		views, err := svc.Frameworks(ctx, acc)
		if err != nil {
			t.Fatal(err)
		}
		runs := map[string]bool{}
		for _, v := range views {
			runs[v.ID] = v.Enabled
		}
		for _, id := range []string{"iso27001-2022", "iso42001-2023", "ai-security", "helix-ml-baseline"} {
			if !runs[id] {
				t.Errorf("the demo organisation does not run %s", id)
			}
		}
		assets, err := svc.ListAssets(ctx, acc, isms.AssetFilter{})
		if err != nil || assets.Total < 20 {
			t.Errorf("the demo has %d assets (%v); want a whole AI platform", assets.Total, err)
		}
		for _, typ := range []isms.AssetType{isms.AssetModel, isms.AssetDataset, isms.AssetInferenceEndpoint, isms.AssetComputeCluster, isms.AssetSupplier} {
			if n, _ := svc.ListAssets(ctx, acc, isms.AssetFilter{Type: typ}); n.Total == 0 {
				t.Errorf("the demo has no %s", typ)
			}
		}
		suppliers, err := svc.ListSuppliers(ctx, acc, isms.SupplierFilter{})
		if err != nil || suppliers.Total < 6 {
			t.Errorf("the demo register holds %d suppliers (%v); want its clouds, model providers and data vendors", suppliers.Total, err)
		}
		kinds := map[isms.SupplierKind]bool{}
		for _, s := range suppliers.Suppliers {
			kinds[s.Kind] = true
		}
		for _, k := range []isms.SupplierKind{isms.SupplierCloud, isms.SupplierModelProvider, isms.SupplierDataVendor} {
			if !kinds[k] {
				t.Errorf("the demo has no supplier of kind %s", k)
			}
		}
		for _, fk := range isms.FlagKinds {
			if p, _ := svc.ListSuppliers(ctx, acc, isms.SupplierFilter{Flag: fk}); p.Total == 0 {
				t.Errorf("no demo supplier is flagged %s; the register should show each", fk)
			}
		}
		if in, _ := svc.ListSuppliers(ctx, acc, isms.SupplierFilter{Status: isms.SupplierActive}); in.Total == in.Flagged {
			t.Error("every active demo supplier is flagged; some should be in order")
		}
		risks, err := svc.ListRisks(ctx, acc, isms.RiskFilter{Limit: 200})
		if err != nil || risks.Total < 20 {
			t.Fatalf("the demo register holds %d risks (%v); want twenty or more", risks.Total, err)
		}
		statuses := map[isms.RiskStatus]int{}
		for _, k := range risks.Risks {
			statuses[k.Status]++
		}
		for _, st := range isms.RiskStatuses {
			if statuses[st] == 0 {
				t.Errorf("no demo risk is %s; the register should show every state", st)
			}
		}
		if overdue, _ := svc.ListRisks(ctx, acc, isms.RiskFilter{Overdue: true}); overdue.Total == 0 {
			t.Error("no demo risk is overdue")
		}
		ctxDoc, err := svc.Context(ctx, acc)
		if err != nil || ctxDoc.Approved == nil {
			t.Errorf("the demo context is not approved: %+v, %v", ctxDoc, err)
		}
		doc, err := svc.SoA(ctx, acc, "iso27001-2022", 0)
		if err != nil {
			t.Fatal(err)
		}
		sum := doc.Summarise()
		if sum.Undecided != 0 || sum.Excluded == 0 || sum.ByStatus[isms.Implemented] == 0 || sum.ByStatus[isms.PartiallyImplemented] == 0 ||
			sum.ByStatus[isms.Planned] == 0 || sum.Flagged == 0 || sum.StaleEvidence == 0 {
			t.Errorf("demo statement %+v; want every control decided, some excluded, every status, some flags and stale evidence", sum)
		}
		// Obligations are live reasons: the statement cites them.
		cited := map[string]bool{}
		for _, e := range doc.Entries {
			for _, r := range e.Reasons {
				if _, ok := isms.ParseObligationRef(r.Ref); ok {
					cited[r.Kind] = true
				}
			}
		}
		if !cited["legal"] || !cited["contractual"] {
			t.Errorf("the demo statement cites obligations as reasons %v; want legal and contractual ones", cited)
		}
		register, err := svc.ListObligations(ctx, acc, isms.ObligationFilter{})
		if err != nil || register.Total < 6 {
			t.Fatalf("demo obligations = %d, %v", register.Total, err)
		}
		oblKinds, classes, overdueObligations, notApplicable := map[isms.ObligationKind]bool{}, map[isms.AIRiskClass]bool{}, 0, 0
		for _, o := range register.Obligations {
			oblKinds[o.Kind] = true
			classes[o.AIRiskClass] = true
			if o.Overdue(time.Now()) {
				overdueObligations++
			}
			if !o.Applies() {
				notApplicable++
			}
		}
		if !oblKinds[isms.ObligationLegal] || !oblKinds[isms.ObligationRegulatory] || !oblKinds[isms.ObligationContractual] ||
			!classes[isms.AILimitedRisk] || overdueObligations == 0 || notApplicable == 0 {
			t.Errorf("demo register: kinds %v, AI classes %v, %d overdue, %d not applicable; want GDPR, the AI Act with a class, "+
				"a contract, one overdue and one judged not to apply", oblKinds, classes, overdueObligations, notApplicable)
		}
		if versions, err := svc.SoAVersions(ctx, acc, "iso27001-2022"); err != nil || len(versions) != 1 {
			t.Errorf("demo statement versions = %d, %v; want one approved", len(versions), err)
		}
		if diffs, err := svc.CompareSoA(ctx, acc, "iso27001-2022", 1, 0); err != nil || len(diffs) == 0 {
			t.Errorf("the demo draft has not moved on since version 1: %v", err)
		}
		scans, err := svc.Scans(ctx, acc)
		if err != nil || len(scans) != 2 || scans[0].Fixed == 0 || scans[0].Compliance == 0 {
			t.Errorf("demo scans = %+v, %v; want two weekly scans, the second fixing findings and checking configuration", scans, err)
		}
		open, err := svc.ListFindings(ctx, acc, store.FindingFilter{Status: isms.FindingOpen})
		highlighted := 0
		for _, f := range open.Findings {
			if app.Highlighted(f) && f.RiskID != "" {
				highlighted++
			}
		}
		if err != nil || highlighted != 1 {
			t.Errorf("demo findings: %d open, %d exploitable criticals on AI assets with a risk raised (%v); want one", open.Total, highlighted, err)
		}
		ncs, err := svc.Nonconformities(ctx, acc, store.NCFilter{})
		stages := map[isms.NCStage]int{}
		sources := map[isms.NCSource]bool{}
		for _, n := range ncs {
			stages[n.Stage]++
			sources[n.Source] = true
		}
		if err != nil || stages[isms.StageClosed] == 0 || stages[isms.StageAction] == 0 || stages[isms.StageVerification] == 0 ||
			!sources[isms.SourceVulnerabilitySLA] || !sources[isms.SourceInternalAudit] {
			t.Errorf("demo nonconformities by stage %v, sources %v (%v); want closed, in action and awaiting verification, "+
				"from an internal audit and a missed vulnerability deadline", stages, sources, err)
		}
		objectives, err := svc.Objectives(ctx, acc)
		objStatuses, derived := map[isms.ObjectiveStatus]int{}, 0
		for _, o := range objectives {
			objStatuses[o.Current]++
			if o.Derived {
				derived++
			}
		}
		if err != nil || len(objectives) < 4 || derived < 3 || len(objStatuses) < 2 {
			t.Errorf("demo objectives %d, %d derived from metrics, statuses %v (%v); want several, most measured, not all alike",
				len(objectives), derived, objStatuses, err)
		}
		training, err := svc.Metric(ctx, acc, "ai-security-training", 12)
		if err != nil || len(training.History) < 5 || training.Status() != app.MetricNotMet {
			t.Errorf("demo training metric %+v (%v); want months of history short of its target", training, err)
		}
		soa, err := svc.Metric(ctx, acc, app.MetricControlsImplemented, 12)
		if err != nil || soa.Value() == nil || len(soa.History) != 1 {
			t.Errorf("demo SoA metric %+v (%v); want a value and today's snapshot", soa, err)
		}
		prog, err := svc.AuditProgramme(ctx, acc)
		if err != nil || prog.Programme == nil || len(prog.Years) != 3 || len(prog.Years[0].Audits) != 1 || len(prog.Years[1].Audits) != 1 ||
			prog.Covered == 0 || prog.Gaps() == 0 {
			t.Errorf("demo audit programme: %+v (%v); want a completed audit in year 1, one planned in year 2, and coverage with gaps", prog, err)
		}
		if err == nil && len(prog.Years) == 3 && len(prog.Years[0].Audits) == 1 {
			d, err := svc.Audit(ctx, acc, prog.Years[0].Audits[0].ID)
			closed := false
			for _, it := range d.Items {
				closed = closed || it.Result == isms.ResultMinorNC && it.NCClosed
			}
			if err != nil || d.Status != isms.AuditCompleted || d.Counts[isms.ResultConforming] < 2 || d.Counts[isms.ResultObservation] != 1 ||
				d.Counts[isms.ResultOFI] != 1 || !closed {
				t.Errorf("demo audit %s with %v (%v); want completed with conforming items, an observation, an improvement and a closed minor nonconformity",
					d.Status, d.Counts, err)
			}
		}
		cont, err := svc.ContinuitySummary(ctx, acc)
		if err != nil || cont.BIAs != 2 || cont.Plans != 1 || cont.CriticalNoPlan != 1 || cont.TestsMissedRTO != 1 || cont.PlansNeverTested != 0 {
			t.Errorf("demo continuity %+v (%v); want the inference service's analysis, its tested plan whose last failover missed "+
				"the RTO, and a critical service without a plan", cont, err)
		}
		inference, err := svc.BIAs(ctx, acc, app.ContinuityFilter{BIAFilter: store.BIAFilter{Query: "inference"}})
		if err != nil || len(inference) != 1 || len(inference[0].Dependencies) != 5 {
			t.Errorf("demo inference BIA = %+v, %v; want it with its five dependencies", inference, err)
		}
		cert, err := svc.Certification(ctx, acc)
		if err != nil || cert.Current == nil || !cert.Current.Certified() || cert.Next == nil || cert.Next.Kind != isms.AuditSurveillance2 ||
			cert.Next.Overdue || len(cert.Audits) != 4 || len(cert.Audits[2].Findings) != 1 {
			t.Errorf("demo certification = %+v, %v; want certified, year 1 surveillance done with a finding, year 2 next", cert, err)
		}
		reviews, err := svc.Reviews(ctx, acc)
		if err != nil || len(reviews) != 2 || reviews[0].Status != isms.ReviewDraft || reviews[1].Status != isms.ReviewApproved ||
			reviews[1].OpenActions != 1 {
			t.Fatalf("demo reviews = %+v, %v; want an approved review with one open action and a draft", reviews, err)
		}
		draft, err := svc.Review(ctx, acc, reviews[0].ID)
		if err != nil || draft.Inputs == nil || len(draft.Inputs.PreviousActions.Open) != 1 || len(draft.Inputs.Nonconformities.Raised) == 0 ||
			len(draft.Inputs.AuditResults.External) != 1 || draft.Inputs.Risks.Total == 0 {
			t.Errorf("demo draft review inputs = %+v, %v; want the open action, the nonconformities, the surveillance audit and the risks", draft.Inputs, err)
		}
		docs, err := svc.Documents(ctx, acc, store.DocFilter{})
		inForce, underWay, partly := 0, 0, 0
		for _, d := range docs {
			if d.Published != nil {
				inForce++
				if d.Acknowledged > 0 && d.Acknowledged < d.Readers {
					partly++
				}
			}
			if d.Open != nil {
				underWay++
			}
		}
		if err != nil || inForce < 2 || underWay < 2 || partly == 0 {
			t.Errorf("demo documents: %d in force, %d under way, %d partly acknowledged (%v); want policies in force, "+
				"versions under way and acknowledgements still missing", inForce, underWay, partly, err)
		}
		incidents, err := svc.Incidents(ctx, acc, store.IncidentFilter{Limit: -1})
		byStatus := map[isms.IncidentStatus]int{}
		var injection app.IncidentRow
		running := 0
		for _, i := range incidents {
			byStatus[i.Status]++
			if i.Category == isms.IncidentPromptInjection {
				injection = i
			}
			for _, d := range i.Deadlines {
				if d.State(time.Now()) == isms.DeadlineRunning {
					running++
				}
			}
		}
		if err != nil || len(incidents) != 4 || byStatus[isms.IncidentClosed] != 2 || running != 1 || injection.ID == "" {
			t.Errorf("demo incidents %d by status %v, %d deadlines running (%v); want 4, two closed, a prompt injection and one countdown",
				len(incidents), byStatus, running, err)
		} else {
			d, err := svc.Incident(ctx, acc, injection.ID)
			if err != nil || len(d.Events) < 8 || len(d.Evidence) != 2 || len(d.Evidence[1].Custody) != 2 || len(d.Links) != 2 ||
				d.Deadlines[0].State(time.Now()) != isms.DeadlineMet {
				t.Errorf("the demo's prompt injection: %d events, %d evidence, %d links, deadlines %+v (%v)", len(d.Events), len(d.Evidence),
					len(d.Links), d.Deadlines, err)
			}
		}
		page, err := svc.People(ctx, acc, isms.PersonFilter{Limit: 200})
		personStatuses := map[isms.PersonStatus]int{}
		for _, p := range page.People {
			personStatuses[p.Status]++
		}
		if err != nil || len(page.People) < 10 || personStatuses[isms.PersonLeaving] == 0 || personStatuses[isms.PersonJoining] == 0 {
			t.Errorf("demo people by status %v (%v); want ten or more, with someone leaving and someone joining", personStatuses, err)
		}
		for _, p := range page.People {
			if p.Status != isms.PersonLeaving {
				continue
			}
			if d, err := svc.Person(ctx, acc, p.ID); err != nil || d.AccessRemovedAt == nil {
				t.Errorf("the demo leaver %s has no access removal recorded (%v)", p.Name, err)
			}
		}
		overdue, err := svc.TrainingStatus(ctx, acc, app.TrainingFilter{State: isms.TrainingOverdue})
		if err != nil || len(overdue) != 1 {
			t.Errorf("demo overdue training = %+v (%v); want one", overdue, err)
		}
		if m, err := svc.TrainingMetrics(ctx, acc); err != nil || m.AICompleted == 0 || m.Completed == 0 {
			t.Errorf("demo training figures = %+v (%v)", m, err)
		}
		if _, gaps, err := svc.ISMSRoles(ctx, acc); err != nil || len(gaps) != 0 {
			t.Errorf("demo RACI gaps = %+v (%v); want one accountable role per area", gaps, err)
		}
		campaigns, err := svc.AccessReviews(ctx, acc, store.AccessReviewFilter{})
		if err != nil || len(campaigns) != 2 || campaigns[0].Status != isms.ReviewInProgress || campaigns[1].Status != isms.ReviewComplete {
			t.Fatalf("demo access reviews = %+v (%v); want last quarter's complete and this quarter's in progress", campaigns, err)
		}
		ctl, err := svc.Control(ctx, acc, "iso27001-2022:A.5.18")
		found := false
		for _, e := range ctl.Entry.Evidence {
			found = found || e.ID == campaigns[1].EvidenceID
		}
		if err != nil || !found {
			t.Errorf("the completed review's evidence is not on A.5.18 (%v)", err)
		}
		sub, err := svc.OpenOrg(ctx, app.UserPrincipal(user), "helix-ai-eu")
		if err != nil {
			t.Fatal(err)
		}
		assessRuns, err := svc.SelfAssessments(ctx, sub)
		if err != nil || len(assessRuns) != 1 || assessRuns[0].Record.Status != isms.SelfAssessmentCompleted || len(assessRuns[0].Plan) == 0 ||
			len(assessRuns[0].Record.Tasks) == 0 {
			t.Errorf("the subsidiary's self-assessment = %+v (%v); want one completed run whose plan became tasks", assessRuns, err)
		}
		reports, err := svc.VerifyAllChains(ctx, app.OperatorPrincipal("cli:test"))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reports {
			if !r.OK() {
				t.Errorf("demo chain %s: %+v", r.Chain, r.Problems)
			}
		}
	})
}
