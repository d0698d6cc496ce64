package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
)

func metricByKey(t *testing.T, views []app.MetricView, key string) app.MetricView {
	t.Helper()
	for _, v := range views {
		if v.Key == key {
			return v
		}
	}
	t.Fatalf("no metric %s", key)
	return app.MetricView{}
}

func value(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// TestMetrics computes the built-in metrics from the records, feeds a
// custom one, snapshots the built-in ones, and checks who may do what.
func TestMetrics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)

		views, err := e.svc.Metrics(ctx, viewer)
		if err != nil {
			t.Fatal(err)
		}
		if len(views) != 12 {
			t.Errorf("%d metrics, want the 12 built-in ones", len(views))
		}
		for key, want := range map[string]any{app.MetricControlsImplemented: nil, app.MetricAuditCoverage: nil,
			app.MetricRisksAboveAccept: 0.0, app.MetricNCsOpen: 0.0, app.MetricNCDaysToClose: nil, app.MetricVulnSLA: nil} {
			v := metricByKey(t, views, key)
			if got := value(v.Value()); got != want {
				t.Errorf("%s = %v, want %v", key, got, want)
			}
			if want == nil && (v.LiveNote == "" || v.Status() != app.MetricNotMeasured) {
				t.Errorf("%s not measured: note %q, status %s", key, v.LiveNote, v.Status())
			}
		}

		for ref, status := range map[string]string{"iso27001-2022:A.5.1": "implemented", "iso27001-2022:A.8.8": "planned"} {
			if _, err := e.svc.UpdateControl(ctx, manager, ref, app.ControlInput{Applicability: ptr("included"), Status: ptr(status)}); err != nil {
				t.Fatal(err)
			}
		}
		views, err = e.svc.Metrics(ctx, viewer)
		if err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]any{app.MetricControlsImplemented: 50.0, app.MetricOrgControls: 100.0, app.MetricTechControls: 0.0,
			app.MetricPeopleControls: nil, app.MetricEvidenceCurrent: 0.0} {
			if got := value(metricByKey(t, views, key).Value()); got != want {
				t.Errorf("%s = %v, want %v", key, got, want)
			}
		}
		if s := metricByKey(t, views, app.MetricOrgControls).Status(); s != app.MetricMet {
			t.Errorf("A.5 at 100%% against 90%%: %s", s)
		}
		if s := metricByKey(t, views, app.MetricControlsImplemented).Status(); s != app.MetricNotMet {
			t.Errorf("50%% against 90%%: %s", s)
		}

		// A custom metric.
		training := app.MetricInput{Key: "ai-training", Name: ptr("Staff trained in AI security"), Unit: ptr("%"), Direction: ptr("higher"),
			Target: ptr(100.0), SetTarget: true}
		if _, err := e.svc.CreateMetric(ctx, viewer, training); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer making a metric: %v", err)
		}
		for _, tc := range []struct {
			name   string
			in     app.MetricInput
			fields []string
		}{
			{"built-in key", app.MetricInput{Key: app.MetricVulnSLA, Name: ptr("x")}, []string{"key"}},
			{"bad key", app.MetricInput{Key: "AI Training", Name: ptr("x")}, []string{"key"}},
			{"no name, bad direction", app.MetricInput{Key: "x-1", Direction: ptr("up")}, []string{"name", "direction"}},
			{"target off the scale", app.MetricInput{Key: "x-1", Name: ptr("x"), Unit: ptr("%"), Target: ptr(150.0), SetTarget: true}, []string{"target"}},
		} {
			_, err := e.svc.CreateMetric(ctx, manager, tc.in)
			wantFields(t, err, tc.fields...)
		}
		if _, err := e.svc.CreateMetric(ctx, manager, training); err != nil {
			t.Fatal(err)
		}
		var conflict *isms.ConflictError
		if _, err := e.svc.CreateMetric(ctx, manager, training); !errors.As(err, &conflict) {
			t.Errorf("the same key twice: %v", err)
		}

		record := func(a app.Access, key string, v float64, at time.Time) error {
			_, err := e.svc.RecordMeasurement(ctx, a, key, app.MeasurementInput{Value: v, At: at, Source: isms.MeasuredAPI})
			return err
		}
		if err := record(viewer, "ai-training", 40, time.Time{}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer recording: %v", err)
		}
		wantFields(t, record(manager, "ai-training", 140, time.Time{}), "value")
		wantFields(t, record(manager, "ai-training", 40, e.clock.Add(time.Hour)), "at")
		if err := record(manager, app.MetricVulnSLA, 40, time.Time{}); !errors.As(err, &conflict) {
			t.Errorf("recording a built-in metric by hand: %v", err)
		}
		if err := record(manager, "no-such-metric", 40, time.Time{}); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("recording an unknown metric: %v", err)
		}
		for _, m := range []struct {
			v  float64
			at time.Time
		}{{40, e.clock.AddDate(0, -1, 0)}, {55, e.clock.Add(-time.Hour)}, {62.5, time.Time{}}} {
			if err := record(manager, "ai-training", m.v, m.at); err != nil {
				t.Fatal(err)
			}
		}
		v, err := e.svc.Metric(ctx, viewer, "ai-training", 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.History) != 2 || v.History[0].Value != 40 || v.History[1].Value != 62.5 || value(v.Value()) != 62.5 {
			t.Errorf("history %+v: want 40 then 62.5, the day's second value replacing its first", v.History)
		}

		// Snapshots give the built-in metrics a history, one a day.
		if _, err := e.svc.SnapshotMetrics(ctx, viewer); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer snapshotting: %v", err)
		}
		for range 2 {
			got, err := e.svc.SnapshotMetrics(ctx, manager)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 7 {
				t.Errorf("snapshot recorded %d values, want the 7 measurable ones", len(got))
			}
		}
		e.clock = e.clock.AddDate(0, 0, 1)
		if _, err := e.svc.SnapshotMetrics(ctx, manager); err != nil {
			t.Fatal(err)
		}
		v, err = e.svc.Metric(ctx, viewer, app.MetricControlsImplemented, 12)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.History) != 2 || v.History[0].Source != isms.MeasuredSnapshot || v.History[1].Value != 50 {
			t.Errorf("snapshots of controls implemented: %+v", v.History)
		}

		// A built-in metric takes the organisation's target, nothing else.
		if _, err := e.svc.UpdateMetric(ctx, manager, app.MetricControlsImplemented, app.MetricInput{Target: ptr(45.0), SetTarget: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UpdateMetric(ctx, manager, app.MetricControlsImplemented, app.MetricInput{Name: ptr("Mine")}); !errors.As(err, &conflict) {
			t.Errorf("renaming a built-in metric: %v", err)
		}
		if _, err := e.svc.UpdateMetric(ctx, viewer, "ai-training", app.MetricInput{Target: ptr(90.0), SetTarget: true}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer changing a target: %v", err)
		}
		v, err = e.svc.Metric(ctx, viewer, app.MetricControlsImplemented, 12)
		if err != nil || v.Status() != app.MetricMet || v.Name != "SoA controls implemented" {
			t.Errorf("after lowering the target to 45: %+v, %v", v, err)
		}
		if _, err := e.svc.Metric(ctx, viewer, "nope", 12); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("an unknown metric: %v", err)
		}
		if r, err := e.svc.VerifyLedger(ctx, viewer); err != nil || !r.OK() {
			t.Errorf("ledger: %+v, %v", r, err)
		}
	})
}

// TestObjectives sets objectives, with their status derived from linked
// metrics where it can be and the owner's where it cannot.
func TestObjectives(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		engineer := e.member(t, "engineer@acme.example", isms.RoleContributor)
		other := e.member(t, "other@acme.example", isms.RoleContributor)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		due := e.clock.AddDate(0, 6, 0)

		if _, err := e.svc.CreateMetric(ctx, manager, app.MetricInput{Key: "ai-training", Name: ptr("Staff trained"), Unit: ptr("%"),
			Target: ptr(100.0), SetTarget: true}); err != nil {
			t.Fatal(err)
		}
		in := app.ObjectiveInput{Title: ptr("Every engineer trained in AI security"), Target: ptr("100% of staff by the due date"),
			OwnerID: ptr(engineer.Member.ID), DueDate: &due, MeasuredHow: ptr("LMS completion export, monthly"),
			Metrics: &[]string{"ai-training"}}
		if _, err := e.svc.CreateObjective(ctx, viewer, in); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer setting an objective: %v", err)
		}
		if _, err := e.svc.CreateObjective(ctx, engineer, in); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor setting an objective: %v", err)
		}
		_, err := e.svc.CreateObjective(ctx, manager, app.ObjectiveInput{Title: ptr("x"), Metrics: &[]string{"nope"}, Status: ptr("great")})
		wantFields(t, err, "metrics")
		_, err = e.svc.CreateObjective(ctx, manager, app.ObjectiveInput{Title: ptr("x"), Status: ptr("great"), OwnerID: ptr("nobody")})
		wantFields(t, err, "owner")
		_, err = e.svc.CreateObjective(ctx, manager, app.ObjectiveInput{Title: ptr("x"), Status: ptr("great")})
		wantFields(t, err, "target", "due_date", "status")

		o, err := e.svc.CreateObjective(ctx, manager, in)
		if err != nil {
			t.Fatal(err)
		}
		if o.Ref() != "OBJ-001" {
			t.Errorf("ref %s", o.Ref())
		}
		// Not measured yet: the owner's judgement stands.
		d, err := e.svc.Objective(ctx, viewer, "obj-1")
		if err != nil || d.Derived || d.Current != isms.ObjectiveOnTrack || len(d.Metrics) != 1 {
			t.Fatalf("unmeasured objective: %+v, %v", d, err)
		}
		if _, err := e.svc.UpdateObjective(ctx, other, o.ID, app.ObjectiveInput{Status: ptr("at_risk")}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("another contributor reporting on it: %v", err)
		}
		if _, err := e.svc.UpdateObjective(ctx, engineer, o.ID, app.ObjectiveInput{OwnerID: ptr(other.Member.ID)}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("the owner handing it on: %v", err)
		}
		if _, err := e.svc.UpdateObjective(ctx, engineer, "OBJ-001", app.ObjectiveInput{Status: ptr("at_risk")}); err != nil {
			t.Fatal(err)
		}
		if d, _ = e.svc.Objective(ctx, viewer, o.ID); d.Current != isms.ObjectiveAtRisk || d.Derived {
			t.Errorf("owner's status: %+v", d)
		}

		// Measured: the metrics decide.
		for i, v := range []float64{60, 75} {
			if _, err := e.svc.RecordMeasurement(ctx, manager, "ai-training", app.MeasurementInput{Value: v,
				At: e.clock.AddDate(0, 0, i-2), Source: isms.MeasuredManual}); err != nil {
				t.Fatal(err)
			}
		}
		if d, _ = e.svc.Objective(ctx, viewer, o.ID); d.Current != isms.ObjectiveOnTrack || !d.Derived {
			t.Errorf("improving towards the target: %s (derived %v)", d.Current, d.Derived)
		}
		if _, err := e.svc.RecordMeasurement(ctx, manager, "ai-training", app.MeasurementInput{Value: 100, Source: isms.MeasuredManual}); err != nil {
			t.Fatal(err)
		}
		list, err := e.svc.Objectives(ctx, viewer)
		if err != nil || len(list) != 1 || list[0].Current != isms.ObjectiveAchieved {
			t.Errorf("at the target: %+v, %v", list, err)
		}

		// Relinking to a built-in metric makes its row.
		if _, err := e.svc.UpdateObjective(ctx, manager, o.ID, app.ObjectiveInput{Metrics: &[]string{app.MetricVulnSLA}}); err != nil {
			t.Fatal(err)
		}
		if d, _ = e.svc.Objective(ctx, viewer, o.ID); len(d.Metrics) != 1 || d.Metrics[0].Key != app.MetricVulnSLA || d.Metrics[0].ID == "" {
			t.Errorf("relinked: %+v", d.Metrics)
		}
		if err := e.svc.DeleteObjective(ctx, engineer, o.ID); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a contributor deleting: %v", err)
		}
		if err := e.svc.DeleteObjective(ctx, manager, o.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Objective(ctx, viewer, o.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("deleted objective: %v", err)
		}
		if r, err := e.svc.VerifyLedger(ctx, viewer); err != nil || !r.OK() {
			t.Errorf("ledger: %+v, %v", r, err)
		}
	})
}
