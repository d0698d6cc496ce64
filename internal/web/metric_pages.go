package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
)

// registerMetricPages adds information security objectives (6.2) and the
// metrics that monitor the ISMS (9.1): one page with both, each metric
// with its trend and history, each objective, and the forms.
func (u *UI) registerMetricPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/metrics", u.inOrg(u.metricsPage))
	r.Handle("GET", "/o/{org}/metrics/new", u.inOrg(u.newMetricPage))
	r.Handle("POST", "/o/{org}/metrics", u.inOrg(u.createMetric))
	r.Handle("GET", "/o/{org}/metrics/{key}", u.inOrg(u.metricPage))
	r.Handle("POST", "/o/{org}/metrics/{key}", u.inOrg(u.updateMetric))
	r.Handle("POST", "/o/{org}/metrics/{key}/measurements", u.inOrg(u.recordMeasurement))
	r.Handle("POST", "/o/{org}/metric-snapshots", u.inOrg(u.snapshotMetrics))
	r.Handle("GET", "/o/{org}/objectives/new", u.inOrg(u.newObjectivePage))
	r.Handle("POST", "/o/{org}/objectives", u.inOrg(u.createObjective))
	r.Handle("GET", "/o/{org}/objectives/{id}", u.inOrg(u.objectivePage))
	r.Handle("GET", "/o/{org}/objectives/{id}/edit", u.inOrg(u.editObjectivePage))
	r.Handle("POST", "/o/{org}/objectives/{id}", u.inOrg(u.updateObjective))
	r.Handle("POST", "/o/{org}/objectives/{id}/delete", u.inOrg(u.deleteObjective))
}

// ObjectiveStatusLabel names an objective's status.
func (labels) ObjectiveStatusLabel(s isms.ObjectiveStatus) string { return s.Label() }

// formatValue writes a metric's value for people.
func formatValue(v *float64) string {
	if v == nil {
		return "—"
	}
	return isms.FormatValue(*v)
}

// MetricStatusLabel says how a value stands against its target.
func (labels) MetricStatusLabel(s app.MetricStatus) string {
	switch s {
	case app.MetricMet:
		return "on target"
	case app.MetricNotMet:
		return "below target"
	case app.MetricNoTarget:
		return "no target"
	}
	return "not measured"
}

// The trend chart's drawing area, in the SVG's own units.
const (
	chartWidth, chartHeight = 320.0, 100.0
	chartPad                = 8.0
)

// trendChart is a metric's history drawn as a line, with its target as a
// dashed line, computed here so the page carries no script.
type trendChart struct {
	Label  string
	Line   string
	Points []chartPoint
	// HasTarget is set when the target line is drawn at TargetY.
	HasTarget bool
	TargetY   string
	// Width and Height are the view box.
	Width, Height string
}

type chartPoint struct{ X, Y, Title string }

func coord(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// newTrendChart draws the last measurements of v; nil when there are
// none to draw.
func newTrendChart(v app.MetricView) *trendChart {
	if len(v.History) == 0 {
		return nil
	}
	lo, hi := v.History[0].Value, v.History[0].Value
	for _, m := range v.History {
		lo, hi = min(lo, m.Value), max(hi, m.Value)
	}
	if v.Target != nil {
		lo, hi = min(lo, *v.Target), max(hi, *v.Target)
	}
	if v.Unit == "%" {
		lo, hi = min(lo, 0), max(hi, 100)
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	y := func(x float64) float64 { return chartPad + (hi-x)/(hi-lo)*(chartHeight-2*chartPad) }
	step := 0.0
	if n := len(v.History); n > 1 {
		step = (chartWidth - 2*chartPad) / float64(n-1)
	}
	c := &trendChart{Label: fmt.Sprintf("Trend of %s over the last %d measurements", v.Name, len(v.History)),
		Width: coord(chartWidth), Height: coord(chartHeight)}
	var line []string
	for i, m := range v.History {
		x := chartPad + step*float64(i)
		if len(v.History) == 1 {
			x = chartWidth / 2
		}
		p := chartPoint{X: coord(x), Y: coord(y(m.Value)), Title: m.Day() + ": " + isms.FormatValue(m.Value) + " " + v.Unit}
		c.Points = append(c.Points, p)
		line = append(line, p.X+","+p.Y)
	}
	c.Line = strings.Join(line, " ")
	if v.Target != nil {
		c.HasTarget, c.TargetY = true, coord(y(*v.Target))
	}
	return c
}

type metricCard struct {
	app.MetricView
	Link  string
	Chart *trendChart
}

func (q *request) metricCards(views []app.MetricView) []metricCard {
	out := make([]metricCard, 0, len(views))
	for _, v := range views {
		out = append(out, metricCard{MetricView: v, Link: q.orgPath("metrics", v.Key), Chart: newTrendChart(v)})
	}
	return out
}

type objectiveRow struct {
	app.ObjectiveView
	Link, Owner string
}

type metricsPage struct {
	Page
	labels
	Objectives []objectiveRow
	Builtin    []metricCard
	Custom     []metricCard
	Manager    bool
}

func (u *UI) metricsPage(q *request) error {
	ctx := q.r.Context()
	views, err := u.svc.Metrics(ctx, q.access)
	if err != nil {
		return err
	}
	objectives, err := u.svc.Objectives(ctx, q.access)
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page := &metricsPage{Manager: q.access.Can(isms.PermWriteRecords)}
	page.Title, page.Section = "Objectives and metrics", "metrics"
	for _, o := range objectives {
		page.Objectives = append(page.Objectives, objectiveRow{ObjectiveView: o, Link: q.orgPath("objectives", o.Ref()), Owner: ppl.Name(o.OwnerID)})
	}
	for _, c := range q.metricCards(views) {
		if c.Builtin() {
			page.Builtin = append(page.Builtin, c)
		} else {
			page.Custom = append(page.Custom, c)
		}
	}
	return u.render(q, http.StatusOK, "metrics", page)
}

func (u *UI) snapshotMetrics(q *request) error {
	got, err := u.svc.SnapshotMetrics(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("metrics"), fmt.Sprintf("Today's values of %d built-in metrics recorded.", len(got)))
}

// ---------------------------------------------------------------------
// One metric.

type metricForm struct{ Key, Name, Description, Unit, Direction, Target string }

func metricFormFrom(r *http.Request) metricForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return metricForm{Key: get("key"), Name: get("name"), Description: get("description"), Unit: get("unit"), Direction: get("direction"),
		Target: get("target")}
}

// input turns the form into the app's input; an empty target clears it.
// A built-in metric's form sends only the target.
func (f metricForm) input(builtin bool) (app.MetricInput, error) {
	in := app.MetricInput{Key: f.Key, SetTarget: true}
	if f.Target != "" {
		t, err := isms.ParseValue("target", f.Target)
		if err != nil {
			return in, err
		}
		in.Target = &t
	}
	if !builtin {
		in.Name, in.Description, in.Unit, in.Direction = &f.Name, &f.Description, &f.Unit, &f.Direction
	}
	return in, nil
}

type measurementForm struct{ Value, At, Note string }

type metricPage struct {
	Page
	labels
	Metric     metricCard
	History    []isms.Measurement
	Recorders  map[string]string
	Objectives []objectiveRow
	Manager    bool
	Form       metricForm
	Errors     map[string]string
	Measure    measurementForm
	MeasureErr map[string]string
	Today      string
}

func (u *UI) metricPage(q *request) error {
	return u.showMetric(q, http.StatusOK, nil, nil, nil, nil)
}

func (u *UI) showMetric(q *request, status int, form *metricForm, errs map[string]string, measure *measurementForm, measureErrs map[string]string) error {
	ctx := q.r.Context()
	v, err := u.svc.Metric(ctx, q.access, q.r.PathValue("key"), 60)
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	chart := v
	if len(chart.History) > 12 {
		chart.History = chart.History[len(chart.History)-12:]
	}
	page := &metricPage{Metric: metricCard{MetricView: v, Link: q.orgPath("metrics", v.Key), Chart: newTrendChart(chart)},
		Manager: q.access.Can(isms.PermWriteRecords), Errors: errs, MeasureErr: measureErrs, Recorders: map[string]string{},
		Today: time.Now().UTC().Format(time.DateOnly)}
	page.Title, page.Section = v.Name, "metrics"
	for i := len(v.History) - 1; i >= 0; i-- {
		m := v.History[i]
		page.History = append(page.History, m)
		if m.RecordedBy != "" {
			page.Recorders[m.RecordedBy] = ppl.Name(m.RecordedBy)
		}
	}
	objectives, err := u.svc.Objectives(ctx, q.access)
	if err != nil {
		return err
	}
	for _, o := range objectives {
		for _, m := range o.Metrics {
			if m.Key == v.Key {
				page.Objectives = append(page.Objectives, objectiveRow{ObjectiveView: o, Link: q.orgPath("objectives", o.Ref()),
					Owner: ppl.Name(o.OwnerID)})
			}
		}
	}
	if form != nil {
		page.Form = *form
	} else {
		page.Form = metricForm{Key: v.Key, Name: v.Name, Description: v.Description, Unit: v.Unit, Direction: string(v.Direction)}
		if v.Target != nil {
			page.Form.Target = isms.FormatValue(*v.Target)
		}
	}
	if measure != nil {
		page.Measure = *measure
	} else {
		page.Measure.At = page.Today
	}
	return u.render(q, status, "metric", page)
}

func (u *UI) updateMetric(q *request) error {
	form := metricFormFrom(q.r)
	key := q.r.PathValue("key")
	_, builtin := app.BuiltinMetric(key)
	in, err := form.input(builtin)
	if err == nil {
		if _, err = u.svc.UpdateMetric(q.r.Context(), q.access, key, in); err == nil {
			return u.redirect(q, q.orgPath("metrics", key), "Metric saved.")
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showMetric(q, http.StatusUnprocessableEntity, &form, fieldErrors(fields), nil, nil)
	}
	return err
}

func (u *UI) recordMeasurement(q *request) error {
	key := q.r.PathValue("key")
	form := measurementForm{Value: strings.TrimSpace(q.r.PostFormValue("value")), At: strings.TrimSpace(q.r.PostFormValue("at")),
		Note: q.r.PostFormValue("note")}
	in := app.MeasurementInput{Note: form.Note, Source: isms.MeasuredManual}
	var err error
	if in.Value, err = isms.ParseValue("value", form.Value); err == nil && form.At != "" {
		if in.At, err = time.Parse(time.DateOnly, form.At); err != nil {
			err = isms.Invalid("at", "%q is not a date", form.At)
		}
	}
	if err == nil {
		_, err = u.svc.RecordMeasurement(q.r.Context(), q.access, key, in)
	}
	var conflict *isms.ConflictError
	switch {
	case isms.FieldErrors(err) != nil:
		return u.showMetric(q, http.StatusUnprocessableEntity, nil, nil, &form, fieldErrors(isms.FieldErrors(err)))
	case errors.As(err, &conflict):
		return u.showMetric(q, http.StatusConflict, nil, nil, &form, map[string]string{"value": conflict.Detail})
	case err != nil:
		return err
	}
	return u.redirect(q, q.orgPath("metrics", key), "Measurement recorded.")
}

type metricFormPage struct {
	Page
	labels
	Form   metricForm
	Errors map[string]string
}

func (u *UI) newMetricPage(q *request) error {
	return u.showMetricForm(q, http.StatusOK, metricForm{Direction: string(isms.HigherIsBetter)}, nil)
}

func (u *UI) showMetricForm(q *request, status int, form metricForm, errs map[string]string) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return fmt.Errorf("only those who may change ISMS records make metrics: %w", isms.ErrForbidden)
	}
	page := &metricFormPage{Form: form, Errors: errs}
	page.Title, page.Section = "A metric of your own", "metrics"
	return u.render(q, status, "metric_form", page)
}

func (u *UI) createMetric(q *request) error {
	form := metricFormFrom(q.r)
	in, err := form.input(false)
	if err == nil {
		var m isms.Metric
		if m, err = u.svc.CreateMetric(q.r.Context(), q.access, in); err == nil {
			return u.redirect(q, q.orgPath("metrics", m.Key), m.Name+" made. Record its first value below, or feed it from a script.")
		}
	}
	var conflict *isms.ConflictError
	switch {
	case isms.FieldErrors(err) != nil:
		return u.showMetricForm(q, http.StatusUnprocessableEntity, form, fieldErrors(isms.FieldErrors(err)))
	case errors.As(err, &conflict):
		return u.showMetricForm(q, http.StatusConflict, form, map[string]string{conflict.Field: conflict.Detail})
	}
	return err
}

// ---------------------------------------------------------------------
// Objectives.

type objectivePage struct {
	Page
	labels
	Objective app.ObjectiveView
	Owner     string
	Metrics   []metricCard
	MayEdit   bool
	Manager   bool
}

func (u *UI) objectivePage(q *request) error {
	o, err := u.svc.Objective(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	a := q.access
	page := &objectivePage{Objective: o, Owner: ppl.Name(o.OwnerID), Metrics: q.metricCards(o.Metrics), Manager: a.Can(isms.PermWriteRecords),
		MayEdit: a.Can(isms.PermWriteRecords) || a.Role == isms.RoleContributor && a.Member.ID == o.OwnerID}
	page.Title, page.Section = o.Ref()+" "+o.Title, "metrics"
	return u.render(q, http.StatusOK, "objective", page)
}

type objectiveForm struct {
	Title, Description, OwnerID, Target, DueDate, MeasuredHow, Status string
	Metrics                                                           []string
}

func objectiveFormFrom(r *http.Request) objectiveForm {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return objectiveForm{Title: get("title"), Description: get("description"), OwnerID: get("owner_id"), Target: get("target"),
		DueDate: get("due_date"), MeasuredHow: get("measured_how"), Status: get("status"), Metrics: r.PostForm["metrics"]}
}

func (f objectiveForm) input() (app.ObjectiveInput, error) {
	in := app.ObjectiveInput{Title: &f.Title, Description: &f.Description, OwnerID: &f.OwnerID, Target: &f.Target,
		MeasuredHow: &f.MeasuredHow, Status: &f.Status, Metrics: &f.Metrics}
	if f.DueDate != "" {
		due, err := time.Parse(time.DateOnly, f.DueDate)
		if err != nil {
			return in, isms.Invalid("due_date", "%q is not a date", f.DueDate)
		}
		in.DueDate = &due
	}
	return in, nil
}

// Links reports whether the form links the metric.
func (f objectiveForm) Links(key string) bool {
	for _, k := range f.Metrics {
		if k == key {
			return true
		}
	}
	return false
}

type objectiveFormPage struct {
	Page
	labels
	Form     objectiveForm
	Errors   map[string]string
	Owners   []isms.Member
	Metrics  []app.MetricView
	Statuses []isms.ObjectiveStatus
	// Ref is set when an objective is changed rather than set.
	Ref     string
	Manager bool
}

func (u *UI) newObjectivePage(q *request) error {
	return u.showObjectiveForm(q, http.StatusOK, "", objectiveForm{OwnerID: q.access.Member.ID, Status: string(isms.ObjectiveOnTrack)}, nil)
}

func (u *UI) editObjectivePage(q *request) error {
	o, err := u.svc.Objective(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !q.access.Can(isms.PermWriteRecords) && (q.access.Role != isms.RoleContributor || q.access.Member.ID != o.OwnerID) {
		return fmt.Errorf("the objective's owner and ISMS managers change it: %w", isms.ErrForbidden)
	}
	form := objectiveForm{Title: o.Title, Description: o.Description, OwnerID: o.OwnerID, Target: o.Target, DueDate: dateValue(o.DueDate),
		MeasuredHow: o.MeasuredHow, Status: string(o.Status)}
	for _, m := range o.Metrics {
		form.Metrics = append(form.Metrics, m.Key)
	}
	return u.showObjectiveForm(q, http.StatusOK, o.Ref(), form, nil)
}

func (u *UI) showObjectiveForm(q *request, status int, ref string, form objectiveForm, errs map[string]string) error {
	a := q.access
	if ref == "" && !a.Can(isms.PermWriteRecords) {
		return fmt.Errorf("only those who may change ISMS records set objectives: %w", isms.ErrForbidden)
	}
	page := &objectiveFormPage{Form: form, Errors: errs, Statuses: isms.ObjectiveStatuses, Ref: ref, Manager: a.Can(isms.PermWriteRecords)}
	page.Title, page.Section = "Set an objective", "metrics"
	if ref != "" {
		page.Title = "Change " + ref
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Owners = ppl.Eligible
	if page.Metrics, err = u.svc.Metrics(q.r.Context(), a); err != nil {
		return err
	}
	return u.render(q, status, "objective_form", page)
}

// objectiveFieldErrors maps the app's field names onto the form's.
func objectiveFieldErrors(fields []isms.FieldError) map[string]string {
	errs := fieldErrors(fields)
	if msg, ok := errs["owner"]; ok {
		errs["owner_id"] = msg
	}
	return errs
}

func (u *UI) createObjective(q *request) error {
	form := objectiveFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		var o isms.Objective
		if o, err = u.svc.CreateObjective(q.r.Context(), q.access, in); err == nil {
			return u.redirect(q, q.orgPath("objectives", o.Ref()), o.Ref()+" set.")
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showObjectiveForm(q, http.StatusUnprocessableEntity, "", form, objectiveFieldErrors(fields))
	}
	return err
}

func (u *UI) updateObjective(q *request) error {
	form := objectiveFormFrom(q.r)
	in, err := form.input()
	if err == nil {
		if !q.access.Can(isms.PermWriteRecords) {
			// The owner reports on the objective; what it is stays with
			// the ISMS managers.
			in = app.ObjectiveInput{Status: in.Status, MeasuredHow: in.MeasuredHow, Description: in.Description}
		}
		var o isms.Objective
		if o, err = u.svc.UpdateObjective(q.r.Context(), q.access, q.r.PathValue("id"), in); err == nil {
			return u.redirect(q, q.orgPath("objectives", o.Ref()), o.Ref()+" saved.")
		}
	}
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showObjectiveForm(q, http.StatusUnprocessableEntity, q.r.PathValue("id"), form, objectiveFieldErrors(fields))
	}
	return err
}

func (u *UI) deleteObjective(q *request) error {
	ref := q.r.PathValue("id")
	if err := u.svc.DeleteObjective(q.r.Context(), q.access, ref); err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("metrics"), ref+" deleted; the ledger keeps what it was.")
}

// ---------------------------------------------------------------------
// On the overview.

// metricsSummary shows each metric's value against its target on the
// overview, with the objectives' standing.
type metricsSummary struct {
	Metrics            []metricCard
	Link               string
	Objectives, AtRisk int
}

func (u *UI) metricsCard(q *request) (*metricsSummary, error) {
	views, err := u.svc.Metrics(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	objectives, err := u.svc.Objectives(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	c := &metricsSummary{Link: q.orgPath("metrics"), Objectives: len(objectives)}
	for _, o := range objectives {
		if o.Current == isms.ObjectiveAtRisk || o.Current == isms.ObjectiveMissed {
			c.AtRisk++
		}
	}
	for _, m := range q.metricCards(views) {
		m.Chart = nil
		c.Metrics = append(c.Metrics, m)
	}
	return c, nil
}
