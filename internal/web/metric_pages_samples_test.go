package web

import (
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// metricPageSamples are the pages of objectives and metrics for
// TestEveryTemplateRenders, filled and empty, and the overview with the
// metrics card.
func metricPageSamples(frame func(string) Page) map[string][]basePage {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	due := now.AddDate(0, 4, 0)
	ninety, five := 90.0, 5.0
	history := []isms.Measurement{
		{ID: "x1", MetricID: "mt1", Value: 61, MeasuredAt: now.AddDate(0, -2, 0), Source: isms.MeasuredSnapshot, RecordedBy: "m1"},
		{ID: "x2", MetricID: "mt1", Value: 78.5, MeasuredAt: now, Source: isms.MeasuredSnapshot, Note: "after the review"},
	}
	soa := app.MetricView{Metric: isms.Metric{ID: "mt1", Key: "controls-implemented", Name: "SoA controls implemented", Unit: "%",
		Direction: isms.HigherIsBetter, Target: &ninety, Source: isms.MetricBuiltin, Description: "Share implemented."}, History: history,
		Live: &history[1].Value}
	audit := app.MetricView{Metric: isms.Metric{Key: "audit-programme-coverage", Name: "Audit programme coverage", Unit: "%",
		Direction: isms.HigherIsBetter, Source: isms.MetricBuiltin}, LiveNote: "Not measured yet."}
	custom := app.MetricView{Metric: isms.Metric{ID: "mt2", Key: "phishing-clicks", Name: "Phishing clicks", Unit: "%",
		Direction: isms.LowerIsBetter, Target: &five, Source: isms.MetricManual}, History: history[:1]}
	cards := func(vs ...app.MetricView) []metricCard {
		var out []metricCard
		for _, v := range vs {
			out = append(out, metricCard{MetricView: v, Link: "/m/" + v.Key, Chart: newTrendChart(v)})
		}
		return out
	}
	obj := app.ObjectiveView{Objective: isms.Objective{ID: "o1", RefNum: 1, Title: "SoA controls implemented", Description: "Most of Annex A.",
		OwnerID: "m1", Target: "≥ 90% implemented", DueDate: &due, MeasuredHow: "The built-in metric.", Status: isms.ObjectiveOnTrack},
		Metrics: []app.MetricView{soa, audit}, Current: isms.ObjectiveAtRisk, Derived: true}
	manual := app.ObjectiveView{Objective: isms.Objective{ID: "o2", RefNum: 2, Title: "Train everyone", OwnerID: "m1", Target: "All staff",
		DueDate: &due, Status: isms.ObjectiveMissed}, Current: isms.ObjectiveMissed}
	owners := []isms.Member{{ID: "m1", Name: "Priya", Role: isms.RoleISMSManager}}
	return map[string][]basePage{
		"metrics": {
			&metricsPage{Page: frame("Objectives and metrics"), Manager: true, Builtin: cards(soa, audit), Custom: cards(custom),
				Objectives: []objectiveRow{{ObjectiveView: obj, Link: "/o1", Owner: "Priya"}, {ObjectiveView: manual, Link: "/o2"}}},
			&metricsPage{Page: frame("Objectives and metrics")},
		},
		"metric": {
			&metricPage{Page: frame("SoA"), Metric: cards(soa)[0], History: history, Recorders: map[string]string{"m1": "Priya"}, Manager: true,
				Objectives: []objectiveRow{{ObjectiveView: obj, Link: "/o1"}}, Form: metricForm{Target: "90"}, Errors: map[string]string{"target": "bad"},
				Today: "2026-11-29"},
			&metricPage{Page: frame("Phishing"), Metric: cards(custom)[0], Manager: true, Measure: measurementForm{Value: "x", At: "2026-11-29"},
				MeasureErr: map[string]string{"value": "is not a number", "at": "in the future"}, Form: metricForm{Direction: "lower"}},
			&metricPage{Page: frame("Audit"), Metric: cards(audit)[0], MeasureErr: map[string]string{"value": "built in"}},
		},
		"metric_form": {
			&metricFormPage{Page: frame("New metric"), Form: metricForm{Key: "AI", Direction: "higher"}, Errors: map[string]string{"key": "bad", "name": "required"}},
			&metricFormPage{Page: frame("New metric")},
		},
		"objective": {
			&objectivePage{Page: frame("OBJ-001"), Objective: obj, Owner: "Priya", Metrics: cards(soa, audit), MayEdit: true, Manager: true},
			&objectivePage{Page: frame("OBJ-002"), Objective: manual},
		},
		"objective_form": {
			&objectiveFormPage{Page: frame("Set an objective"), Form: objectiveForm{OwnerID: "m1", Status: "on_track", Metrics: []string{"controls-implemented"}},
				Errors: map[string]string{"target": "required", "metrics": "bad"}, Owners: owners, Metrics: []app.MetricView{soa, custom},
				Statuses: isms.ObjectiveStatuses, Manager: true},
			&objectiveFormPage{Page: frame("Change OBJ-001"), Ref: "OBJ-001", Statuses: isms.ObjectiveStatuses},
		},
		"overview": {
			&overviewPage{Page: frame("Helix"), Metrics: &metricsSummary{Metrics: cards(soa, audit, custom), Link: "/m", Objectives: 2, AtRisk: 1}},
		},
	}
}
