package server_test

import (
	"context"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// Records for the rules of objectives and metrics: each call gets its own
// custom metric, or an objective owned by a fresh member, so that no
// caller owns what it acts on.

// metric makes a custom metric and returns its key.
func (f *fixture) metric() string {
	f.t.Helper()
	name := "Staff trained " + f.unique()
	m, err := f.svc.CreateMetric(context.Background(), f.op, app.MetricInput{Key: "trained-" + f.unique(), Name: &name})
	if err != nil {
		f.t.Fatal(err)
	}
	return m.Key
}

// objective sets an objective owned by a fresh member.
func (f *fixture) objective() isms.Objective {
	f.t.Helper()
	str := func(s string) *string { return &s }
	owner := f.target().ID
	due := time.Now().AddDate(0, 6, 0)
	o, err := f.svc.CreateObjective(context.Background(), f.op, app.ObjectiveInput{Title: str("Train everyone " + f.unique()),
		Target: str("Everyone"), OwnerID: &owner, DueDate: &due})
	if err != nil {
		f.t.Fatal(err)
	}
	return o
}
