package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// builtinMetric is a metric isms computes from the records. Its
// definition lives here rather than in the database, so that every
// organisation gets the same ones and a better computation reaches them
// all; the organisation's row only keeps its own target.
type builtinMetric struct {
	key, name, description, unit string
	direction                    isms.Direction
	target                       *float64
}

func metricTarget(v float64) *float64 { return &v }

// The keys of the built-in metrics.
const (
	MetricControlsImplemented = "controls-implemented"
	MetricOrgControls         = "controls-implemented-a5"
	MetricPeopleControls      = "controls-implemented-a6"
	MetricPhysicalControls    = "controls-implemented-a7"
	MetricTechControls        = "controls-implemented-a8"
	MetricEvidenceCurrent     = "evidence-current"
	MetricRisksAboveAccept    = "risks-above-acceptance"
	MetricOverdueActions      = "treatment-actions-overdue"
	MetricNCsOpen             = "nonconformities-open"
	MetricNCDaysToClose       = "nonconformity-days-to-close"
	MetricVulnSLA             = "vulnerability-sla-compliance"
	MetricAuditCoverage       = "audit-programme-coverage"
)

var builtinMetrics = []builtinMetric{
	{MetricControlsImplemented, "SoA controls implemented",
		"Share of the controls included in the ISO/IEC 27001:2022 Statement of Applicability whose implementation status is implemented.",
		"%", isms.HigherIsBetter, metricTarget(90)},
	{MetricOrgControls, "Organizational controls implemented (A.5)",
		"Share of the included Annex A 5 controls whose implementation status is implemented.", "%", isms.HigherIsBetter, metricTarget(90)},
	{MetricPeopleControls, "People controls implemented (A.6)",
		"Share of the included Annex A 6 controls whose implementation status is implemented.", "%", isms.HigherIsBetter, metricTarget(90)},
	{MetricPhysicalControls, "Physical controls implemented (A.7)",
		"Share of the included Annex A 7 controls whose implementation status is implemented.", "%", isms.HigherIsBetter, metricTarget(90)},
	{MetricTechControls, "Technological controls implemented (A.8)",
		"Share of the included Annex A 8 controls whose implementation status is implemented.", "%", isms.HigherIsBetter, metricTarget(90)},
	{MetricEvidenceCurrent, "Controls with current evidence",
		"Share of the included ISO/IEC 27001:2022 controls with at least one piece of evidence that is not stale for its cadence. " +
			"A control without evidence counts against it.", "%", isms.HigherIsBetter, metricTarget(95)},
	{MetricRisksAboveAccept, "Risks above the acceptance level",
		"Risks whose current level (residual once rated, inherent until then) is one the risk methodology lets nobody accept.",
		"risks", isms.LowerIsBetter, metricTarget(0)},
	{MetricOverdueActions, "Treatment actions overdue",
		"Open actions of risk treatment plans past their due date.", "actions", isms.LowerIsBetter, metricTarget(0)},
	{MetricNCsOpen, "Nonconformities open",
		"Records of the nonconformity register, nonconformities and improvements, not yet verified effective and closed.",
		"records", isms.LowerIsBetter, nil},
	{MetricNCDaysToClose, "Mean days to close a nonconformity",
		"Mean time from raising a record of the nonconformity register to closing it, over every record closed so far.",
		"days", isms.LowerIsBetter, metricTarget(60)},
	{MetricVulnSLA, "Vulnerability deadlines met",
		"Share of vulnerability findings with a remediation deadline that were fixed in time, of those fixed or overdue.",
		"%", isms.HigherIsBetter, metricTarget(95)},
	{MetricAuditCoverage, "Audit programme coverage",
		"Share of the processes and controls in the internal audit programme's scope that were audited as planned this cycle.",
		"%", isms.HigherIsBetter, metricTarget(100)},
}

func builtinByKey(key string) (builtinMetric, bool) {
	i := slices.IndexFunc(builtinMetrics, func(b builtinMetric) bool { return b.key == key })
	if i < 0 {
		return builtinMetric{}, false
	}
	return builtinMetrics[i], true
}

func (b builtinMetric) metric(orgID string) isms.Metric {
	return isms.Metric{OrgID: orgID, Key: b.key, Name: b.name, Description: b.description, Unit: b.unit, Direction: b.direction,
		Target: b.target, Source: isms.MetricBuiltin}
}

// chartLength is how many measurements a trend chart shows.
const chartLength = 12

// MetricView is a metric with what is known of its values.
type MetricView struct {
	isms.Metric
	// History is the latest recorded measurements, oldest first.
	History []isms.Measurement
	// Live is a built-in metric's value computed now; nil when it cannot
	// be measured, and LiveNote says why.
	Live     *float64
	LiveNote string
}

// Value is the metric's current value: a built-in metric's live one, a
// custom metric's last measurement; nil when there is none.
func (v MetricView) Value() *float64 {
	if v.Builtin() {
		return v.Live
	}
	if len(v.History) == 0 {
		return nil
	}
	x := v.History[len(v.History)-1].Value
	return &x
}

// Latest is the last recorded measurement, or nil.
func (v MetricView) Latest() *isms.Measurement {
	if len(v.History) == 0 {
		return nil
	}
	return &v.History[len(v.History)-1]
}

// MetricStatus says how a metric's value stands against its target.
type MetricStatus string

// The statuses.
const (
	MetricMet         MetricStatus = "met"
	MetricNotMet      MetricStatus = "not_met"
	MetricNoTarget    MetricStatus = "no_target"
	MetricNotMeasured MetricStatus = "not_measured"
)

// Status compares the current value with the target.
func (v MetricView) Status() MetricStatus {
	x := v.Value()
	switch {
	case x == nil:
		return MetricNotMeasured
	case v.Target == nil:
		return MetricNoTarget
	case v.Meets(*x):
		return MetricMet
	}
	return MetricNotMet
}

// reading is what an objective's status is judged from: the current
// value and the one recorded before it.
func (v MetricView) reading(now time.Time) isms.Reading {
	r := isms.Reading{Metric: v.Metric, Latest: v.Value()}
	if r.Latest == nil {
		return r
	}
	today := now.UTC().Format(time.DateOnly)
	// A built-in metric's live value stands for today, so the previous
	// value is the last one recorded on an earlier day; a custom metric's
	// current value is its last measurement, so the one before it.
	for i := len(v.History) - 1; i >= 0; i-- {
		m := v.History[i]
		if v.Builtin() && m.Day() == today || !v.Builtin() && i == len(v.History)-1 {
			continue
		}
		x := m.Value
		r.Previous = &x
		break
	}
	return r
}

// liveValue is a built-in metric's value now, or why there is none.
type liveValue struct {
	value *float64
	note  string
}

func measured(x float64) liveValue {
	x = math.Round(x*10) / 10
	return liveValue{value: &x}
}

func percent(n, of int) float64 { return 100 * float64(n) / float64(of) }

// liveMetrics computes every built-in metric from the records as they are.
func (s *Service) liveMetrics(ctx context.Context, a Access) (map[string]liveValue, error) {
	out := map[string]liveValue{}
	if err := s.liveControlMetrics(ctx, a, out); err != nil {
		return nil, err
	}
	now := s.now()
	ranks, err := s.db.RiskRanks(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	cache, above := s.methodologyCache(a.Org.ID), 0
	for _, k := range ranks {
		mv, err := cache.get(ctx, s.db, k.MethodologyID)
		if err != nil {
			return nil, err
		}
		if !mv.Methodology.Level(k.Rank).Acceptable {
			above++
		}
	}
	out[MetricRisksAboveAccept] = measured(float64(above))
	overdue, err := s.db.CountOverdueRiskActions(ctx, a.Org.ID, now)
	if err != nil {
		return nil, err
	}
	out[MetricOverdueActions] = measured(float64(overdue))
	ncs, err := s.db.NonconformityCounts(ctx, a.Org.ID, now)
	if err != nil {
		return nil, err
	}
	out[MetricNCsOpen] = measured(float64(ncs.Open))
	if ncs.Closed > 0 {
		out[MetricNCDaysToClose] = measured(ncs.MeanDaysToClose)
	} else {
		out[MetricNCDaysToClose] = liveValue{note: "No nonconformity has been closed yet."}
	}
	vm, err := s.VulnMetrics(ctx, a)
	if err != nil {
		return nil, err
	}
	if vm.SLACompliance >= 0 {
		out[MetricVulnSLA] = measured(100 * vm.SLACompliance)
	} else {
		out[MetricVulnSLA] = liveValue{note: "No finding with a remediation deadline has been fixed or gone overdue yet."}
	}
	prog, err := s.AuditProgramme(ctx, a)
	switch {
	case err != nil:
		return nil, err
	case prog.Programme == nil:
		out[MetricAuditCoverage] = liveValue{note: "Not measured yet: there is no internal audit programme to measure it against."}
	case prog.Total == 0:
		out[MetricAuditCoverage] = liveValue{note: "The programme's cycle has nothing to cover yet."}
	default:
		out[MetricAuditCoverage] = measured(100 * float64(prog.Covered) / float64(prog.Total))
	}
	return out, nil
}

// liveControlMetrics measures the ISO/IEC 27001:2022 statement as the
// records stand: implementation overall and by theme, and evidence.
func (s *Service) liveControlMetrics(ctx context.Context, a Access, out map[string]liveValue) error {
	keys := []string{MetricControlsImplemented, MetricOrgControls, MetricPeopleControls, MetricPhysicalControls, MetricTechControls,
		MetricEvidenceCurrent}
	fw, lib, err := s.soaFramework(ctx, a, framework.ISO27001v2022)
	if errors.Is(err, isms.ErrNotFound) {
		for _, k := range keys {
			out[k] = liveValue{note: "The organisation does not run ISO/IEC 27001:2022."}
		}
		return nil
	}
	if err != nil {
		return err
	}
	doc, err := s.buildSoA(ctx, s.db.Reads, a, fw, lib)
	if err != nil {
		return err
	}
	themes := map[string]string{"A.5.": MetricOrgControls, "A.6.": MetricPeopleControls, "A.7.": MetricPhysicalControls,
		"A.8.": MetricTechControls}
	included, implemented, evidenced := map[string]int{}, map[string]int{}, 0
	for _, e := range doc.Entries {
		if !e.Included() {
			continue
		}
		groups := []string{MetricControlsImplemented}
		for prefix, key := range themes {
			if strings.HasPrefix(e.ID, prefix) {
				groups = append(groups, key)
			}
		}
		for _, g := range groups {
			included[g]++
			if e.Status == isms.Implemented {
				implemented[g]++
			}
		}
		if slices.ContainsFunc(e.Evidence, func(ev soa.EvidenceItem) bool { return ev.Freshness != isms.Stale }) {
			evidenced++
		}
	}
	for _, k := range keys[:5] {
		if included[k] == 0 {
			out[k] = liveValue{note: "No control of this kind is included in the Statement of Applicability yet."}
			continue
		}
		out[k] = measured(percent(implemented[k], included[k]))
	}
	if n := included[MetricControlsImplemented]; n > 0 {
		out[MetricEvidenceCurrent] = measured(percent(evidenced, n))
	} else {
		out[MetricEvidenceCurrent] = liveValue{note: "No control is included in the Statement of Applicability yet."}
	}
	return nil
}

// metricViews merges the built-in catalog with the organisation's rows
// and reads the latest history of each, built-in metrics first in the
// catalog's order, then custom ones by key.
func (s *Service) metricViews(ctx context.Context, a Access, history int) ([]MetricView, error) {
	rows, err := s.db.Metrics(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	byKey := map[string]isms.Metric{}
	for _, m := range rows {
		byKey[m.Key] = m
	}
	latest, err := s.db.LatestMeasurements(ctx, a.Org.ID, history)
	if err != nil {
		return nil, err
	}
	live, err := s.liveMetrics(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []MetricView
	add := func(m isms.Metric) {
		v := MetricView{Metric: m}
		if m.ID != "" {
			v.History = latest[m.ID]
			slices.Reverse(v.History)
		}
		if m.Builtin() {
			v.Live, v.LiveNote = live[m.Key].value, live[m.Key].note
		}
		out = append(out, v)
	}
	for _, b := range builtinMetrics {
		m, ok := byKey[b.key]
		if !ok {
			m = b.metric(a.Org.ID)
		} else {
			// The row keeps the organisation's target; the rest of the
			// definition is the catalog's.
			m.Name, m.Description, m.Unit, m.Direction = b.name, b.description, b.unit, b.direction
		}
		add(m)
	}
	for _, m := range rows {
		if !m.Builtin() {
			add(m)
		}
	}
	return out, nil
}

// Metrics lists the organisation's metrics with their current values and
// the history a trend chart shows.
func (s *Service) Metrics(ctx context.Context, a Access) ([]MetricView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	return s.metricViews(ctx, a, chartLength)
}

// Metric returns one metric with up to history of its latest
// measurements.
func (s *Service) Metric(ctx context.Context, a Access, key string, history int) (MetricView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return MetricView{}, err
	}
	views, err := s.metricViews(ctx, a, max(history, chartLength))
	if err != nil {
		return MetricView{}, err
	}
	for _, v := range views {
		if v.Key == key {
			return v, nil
		}
	}
	return MetricView{}, fmt.Errorf("metric %q: %w", key, isms.ErrNotFound)
}

// metricRow returns the organisation's row of a metric, making a built-in
// metric's row the first time it is needed.
func (s *Service) metricRow(ctx context.Context, tx *store.Tx, a Access, key string) (isms.Metric, error) {
	m, err := tx.MetricByKey(ctx, a.Org.ID, key)
	if !errors.Is(err, isms.ErrNotFound) {
		return m, err
	}
	b, ok := builtinByKey(key)
	if !ok {
		return m, err
	}
	return tx.SaveMetric(ctx, b.metric(a.Org.ID))
}

// MetricInput is a custom metric as entered, or a change to a metric. A
// built-in metric takes only a target. Target applies when SetTarget is
// true, so that a change can clear it.
type MetricInput struct {
	Key         string
	Name        *string
	Description *string
	Unit        *string
	Direction   *string
	Target      *float64
	SetTarget   bool
}

// CreateMetric adds a custom metric, measured outside isms and recorded
// by hand or by a script.
func (s *Service) CreateMetric(ctx context.Context, a Access, in MetricInput) (isms.Metric, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Metric{}, err
	}
	m := isms.Metric{OrgID: a.Org.ID, Key: strings.TrimSpace(in.Key), Source: isms.MetricManual, Direction: isms.HigherIsBetter}
	if _, ok := builtinByKey(m.Key); ok {
		return m, isms.Invalid("key", "%s is the key of a built-in metric; choose another", m.Key)
	}
	applyMetricInput(&m, in)
	if err := m.Validate(); err != nil {
		return m, err
	}
	var out isms.Metric
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		var err error
		out, err = tx.SaveMetric(ctx, m)
		if errors.Is(err, isms.ErrConflict) {
			return &isms.ConflictError{Field: "key", Detail: "the organisation already has a metric " + m.Key}
		}
		return err
	})
	return out, err
}

func applyMetricInput(m *isms.Metric, in MetricInput) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&m.Name, in.Name)
	set(&m.Description, in.Description)
	set(&m.Unit, in.Unit)
	if in.Direction != nil {
		m.Direction = isms.Direction(strings.TrimSpace(*in.Direction))
	}
	if in.SetTarget {
		m.Target = in.Target
	}
}

// UpdateMetric changes a metric. A built-in metric's definition is
// isms's, so only its target changes.
func (s *Service) UpdateMetric(ctx context.Context, a Access, key string, in MetricInput) (isms.Metric, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Metric{}, err
	}
	var out isms.Metric
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		m, err := s.metricRow(ctx, tx, a, key)
		if err != nil {
			return err
		}
		if m.Builtin() && (in.Name != nil || in.Description != nil || in.Unit != nil || in.Direction != nil) {
			return &isms.ConflictError{Field: "key", Detail: m.Key + " is built in: only its target can change"}
		}
		applyMetricInput(&m, in)
		if err := m.Validate(); err != nil {
			return err
		}
		out, err = tx.SaveMetric(ctx, m)
		return err
	})
	return out, err
}

// MeasurementInput is a value of a custom metric as recorded. At is when
// it was measured; zero means now.
type MeasurementInput struct {
	Value  float64
	At     time.Time
	Note   string
	Source isms.MeasurementSource
}

// earliestMeasurement keeps typing mistakes in a year out of the history.
var earliestMeasurement = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// RecordMeasurement adds a value to a custom metric's history, replacing
// the one already recorded for that day. Built-in metrics are measured by
// snapshots only, so that their history cannot disagree with the records.
func (s *Service) RecordMeasurement(ctx context.Context, a Access, key string, in MeasurementInput) (isms.Measurement, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Measurement{}, err
	}
	if in.Source != isms.MeasuredManual && in.Source != isms.MeasuredAPI {
		return isms.Measurement{}, fmt.Errorf("record measurement from %q: a custom metric is measured by hand or through the API", in.Source)
	}
	now := s.now()
	if in.At.IsZero() {
		in.At = now
	}
	var out isms.Measurement
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		m, err := s.metricRow(ctx, tx, a, key)
		if err != nil {
			return err
		}
		if m.Builtin() {
			return &isms.ConflictError{Field: "metric",
				Detail: m.Key + " is built in: its values are computed from the records; record today's values with a snapshot instead"}
		}
		v := &isms.ValidationError{}
		m.CheckValue(v, "value", in.Value)
		switch {
		case in.At.After(now):
			v.Add("at", "%s is in the future; record a value once it has been measured", in.At.UTC().Format(time.RFC3339))
		case in.At.Before(earliestMeasurement):
			v.Add("at", "%s is before 2000", in.At.UTC().Format(time.DateOnly))
		}
		in.Note = strings.TrimSpace(in.Note)
		if len([]rune(in.Note)) > 1000 {
			v.Add("note", "is longer than 1000 characters")
		}
		if err := v.Err(); err != nil {
			return err
		}
		out, err = tx.RecordMeasurement(ctx, isms.Measurement{OrgID: a.Org.ID, MetricID: m.ID, Value: in.Value, MeasuredAt: in.At,
			Source: in.Source, Note: in.Note, RecordedBy: a.Member.ID})
		return err
	})
	return out, err
}

// SnapshotMetrics records today's value of every built-in metric that can
// be measured, replacing any snapshot already taken today, so that the
// built-in metrics get a history. It returns the measurements recorded.
func (s *Service) SnapshotMetrics(ctx context.Context, a Access) ([]isms.Measurement, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return nil, err
	}
	live, err := s.liveMetrics(ctx, a)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []isms.Measurement
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		out = out[:0]
		for _, b := range builtinMetrics {
			lv := live[b.key]
			if lv.value == nil {
				continue
			}
			m, err := s.metricRow(ctx, tx, a, b.key)
			if err != nil {
				return err
			}
			rec, err := tx.RecordMeasurement(ctx, isms.Measurement{OrgID: a.Org.ID, MetricID: m.ID, Value: *lv.value, MeasuredAt: now,
				Source: isms.MeasuredSnapshot, RecordedBy: a.Member.ID})
			if err != nil {
				return err
			}
			out = append(out, rec)
		}
		return nil
	})
	return out, err
}

// BuiltinMetric returns the name of the built-in metric key, and whether
// there is one.
func BuiltinMetric(key string) (string, bool) {
	b, ok := builtinByKey(key)
	return b.name, ok
}
