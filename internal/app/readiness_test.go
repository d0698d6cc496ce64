package app_test

import (
	"context"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/demo"
	"github.com/isms-dev/isms/internal/isms"
)

func TestReadiness(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		r, err := e.svc.Readiness(ctx, viewer)
		if err != nil {
			t.Fatal(err)
		}
		if r.Stage1Percent != 0 || len(r.Stage1) < 9 {
			t.Errorf("a new organisation: stage 1 %d%% over %d items; want nothing present", r.Stage1Percent, len(r.Stage1))
		}
		for _, it := range r.Stage1 {
			if it.Present || it.Detail == "" || it.Fix == "" {
				t.Errorf("new organisation, %s: %+v", it.Clause, it)
			}
		}
		if r.Stage1[0].Clause != "4.3" || r.Stage1[len(r.Stage1)-1].Clause != "10.2" {
			t.Errorf("items are not in clause order: %s … %s", r.Stage1[0].Clause, r.Stage1[len(r.Stage1)-1].Clause)
		}

		// The demo company is mid-cycle: most of stage 1 is there, with
		// honest gaps.
		creds, err := demo.Seed(ctx, e.svc)
		if err != nil {
			t.Fatal(err)
		}
		u, _, err := e.db.UserByEmail(ctx, creds.Email)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := e.svc.OpenOrg(ctx, app.UserPrincipal(u), creds.OrgSlug)
		if err != nil {
			t.Fatal(err)
		}
		r, err = e.svc.Readiness(ctx, acc)
		if err != nil {
			t.Fatal(err)
		}
		present := map[string]bool{}
		for _, it := range r.Stage1 {
			present[it.Clause] = it.Present
		}
		for _, c := range []string{"4.3", "5.2", "6.1.2", "6.1.3 d", "8.2", "10.2"} {
			if !present[c] {
				t.Errorf("demo readiness: %s missing", c)
			}
		}
		if r.Stage1Percent == 100 || r.Stage1Percent < 50 || len(r.Gaps) == 0 || r.Stage2Percent == 0 || r.Stage2Percent == 100 {
			t.Errorf("demo readiness: stage 1 %d%%, stage 2 %d%% with %d gaps; want a company near, not at, certification",
				r.Stage1Percent, r.Stage2Percent, len(r.Gaps))
		}
		total := 0
		for _, c := range r.Clauses {
			total += c.Total
			if c.Percent != c.Present*100/c.Total {
				t.Errorf("clause %s: %d%% of %d/%d", c.Clause, c.Percent, c.Present, c.Total)
			}
		}
		if total != len(r.Stage1) {
			t.Errorf("clause scores count %d items, stage 1 has %d", total, len(r.Stage1))
		}
		for _, g := range r.Gaps {
			if len(g.Missing) == 0 {
				t.Errorf("gap %s names nothing missing", g.ID)
			}
		}
	})
}
