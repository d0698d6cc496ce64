package web

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/ledger"
)

type ledgerPage struct {
	Page
	Entries []entryView
	Next    string
	Filter  app.HistoryFilter
	Types   []string
}

var recordTypes = []string{"organization", "member", "api_token", "framework_import", "org_framework", "org_settings",
	"isms_context", "asset", "asset_relation", "risk_methodology", "risk", "risk_asset", "risk_control", "risk_action", "risk_decision",
	"control", "control_reason", "control_task", "evidence", "evidence_link", "evidence_request", "soa_version",
	"scan", "vulnerability_sla", "obligation", "obligation_asset", "obligation_control",
	"supplier", "supplier_asset", "supplier_certification", "supplier_assessment", "nonconformity", "corrective_action",
	"document", "document_version", "document_approval", "document_ack",
	"business_impact_analysis", "continuity_plan", "continuity_test",
	"incident", "incident_asset", "incident_event", "incident_evidence", "incident_custody", "incident_link",
	"objective", "metric", "metric_measurement",
	"person", "isms_role", "training_course", "training_record", "checklist", "checklist_item", "access_review", "access_review_account",
	"audit_programme", "audit", "audit_item",
	"management_review", "review_action", "certification_cycle", "external_audit", "self_assessment"}

func (u *UI) ledgerPage(q *request) error {
	query := q.r.URL.Query()
	f := app.HistoryFilter{RecordType: query.Get("record_type"), Action: query.Get("action"), Actor: query.Get("actor"),
		RecordID: query.Get("record_id"), Cursor: query.Get("cursor")}
	entries, next, err := u.svc.History(q.r.Context(), q.access, f)
	if err != nil {
		return err
	}
	return u.render(q, http.StatusOK, "ledger", &ledgerPage{
		Page:    Page{Title: "Change ledger", Section: "ledger"},
		Entries: u.entryViews(q, entries), Next: next, Filter: f, Types: recordTypes,
	})
}

type verifyPage struct {
	Page
	Report ledger.Report
}

func (u *UI) verifyPage(q *request) error {
	report, err := u.svc.VerifyLedger(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	return u.render(q, http.StatusOK, "verify", &verifyPage{Page: Page{Title: "Ledger verification", Section: "ledger"}, Report: report})
}

func (u *UI) exportLedger(q *request) error {
	q.w.Header().Set("Content-Type", "application/jsonl")
	q.w.Header().Set("Content-Disposition", `attachment; filename="ledger-`+q.access.Org.Slug+`.jsonl"`)
	enc := json.NewEncoder(q.w)
	return u.svc.ExportLedger(q.r.Context(), q.access, func(e ledger.Entry) error { return enc.Encode(e) })
}

type historyPage struct {
	Page
	RecordType string
	RecordID   string
	Entries    []entryView
}

func (u *UI) historyPage(q *request) error {
	typ, id := q.r.PathValue("type"), q.r.PathValue("id")
	entries, err := u.recordHistory(q, typ, id)
	if err != nil {
		return err
	}
	return u.render(q, http.StatusOK, "history", &historyPage{
		Page:       Page{Title: "History of " + strings.ReplaceAll(typ, "_", " "), Section: "ledger"},
		RecordType: typ, RecordID: id, Entries: entries,
	})
}

// recordHistory returns a record's entries, newest first, each with the
// fields it changed.
func (u *UI) recordHistory(q *request, typ, id string) ([]entryView, error) {
	entries, _, err := u.svc.History(q.r.Context(), q.access, app.HistoryFilter{RecordType: typ, RecordID: id, Limit: 200})
	if err != nil {
		return nil, err
	}
	views := u.entryViews(q, entries)
	for i := range views {
		var prev json.RawMessage
		if i+1 < len(views) {
			prev = views[i+1].Content
		}
		views[i].Changes = diff(prev, views[i].Content)
	}
	return views, nil
}

// change is one field's value before and after an entry.
type change struct {
	Field, Old, New string
	// Digest marks a secret's fingerprint: that it changed is shown, the
	// value is not worth reading.
	Digest bool
}

// diff lists the fields whose values differ between two record contents.
// A creation lists the record's own fields, without the bookkeeping ones
// every record has.
func diff(before, after json.RawMessage) []change {
	var a, b map[string]json.RawMessage
	_ = json.Unmarshal(before, &a)
	_ = json.Unmarshal(after, &b)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	creation := a == nil
	var out []change
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if k == "updated_at" || bytes.Equal(a[k], b[k]) {
			continue
		}
		if creation && (k == "id" || k == "org_id" || k == "created_at" || string(b[k]) == "null") {
			continue
		}
		c := change{Field: k, Old: display(a[k]), New: display(b[k])}
		c.Digest = strings.HasPrefix(c.New, "sha256:") || strings.HasPrefix(c.Old, "sha256:")
		out = append(out, c)
	}
	return out
}

// display renders a JSON value for a person: "" when absent, — when null.
func display(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	if string(raw) == "null" {
		return "—"
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
