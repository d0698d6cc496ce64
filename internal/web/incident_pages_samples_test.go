package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// incidentPageSamples are the register's pages for TestEveryTemplateRenders,
// filled and empty, the overview with the register's card, and a control
// page with the register's figures.
func incidentPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	aware, notified := now.Add(-80*time.Hour), now.Add(-2*time.Hour)
	inc := isms.Incident{ID: "i1", RefNum: 1, Title: "Injected instructions", Description: "Found <b>late</b>.",
		Category: isms.IncidentPromptInjection, Severity: isms.IncidentCritical, Status: isms.IncidentContained, DetectedAt: aware,
		AwareAt: &aware, OccurredAt: &aware, Reporter: "Globex", RaisedBy: "m2", HandlerID: "m1", AssetIDs: []string{"a1"}, PersonalData: true,
		DataSubjects: 40, AIHighRisk: true, AISerious: true, AICase: isms.AICaseDeath, Containment: "Tools off.", ContainedAt: &now,
		CreatedAt: now, UpdatedAt: now}
	closed := inc
	closed.ID, closed.RefNum, closed.Status, closed.ClosedAt, closed.LessonsLearned = "i2", 2, isms.IncidentClosed, &now, "Review."
	closed.AuthorityNotifiedAt, closed.AuthorityRef, closed.AIReportedAt = &notified, "ICO-1", &notified
	waived := inc
	waived.NotificationNotRequired, waived.AIHighRisk = "Encrypted; key safe.", false
	deadlines := deadlineViews(inc.Deadlines(), now)
	metrics := app.IncidentMetrics{Open: 2, OpenBySeverity: map[isms.IncidentSeverity]int{isms.IncidentCritical: 1, isms.IncidentLow: 1},
		Last12Months: 3, AILast12Months: 2, Pending: []app.PendingDeadline{{Deadline: inc.Deadlines()[0], Incident: inc}}, Overdue: 1,
		Notified: 2, Late: 1, Contained: 2, MeanHoursToContain: 5.5, Closed: 1, MeanDaysToClose: 3.2,
		IncidentCounts: store.IncidentCounts{Nonconformities: 1, Risks: 1, ControlTasks: 1, EvidenceItems: 2, CustodyEvents: 3}}
	view := &incidentMetricsView{IncidentMetrics: metrics, Open: []severityCount{{isms.IncidentCritical, 1}, {isms.IncidentLow, 1}},
		Pending: []pendingView{{PendingDeadline: metrics.Pending[0], Link: "/i1", Countdown: "8 hours 0 minutes late", Overdue: true}},
		Contain: "5.5 hours", Close: "3.2 days", Register: "/r", DueLink: "/d", ReportLink: "/n", AIRegister: "/ai", ClosedLink: "/c",
		ExportXLSX: "/x", CanReport: true, Lessons: 1}
	item := store.IncidentEvidenceItem{IncidentEvidence: isms.IncidentEvidence{ID: "ie1", EvidenceID: "e1", SHA256: "ab12", CollectedBy: "Priya",
		CollectedAt: aware, Note: "From the gateway"}, Title: "Gateway logs", Kind: isms.EvidenceFile, StoredSHA256: "ab12",
		Custody: []isms.CustodyEvent{{ID: "c1", At: now, Who: "Forensics Ltd", Note: "Analysis"}}}
	link := store.IncidentEvidenceItem{IncidentEvidence: isms.IncidentEvidence{ID: "ie2", EvidenceID: "e2", CollectedBy: "Sam", CollectedAt: aware},
		Title: "Ticket", Kind: isms.EvidenceLink}
	check := app.EvidenceCheck{ItemID: "ie1", State: "altered", Detail: "forged"}
	owners := []isms.Member{{ID: "m1", Name: "Priya", Role: isms.RoleISMSManager}}
	detail := app.IncidentDetail{Incident: inc, Deadlines: inc.Deadlines(), Members: map[string]string{"m1": "Priya"},
		Events:   []isms.IncidentEvent{{ID: "v1", At: aware, What: "Customer reports", Who: "Support", RecordedBy: "m1"}},
		Evidence: []store.IncidentEvidenceItem{item, link}, Assets: []store.AssetLabel{{ID: "a1", Name: "Chat API"}},
		Links: []store.IncidentLinkView{{IncidentLink: isms.IncidentLink{Kind: isms.LinkNonconformity}, Ref: "NC-001", Title: "x", Done: true}}}
	form := formFromIncident(inc)
	return map[string][]basePage{
		"incidents": {
			&incidentsPage{Page: frame("Incidents"), Query: incidentQuery{Status: "open", Category: "ai", PersonalData: true, Due: true, Filtered: true},
				Metrics: metrics, Categories: isms.IncidentCategories, Severities: isms.IncidentSeverities, Statuses: isms.IncidentStatuses,
				CanReport: true, Next: "/n", First: "/f", ExportCSV: "/e.csv", ExportXLSX: "/e.xlsx",
				Rows: []incidentRow{{IncidentRow: app.IncidentRow{Incident: inc, Deadlines: inc.Deadlines()}, Link: "/i1", Handler: "Priya", Next: &deadlines[0]},
					{IncidentRow: app.IncidentRow{Incident: closed, Deadlines: closed.Deadlines()}, Link: "/i2"}}},
			&incidentsPage{Page: frame("Incidents"), Query: incidentQuery{Status: "x"}, Problems: []isms.FieldError{{Field: "status", Detail: "bad"}}},
		},
		"incident_form": {
			&incidentFormPage{Page: frame("Report"), Form: incidentForm{Category: "phishing", Severity: "low", AssetIDs: []string{"a1"}},
				Errors: map[string]string{"title": "is required", "handler_id": "bad", "aware_at": "required"}, Categories: isms.IncidentCategories,
				Severities: isms.IncidentSeverities, Statuses: isms.IncidentStatuses, AICases: isms.AIActCases, Handlers: owners,
				Assets: []store.AssetLabel{{ID: "a1", Name: "Chat API", Type: isms.AssetInferenceEndpoint}}, MoreAssets: true, Manager: true},
			&incidentFormPage{Page: frame("Change"), Form: form, Incident: &inc, Handlers: owners, Self: "m1"},
		},
		"incident": {
			&incidentPage{Page: frame("INC-001"), Incident: detail, Deadlines: deadlines, Handler: "Priya", RaisedBy: "Sam",
				Assets:   []incidentAssetLink{{Name: "Chat API", Link: "/a1"}},
				Events:   []incidentEventView{{IncidentEvent: detail.Events[0], RecordedBy: "Priya"}},
				Evidence: []incidentEvidenceView{{IncidentEvidenceItem: item, Link: "/e1", FileLink: "/e1/file", RecordedBy: "Priya", Holder: "Forensics Ltd", Check: &check}, {IncidentEvidenceItem: link, Link: "/e2"}},
				Raised:   []incidentLinkView{{IncidentLinkView: detail.Links[0], Link: "/n1", KindLabel: "Nonconformity"}},
				Response: form, Statuses: isms.IncidentStatuses, AICases: isms.AIActCases, Handlers: owners,
				Choices:  []isms.Evidence{{ID: "e3", Title: "Notes", Kind: isms.EvidenceRecord, CreatedAt: now}},
				Controls: []requirementOption{{Ref: "iso27001-2022:A.8.16", Label: "A.8.16 Monitoring activities"}},
				MayEdit:  true, Manager: true, Now: "2026-11-29T09:30", Register: "/r", EditLink: "/edit", CheckLink: "/check", UploadLink: "/up",
				incidentState: incidentState{Form: &form, Errors: map[string]string{"authority_ref": "bad", "containment": "bad"}, FormSection: "response",
					EventErrors: map[string]string{"what": "required"}, EvidenceErrs: map[string]string{"evidence": "required"}, CustodyItem: "ie1",
					CustodyErrors: map[string]string{"who": "required"}, ChangeErrors: map[string]string{"control": "bad"}, Refusal: "No.", Checked: true}},
			&incidentPage{Page: frame("INC-002"), Incident: app.IncidentDetail{Incident: closed, Deadlines: closed.Deadlines()},
				Deadlines: deadlineViews(closed.Deadlines(), now)},
			&incidentPage{Page: frame("INC-003"), Incident: app.IncidentDetail{Incident: waived, Deadlines: waived.Deadlines()},
				Deadlines: deadlineViews(waived.Deadlines(), now), MayEdit: true},
		},
		"overview": {&overviewPage{Page: frame("Helix"), Incidents: view}},
		"control":  {&controlPage{Page: frame("A.5.24"), Cite: "A.5.24", Freshness: freshnessNone, Incidents: view}},
	}
}
