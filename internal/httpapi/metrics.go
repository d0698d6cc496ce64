package httpapi

import (
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// measurementJSON is one value of a metric's history.
type measurementJSON struct {
	ID         string    `json:"id"`
	Value      float64   `json:"value"`
	Day        string    `json:"day"`
	MeasuredAt time.Time `json:"measured_at"`
	Source     string    `json:"source"`
	Note       string    `json:"note"`
	RecordedBy *string   `json:"recorded_by"`
}

func toMeasurementJSON(m isms.Measurement) measurementJSON {
	return measurementJSON{ID: m.ID, Value: m.Value, Day: m.Day(), MeasuredAt: m.MeasuredAt, Source: string(m.Source), Note: m.Note,
		RecordedBy: nullable(m.RecordedBy)}
}

// metricJSON is a metric with its current value and, for one metric, its
// history. A metric nobody has touched has no id yet.
type metricJSON struct {
	ID          *string  `json:"id"`
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Unit        string   `json:"unit"`
	Direction   string   `json:"direction"`
	Target      *float64 `json:"target"`
	Source      string   `json:"source"`
	// Value is the current value: computed now for a built-in metric,
	// the last measurement of a custom one.
	Value *float64 `json:"value"`
	// Status compares the value with the target.
	Status string `json:"status"`
	// NotMeasured says why a built-in metric has no value.
	NotMeasured *string           `json:"not_measured"`
	Latest      *measurementJSON  `json:"latest"`
	History     []measurementJSON `json:"history,omitempty"`
}

func toMetricJSON(v app.MetricView, history bool) metricJSON {
	out := metricJSON{ID: nullable(v.ID), Key: v.Key, Name: v.Name, Description: v.Description, Unit: v.Unit, Direction: string(v.Direction),
		Target: v.Target, Source: string(v.Source), Value: v.Value(), Status: string(v.Status())}
	if v.Value() == nil && v.LiveNote != "" {
		out.NotMeasured = &v.LiveNote
	}
	if l := v.Latest(); l != nil {
		j := toMeasurementJSON(*l)
		out.Latest = &j
	}
	if history {
		out.History = make([]measurementJSON, 0, len(v.History))
		for _, m := range v.History {
			out.History = append(out.History, toMeasurementJSON(m))
		}
	}
	return out
}

func (a *API) listMetrics(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	views, err := a.svc.Metrics(r.Context(), acc)
	if err != nil {
		return err
	}
	out := newList(make([]metricJSON, 0, len(views)), "")
	for _, v := range views {
		out.Items = append(out.Items, toMetricJSON(v, false))
	}
	return writeJSON(w, http.StatusOK, out)
}

// maxHistory is the longest history one request returns: over a year of
// daily values.
const maxHistory = 400

func (a *API) getMetric(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "limit"); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	if limit > maxHistory {
		return malformed("limit", "is at most %d", maxHistory)
	}
	if limit == 0 {
		limit = 12
	}
	v, err := a.svc.Metric(r.Context(), acc, r.PathValue("key"), limit)
	if err != nil {
		return err
	}
	if len(v.History) > limit {
		v.History = v.History[len(v.History)-limit:]
	}
	return writeJSON(w, http.StatusOK, toMetricJSON(v, true))
}

// metricWrite is a new custom metric or a change to a metric; a built-in
// metric takes only a target. A null target clears it.
type metricWrite struct {
	Key         optional[string]  `json:"key"`
	Name        optional[string]  `json:"name"`
	Description optional[string]  `json:"description"`
	Unit        optional[string]  `json:"unit"`
	Direction   optional[string]  `json:"direction"`
	Target      optional[float64] `json:"target"`
}

func (in metricWrite) input() (app.MetricInput, error) {
	out := app.MetricInput{Key: in.Key.Value}
	for _, f := range []struct {
		name string
		o    optional[string]
		dst  **string
	}{{"name", in.Name, &out.Name}, {"description", in.Description, &out.Description}, {"unit", in.Unit, &out.Unit},
		{"direction", in.Direction, &out.Direction}} {
		if f.o.Set {
			if f.o.Null {
				return out, isms.Invalid(f.name, "cannot be null")
			}
			v := f.o.Value
			*f.dst = &v
		}
	}
	if in.Target.Set {
		out.SetTarget = true
		if !in.Target.Null {
			v := in.Target.Value
			out.Target = &v
		}
	}
	return out, nil
}

func (a *API) createMetric(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in metricWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	m, err := a.svc.CreateMetric(r.Context(), acc, upd)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/metrics/"+m.Key)
	return a.writeMetric(w, r, acc, http.StatusCreated, m.Key)
}

func (a *API) patchMetric(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in metricWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Key.Set {
		return isms.Invalid("key", "is fixed when the metric is made")
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	m, err := a.svc.UpdateMetric(r.Context(), acc, r.PathValue("key"), upd)
	if err != nil {
		return err
	}
	return a.writeMetric(w, r, acc, http.StatusOK, m.Key)
}

func (a *API) writeMetric(w http.ResponseWriter, r *http.Request, acc app.Access, status int, key string) error {
	v, err := a.svc.Metric(r.Context(), acc, key, 12)
	if err != nil {
		return err
	}
	return writeJSON(w, status, toMetricJSON(v, true))
}

// measurementWrite is a value of a custom metric. At is a day or an RFC
// 3339 date-time; absent means now.
type measurementWrite struct {
	Value *float64 `json:"value"`
	At    *string  `json:"at"`
	Note  string   `json:"note"`
}

func (a *API) recordMeasurement(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in measurementWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Value == nil {
		return isms.Invalid("value", "is required")
	}
	upd := app.MeasurementInput{Value: *in.Value, Note: in.Note, Source: isms.MeasuredAPI}
	if in.At != nil {
		at, err := parseMeasuredAt(*in.At)
		if err != nil {
			return err
		}
		upd.At = at
	}
	m, err := a.svc.RecordMeasurement(r.Context(), acc, r.PathValue("key"), upd)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toMeasurementJSON(m))
}

// parseMeasuredAt reads when a value was measured: a day, as a script fed
// from a daily report would give it, or a date-time.
func parseMeasuredAt(s string) (time.Time, error) {
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t, nil
	}
	t, err := parseTime("at", s)
	if err != nil {
		return t, isms.Invalid("at", "%q is neither a day such as 2027-01-31 nor a date-time such as 2027-01-31T09:00:00Z", s)
	}
	return t, nil
}

func (a *API) snapshotMetrics(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	got, err := a.svc.SnapshotMetrics(r.Context(), acc)
	if err != nil {
		return err
	}
	views, err := a.svc.Metrics(r.Context(), acc)
	if err != nil {
		return err
	}
	keys := map[string]string{}
	for _, v := range views {
		keys[v.ID] = v.Key
	}
	type recorded struct {
		Metric string `json:"metric"`
		measurementJSON
	}
	out := newList(make([]recorded, 0, len(got)), "")
	for _, m := range got {
		out.Items = append(out.Items, recorded{Metric: keys[m.MetricID], measurementJSON: toMeasurementJSON(m)})
	}
	return writeJSON(w, http.StatusCreated, out)
}

// objectiveJSON is an objective with where it stands. Status is derived
// from the linked metrics when one with a target has a value (derived),
// the owner's otherwise (owner_status).
type objectiveJSON struct {
	ID          string    `json:"id"`
	Ref         string    `json:"ref"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	OwnerID     string    `json:"owner_id"`
	Target      string    `json:"target"`
	DueDate     string    `json:"due_date"`
	MeasuredHow string    `json:"measured_how"`
	Status      string    `json:"status"`
	Derived     bool      `json:"derived"`
	OwnerStatus string    `json:"owner_status"`
	Metrics     []string  `json:"metrics"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toObjectiveJSON(v app.ObjectiveView) objectiveJSON {
	out := objectiveJSON{ID: v.ID, Ref: v.Ref(), Title: v.Title, Description: v.Description, OwnerID: v.OwnerID, Target: v.Target,
		DueDate: *formatDate(v.DueDate), MeasuredHow: v.MeasuredHow, Status: string(v.Current), Derived: v.Derived,
		OwnerStatus: string(v.Status), Metrics: make([]string, 0, len(v.Metrics)), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	for _, m := range v.Metrics {
		out.Metrics = append(out.Metrics, m.Key)
	}
	return out
}

func (a *API) listObjectives(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	views, err := a.svc.Objectives(r.Context(), acc)
	if err != nil {
		return err
	}
	out := newList(make([]objectiveJSON, 0, len(views)), "")
	for _, v := range views {
		out.Items = append(out.Items, toObjectiveJSON(v))
	}
	return writeJSON(w, http.StatusOK, out)
}

// objectiveWrite is a new objective or a change to one. Status is the
// owner's judgement, which stands while no linked metric decides.
type objectiveWrite struct {
	Title       optional[string]   `json:"title"`
	Description optional[string]   `json:"description"`
	OwnerID     optional[string]   `json:"owner_id"`
	Target      optional[string]   `json:"target"`
	DueDate     optional[string]   `json:"due_date"`
	MeasuredHow optional[string]   `json:"measured_how"`
	Status      optional[string]   `json:"status"`
	Metrics     optional[[]string] `json:"metrics"`
}

func (in objectiveWrite) input() (app.ObjectiveInput, error) {
	var out app.ObjectiveInput
	for _, f := range []struct {
		name string
		o    optional[string]
		dst  **string
	}{{"title", in.Title, &out.Title}, {"description", in.Description, &out.Description}, {"owner_id", in.OwnerID, &out.OwnerID},
		{"target", in.Target, &out.Target}, {"measured_how", in.MeasuredHow, &out.MeasuredHow}, {"status", in.Status, &out.Status}} {
		if f.o.Set {
			if f.o.Null {
				return out, isms.Invalid(f.name, "cannot be null")
			}
			v := f.o.Value
			*f.dst = &v
		}
	}
	if in.DueDate.Set {
		due, err := parseDate("due_date", &in.DueDate.Value)
		if err != nil || in.DueDate.Null {
			return out, isms.Invalid("due_date", "is a day such as 2027-01-31; every objective has one")
		}
		out.DueDate = due
	}
	if in.Metrics.Set {
		keys := in.Metrics.Value
		if keys == nil {
			keys = []string{}
		}
		out.Metrics = &keys
	}
	return out, nil
}

func (a *API) createObjective(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in objectiveWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	o, err := a.svc.CreateObjective(r.Context(), acc, upd)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/objectives/"+o.ID)
	return a.writeObjective(w, r, acc, http.StatusCreated, o.ID)
}

func (a *API) getObjective(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writeObjective(w, r, acc, http.StatusOK, id)
}

func (a *API) patchObjective(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in objectiveWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o, err := a.svc.UpdateObjective(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	return a.writeObjective(w, r, acc, http.StatusOK, o.ID)
}

func (a *API) deleteObjective(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteObjective(r.Context(), acc, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) writeObjective(w http.ResponseWriter, r *http.Request, acc app.Access, status int, id string) error {
	v, err := a.svc.Objective(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, status, toObjectiveJSON(v))
}
