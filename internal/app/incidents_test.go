package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// TestIncidentResponse walks a personal data breach through the register:
// reported by an engineer, triaged, its 72-hour deadline running and then
// passed, notified late, contained, eradicated, recovered and closed with
// its lessons, with the refusals on the way.
func TestIncidentResponse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		other := e.member(t, "other@acme.example", isms.RoleContributor)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		auditor := e.member(t, "auditor@acme.example", isms.RoleAuditor)
		asset, err := e.svc.CreateAsset(ctx, manager, isms.Asset{Name: "Support chat logs", Type: isms.AssetDataset, OwnerID: manager.Member.ID})
		if err != nil {
			t.Fatal(err)
		}

		hour := func(h int) *time.Time { v := e.clock.Add(time.Duration(h) * time.Hour); return &v }
		in := app.IncidentInput{Title: ptr("Support logs readable by every tenant"), Category: ptr("training_data_leak"), Severity: ptr("high"),
			Description: ptr("A misconfigured bucket policy exposed a month of support chats."), DetectedAt: hour(-2),
			SetAwareAt: true, AwareAt: hour(-1), PersonalData: ptr(true), DataSubjects: ptr(1200), AssetIDs: &[]string{asset.ID},
			Reporter: ptr("Customer security team of Globex")}
		for _, who := range []app.Access{viewer, auditor} {
			if _, err := e.svc.ReportIncident(ctx, who, in); !errors.Is(err, isms.ErrForbidden) {
				t.Errorf("%s reporting: err = %v, want forbidden", who.Role, err)
			}
		}
		for _, tc := range []struct {
			name   string
			in     app.IncidentInput
			fields []string
		}{
			{"nothing", app.IncidentInput{}, []string{"title", "category", "severity"}},
			{"personal data without awareness", app.IncidentInput{Title: ptr("x"), Category: ptr("phishing"), Severity: ptr("low"),
				PersonalData: ptr(true)}, []string{"aware_at"}},
			{"aware before detected", app.IncidentInput{Title: ptr("x"), Category: ptr("phishing"), Severity: ptr("low"),
				DetectedAt: hour(-1), SetAwareAt: true, AwareAt: hour(-2)}, []string{"aware_at"}},
			{"occurred after detected", app.IncidentInput{Title: ptr("x"), Category: ptr("phishing"), Severity: ptr("low"),
				DetectedAt: hour(-2), SetOccurredAt: true, OccurredAt: hour(-1)}, []string{"occurred_at"}},
			{"in the future", app.IncidentInput{Title: ptr("x"), Category: ptr("phishing"), Severity: ptr("low"), DetectedAt: hour(2)},
				[]string{"detected_at"}},
			{"serious AI incident without a case", app.IncidentInput{Title: ptr("x"), Category: ptr("harmful_output"), Severity: ptr("low"),
				AIHighRisk: ptr(true), AISerious: ptr(true), AICase: ptr("injury")}, []string{"ai_case", "aware_at"}},
			{"triaged without a handler", app.IncidentInput{Title: ptr("x"), Category: ptr("phishing"), Severity: ptr("low"),
				Status: ptr("triaged")}, []string{"handler"}},
			{"an asset from elsewhere", app.IncidentInput{Title: ptr("x"), Category: ptr("phishing"), Severity: ptr("low"),
				AssetIDs: &[]string{"nope"}}, []string{"asset_ids"}},
			{"unknown category", app.IncidentInput{Title: ptr("x"), Category: ptr("gremlins"), Severity: ptr("low")}, []string{"category"}},
		} {
			_, err := e.svc.ReportIncident(ctx, manager, tc.in)
			wantFields(t, err, tc.fields...)
			if err == nil {
				t.Errorf("%s: accepted", tc.name)
			}
		}
		withHandler := in
		withHandler.HandlerID = ptr(manager.Member.ID)
		if _, err := e.svc.ReportIncident(ctx, engineer, withHandler); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor naming another handler: err = %v, want forbidden", err)
		}

		// The engineer reports it; the 72 hours run from awareness.
		inc, err := e.svc.ReportIncident(ctx, engineer, in)
		if err != nil {
			t.Fatal(err)
		}
		if inc.Ref() != "INC-001" || inc.Status != isms.IncidentReported || inc.RaisedBy != engineer.Member.ID {
			t.Errorf("reported = %+v", inc)
		}
		d, err := e.svc.Incident(ctx, auditor, "inc-1")
		if err != nil || len(d.Deadlines) != 1 || len(d.Assets) != 1 {
			t.Fatalf("INC-001 = %+v, %v", d, err)
		}
		gdpr := d.Deadlines[0]
		if gdpr.Kind != isms.DeadlineGDPR || !gdpr.Due.Equal(hour(71).UTC()) || gdpr.State(e.clock) != isms.DeadlineRunning ||
			gdpr.Left(e.clock) != 71*time.Hour {
			t.Errorf("GDPR deadline = %+v", gdpr)
		}
		// Until it is triaged the reporter may correct the report; someone
		// else may not touch it.
		if _, err := e.svc.UpdateIncident(ctx, engineer, inc.ID, app.IncidentInput{DataSubjects: ptr(1500)}); err != nil {
			t.Errorf("the reporter correcting the report: %v", err)
		}
		if _, err := e.svc.UpdateIncident(ctx, other, inc.ID, app.IncidentInput{DataSubjects: ptr(1)}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("another contributor changing it: err = %v, want forbidden", err)
		}
		if _, err := e.svc.AddIncidentEvent(ctx, viewer, inc.ID, app.IncidentEventInput{What: "x"}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer writing the timeline: err = %v, want forbidden", err)
		}
		// The manager triages it and hands it to the engineer, who handles
		// it from then on.
		if _, err := e.svc.UpdateIncident(ctx, manager, inc.ID, app.IncidentInput{Status: ptr("triaged"), HandlerID: ptr(engineer.Member.ID)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UpdateIncident(ctx, engineer, inc.ID, app.IncidentInput{HandlerID: ptr(other.Member.ID)}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("the handler handing it on: err = %v, want forbidden", err)
		}
		_, err = e.svc.UpdateIncident(ctx, engineer, inc.ID, app.IncidentInput{Status: ptr("contained")})
		wantFields(t, err, "containment")

		ev, err := e.svc.AddIncidentEvent(ctx, engineer, inc.ID, app.IncidentEventInput{At: hour(-2), What: "Globex reports that it can read other tenants' chats"})
		if err != nil || ev.Who != "engineer@acme.example" {
			t.Fatalf("timeline entry = %+v, %v", ev, err)
		}
		_, err = e.svc.AddIncidentEvent(ctx, engineer, inc.ID, app.IncidentEventInput{At: hour(3), What: "later"})
		wantFields(t, err, "at")

		// Three days later nobody has notified: the deadline is overdue.
		e.clock = e.clock.Add(80 * time.Hour)
		d, _ = e.svc.Incident(ctx, viewer, inc.ID)
		if st := d.Deadlines[0].State(e.clock); st != isms.DeadlineOverdue {
			t.Errorf("state after 80 hours = %s, want overdue", st)
		}
		m, err := e.svc.IncidentMetrics(ctx, viewer)
		if err != nil || m.Open != 1 || m.Overdue != 1 || len(m.Pending) != 1 || m.Pending[0].Incident.ID != inc.ID {
			t.Errorf("metrics = %+v, %v", m, err)
		}
		due, err := e.svc.Incidents(ctx, viewer, store.IncidentFilter{NotificationDue: true})
		if err != nil || len(due) != 1 {
			t.Errorf("incidents with a notification due = %+v, %v", due, err)
		}
		// Closing needs the lessons and the notification.
		_, err = e.svc.UpdateIncident(ctx, engineer, inc.ID, app.IncidentInput{Status: ptr("closed"), Containment: ptr("Bucket policy reverted."),
			Eradication: ptr("Policy-as-code check added."), Recovery: ptr("Access logs reviewed; nothing else exposed.")})
		wantFields(t, err, "lessons_learned", "status")
		notified := e.clock.Add(-time.Hour)
		if _, err := e.svc.UpdateIncident(ctx, engineer, inc.ID, app.IncidentInput{SetAuthorityNotifiedAt: true, AuthorityNotifiedAt: &notified,
			AuthorityRef: ptr("ICO-2026-1234"), NotificationNotRequired: ptr("no risk")}); err == nil {
			t.Error("a notification together with a reason not to notify was accepted")
		} else {
			wantFields(t, err, "notification_not_required")
		}
		closed, err := e.svc.UpdateIncident(ctx, engineer, inc.ID, app.IncidentInput{Status: ptr("closed"), Containment: ptr("Bucket policy reverted."),
			Eradication: ptr("Policy-as-code check added."), Recovery: ptr("Access logs reviewed; nothing else exposed."),
			LessonsLearned: ptr("Bucket policies change only through the reviewed pipeline."), SetAuthorityNotifiedAt: true,
			AuthorityNotifiedAt: &notified, AuthorityRef: ptr("ICO-2026-1234")})
		if err != nil {
			t.Fatal(err)
		}
		if closed.ClosedAt == nil || closed.ContainedAt == nil {
			t.Errorf("closed = %+v", closed)
		}
		d, _ = e.svc.Incident(ctx, viewer, inc.ID)
		if st := d.Deadlines[0].State(e.clock); st != isms.DeadlineLate {
			t.Errorf("state once notified after the deadline = %s, want late", st)
		}
		if _, err := e.svc.UpdateIncident(ctx, manager, inc.ID, app.IncidentInput{Title: ptr("x")}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("changing a closed incident: err = %v, want conflict", err)
		}
		// The timeline stays open for what follows.
		if _, err := e.svc.AddIncidentEvent(ctx, engineer, inc.ID, app.IncidentEventInput{What: "The ICO closes its enquiry"}); err != nil {
			t.Errorf("a timeline entry after closure: %v", err)
		}
		m, _ = e.svc.IncidentMetrics(ctx, viewer)
		if m.Open != 0 || m.Closed != 1 || m.Notified != 1 || m.Late != 1 || m.Contained != 1 {
			t.Errorf("metrics after closure = %+v", m)
		}

		// An incident logged after the fact keeps when it was closed.
		past := app.IncidentInput{Title: ptr("Lost badge"), Category: ptr("physical"), Severity: ptr("low"), Status: ptr("closed"),
			DetectedAt: hour(-300), HandlerID: ptr(manager.Member.ID), Containment: ptr("Badge disabled."), Eradication: ptr("n/a"),
			Recovery: ptr("New badge issued."), LessonsLearned: ptr("None."), SetClosedAt: true, ClosedAt: hour(-400)}
		_, err = e.svc.ReportIncident(ctx, manager, past)
		wantFields(t, err, "closed_at")
		past.ClosedAt, past.ContainedAt, past.SetContainedAt = hour(-200), hour(-290), true
		if logged, err := e.svc.ReportIncident(ctx, manager, past); err != nil || !logged.ClosedAt.Equal(*hour(-200)) || !logged.ContainedAt.Equal(*hour(-290)) {
			t.Errorf("logged after the fact: %+v, %v", logged, err)
		}

		// The asset stays while an incident names it.
		if err := e.svc.DeleteAsset(ctx, manager, asset.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("deleting an affected asset: err = %v, want conflict", err)
		}
		rep, err := e.svc.VerifyLedger(ctx, manager)
		if err != nil || !rep.OK() {
			t.Errorf("ledger = %+v, %v", rep, err)
		}
	})
}

// TestAIActDeadlines checks the report deadline of art. 73 for each case,
// and that it applies only to a serious incident of a high-risk system.
func TestAIActDeadlines(t *testing.T) {
	aware := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		highRisk, serious bool
		c                 isms.AIActCase
		days              int
	}{
		{true, true, isms.AICaseGeneral, 15},
		{true, true, isms.AICaseWidespread, 2},
		{true, true, isms.AICaseDeath, 10},
		{true, true, "", 15},
		{false, true, isms.AICaseDeath, 0},
		{true, false, isms.AICaseDeath, 0},
	} {
		i := isms.Incident{AIHighRisk: tc.highRisk, AISerious: tc.serious, AICase: tc.c, AwareAt: &aware}
		d, ok := i.AIActDeadline()
		switch {
		case tc.days == 0 && ok:
			t.Errorf("%+v: a deadline applies", tc)
		case tc.days > 0 && (!ok || !d.Due.Equal(aware.AddDate(0, 0, tc.days))):
			t.Errorf("%+v: due %v, want %d days after awareness", tc, d.Due, tc.days)
		}
	}
}

// TestIncidentEvidenceAndFollowUp attaches evidence with its chain of
// custody, checks the hashes, and raises a nonconformity, a risk and a
// control change from the incident.
func TestIncidentEvidenceAndFollowUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		endpoint, err := e.svc.CreateAsset(ctx, manager, isms.Asset{Name: "Chat API", Type: isms.AssetInferenceEndpoint, OwnerID: manager.Member.ID})
		if err != nil {
			t.Fatal(err)
		}
		aware := e.clock.Add(-time.Hour)
		inc, err := e.svc.ReportIncident(ctx, manager, app.IncidentInput{Title: ptr("Injected instructions in a shared document"),
			Category: ptr("prompt_injection"), Severity: ptr("critical"), HandlerID: ptr(manager.Member.ID), Status: ptr("triaged"),
			SetAwareAt: true, AwareAt: &aware, AIHighRisk: ptr(true), AISerious: ptr(true), AICase: ptr("widespread"),
			AssetIDs: &[]string{endpoint.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if inc.AICase != isms.AICaseWidespread {
			t.Errorf("case = %q", inc.AICase)
		}

		file, err := e.svc.AddEvidence(ctx, manager, app.EvidenceInput{Kind: "file", Title: "Gateway logs", FileName: "gateway.log",
			Links: []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: "iso27001-2022:A.5.28"}}}, strings.NewReader("GET /v1/chat 200\n"))
		if err != nil {
			t.Fatal(err)
		}
		note, err := e.svc.AddEvidence(ctx, manager, app.EvidenceInput{Kind: "record", Title: "Interview notes", Body: "The user pasted the document.",
			Links: []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: "iso27001-2022:A.5.28"}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AttachIncidentEvidence(ctx, viewer, inc.ID, app.IncidentEvidenceInput{EvidenceID: file.ID}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer attaching evidence: err = %v, want forbidden", err)
		}
		_, err = e.svc.AttachIncidentEvidence(ctx, manager, inc.ID, app.IncidentEvidenceInput{EvidenceID: "nope"})
		wantFields(t, err, "evidence")
		item, err := e.svc.AttachIncidentEvidence(ctx, manager, inc.ID, app.IncidentEvidenceInput{EvidenceID: file.ID, Note: "Exported from the gateway"})
		if err != nil {
			t.Fatal(err)
		}
		if item.SHA256 != file.SHA256 || item.CollectedBy != "manager@acme.example" {
			t.Errorf("attached = %+v", item)
		}
		if _, err := e.svc.AttachIncidentEvidence(ctx, manager, inc.ID, app.IncidentEvidenceInput{EvidenceID: file.ID}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("attaching twice: err = %v, want conflict", err)
		}
		if _, err := e.svc.AttachIncidentEvidence(ctx, manager, inc.Ref(), app.IncidentEvidenceInput{EvidenceID: note.ID, CollectedBy: "Forensics Ltd"}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.RecordCustody(ctx, manager, inc.ID, item.ID, app.CustodyInput{})
		wantFields(t, err, "who", "note")
		if _, err := e.svc.RecordCustody(ctx, manager, inc.ID, "nope", app.CustodyInput{Who: "x", Note: "y"}); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("custody of an item of another incident: err = %v", err)
		}
		if _, err := e.svc.RecordCustody(ctx, manager, inc.ID, item.ID, app.CustodyInput{Who: "Forensics Ltd", Note: "Copy handed over for analysis"}); err != nil {
			t.Fatal(err)
		}
		d, err := e.svc.Incident(ctx, viewer, inc.ID)
		if err != nil || len(d.Evidence) != 2 || len(d.Evidence[0].Custody) != 1 || d.Evidence[0].StoredSHA256 != file.SHA256 {
			t.Fatalf("evidence = %+v, %v", d.Evidence, err)
		}
		checks, err := e.svc.VerifyIncidentEvidence(ctx, viewer, inc.ID)
		if err != nil || len(checks) != 2 || checks[0].State != "intact" || checks[1].State != "intact" {
			t.Errorf("checks = %+v, %v", checks, err)
		}
		// The written record edited later, and the stored file forged,
		// both show.
		if _, err := e.svc.UpdateEvidence(ctx, manager, note.ID, app.EvidenceInput{Title: "Interview notes", Body: "Rewritten.",
			Links: []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: "iso27001-2022:A.5.28"}}}); err != nil {
			t.Fatal(err)
		}
		path, _ := e.files.Path(file.SHA256)
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("forged"), 0o600); err != nil {
			t.Fatal(err)
		}
		checks, _ = e.svc.VerifyIncidentEvidence(ctx, viewer, inc.ID)
		if len(checks) != 2 || checks[0].State != "altered" || checks[1].State != "altered" {
			t.Errorf("checks after tampering = %+v", checks)
		}

		// What the incident raises, each linked to it.
		nc, err := e.svc.RaiseIncidentNonconformity(ctx, manager, inc.ID, app.NCInput{Requirement: ptr("iso27001-2022:A.8.28")})
		if err != nil {
			t.Fatal(err)
		}
		if nc.Source != isms.SourceIncident || !strings.HasPrefix(nc.Title, "INC-001: ") || !strings.Contains(nc.Description, "INC-001") {
			t.Errorf("nonconformity = %+v", nc)
		}
		if _, err := e.svc.RaiseIncidentRisk(ctx, viewer, inc.ID); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer raising a risk: err = %v", err)
		}
		risk, err := e.svc.RaiseIncidentRisk(ctx, manager, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if risk.ThreatRef != "owasp-llm-top10-2025:LLM01:2025" || len(risk.AssetIDs) != 1 || risk.OwnerID != manager.Member.ID {
			t.Errorf("risk = %+v", risk)
		}
		_, err = e.svc.ProposeControlChange(ctx, manager, inc.ID, app.ControlChangeInput{Control: "iso27001-2022:A.99"})
		wantFields(t, err, "control")
		task, err := e.svc.ProposeControlChange(ctx, manager, inc.ID, app.ControlChangeInput{Control: "iso27001-2022:A.8.16"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(task.Title, "Change after INC-001") || task.AssigneeID != manager.Member.ID {
			t.Errorf("task = %+v", task)
		}
		d, _ = e.svc.Incident(ctx, viewer, inc.ID)
		if len(d.Links) != 3 || d.Links[0].Ref != nc.Ref() || d.Links[1].Ref != "R-001" || d.Links[2].Control != "iso27001-2022:A.8.16" {
			t.Errorf("links = %+v", d.Links)
		}
		m, _ := e.svc.IncidentMetrics(ctx, viewer)
		if m.Nonconformities != 1 || m.Risks != 1 || m.ControlTasks != 1 || m.EvidenceItems != 2 || m.CustodyEvents != 1 ||
			m.AILast12Months != 1 || len(m.Pending) != 1 || m.Pending[0].Kind != isms.DeadlineAIAct {
			t.Errorf("metrics = %+v", m)
		}

		// The export holds the register.
		var buf bytes.Buffer
		if err := e.svc.ExportIncidentsCSV(ctx, viewer, store.IncidentFilter{AI: true}, &buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(rows) != 2 || rows[1][0] != "INC-001" || rows[1][21] == "" {
			t.Errorf("CSV = %q, %v", rows, err)
		}
		buf.Reset()
		if err := e.svc.ExportIncidentsXLSX(ctx, viewer, store.IncidentFilter{}, &buf); err != nil || buf.Len() == 0 {
			t.Errorf("XLSX: %d bytes, %v", buf.Len(), err)
		}
		rep, err := e.svc.VerifyLedger(ctx, manager)
		if err != nil || !rep.OK() {
			t.Errorf("ledger = %+v, %v", rep, err)
		}
	})
}
