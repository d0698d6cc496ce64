package app_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
)

func frameworkFile(id, mapsTo string) app.FrameworkFile {
	data := fmt.Sprintf("format: isms-framework/1\nid: %s\nname: %s\nversion: '1'\nkind: custom\nitems:\n  - id: C-1\n    kind: control\n    title: One\n", id, id)
	if mapsTo != "" {
		data += "mappings:\n  - from: C-1\n    to: " + mapsTo + "\n    relation: related\n"
	}
	return app.FrameworkFile{Name: id + ".yaml", Data: []byte(data)}
}

// TestConcurrentImportsOfOneID shows the check and the store are one step:
// of two imports of the same id at once, exactly one succeeds.
func TestConcurrentImportsOfOneID(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		acc := e.opAccess(t)
		const n = 16
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := e.svc.ImportFrameworks(ctx, acc, frameworkFile("same-id", "iso27001-2022:A.5.1"))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		ok, taken := 0, 0
		for err := range errs {
			var problems framework.Problems
			switch {
			case err == nil:
				ok++
			case errors.As(err, &problems):
				taken++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 || taken != n-1 {
			t.Errorf("%d imports succeeded and %d were refused, want 1 and %d", ok, taken, n-1)
		}
		imports, _ := e.svc.FrameworkImports(ctx, acc)
		if len(imports) != 1 {
			t.Errorf("%d imports stored, want 1", len(imports))
		}
	})
}

func TestFrameworkChoicesAndImports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		acc := e.opAccess(t)
		viewer := e.member(t, "v@acme.example", isms.RoleViewer)
		views, err := e.svc.Frameworks(ctx, acc)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range views {
			if v.Enabled != (v.ID == framework.ISO27001v2022) {
				t.Errorf("%s enabled = %v by default", v.ID, v.Enabled)
			}
		}
		if _, err := e.svc.SetFrameworkEnabled(ctx, viewer, framework.ISO42001, true); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer chose a framework: %v", err)
		}
		if _, err := e.svc.SetFrameworkEnabled(ctx, acc, framework.AtlasID, true); len(isms.FieldErrors(err)) == 0 {
			t.Errorf("a threat library was switched on: %v", err)
		}
		if _, err := e.svc.SetFrameworkEnabled(ctx, acc, framework.ISO42001, true); err != nil {
			t.Fatal(err)
		}
		base, _, err := e.svc.ImportFrameworks(ctx, acc, frameworkFile("base-set", "iso27001-2022:A.5.1"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.ImportFrameworks(ctx, acc, frameworkFile("on-top", "base-set:C-1")); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.RemoveFrameworkImport(ctx, acc, base.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("removing an import another maps to: %v", err)
		}
		if _, _, err := e.svc.ImportFrameworks(ctx, viewer, frameworkFile("by-viewer", "")); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer imported: %v", err)
		}
		// Another organisation sees none of it.
		if _, err := e.svc.CreateOrg(ctx, e.op, app.OrgInput{Slug: "beta", Name: "Beta"}); err != nil {
			t.Fatal(err)
		}
		beta, _ := e.svc.OpenOrg(ctx, e.op, "beta")
		if _, _, err := e.svc.Framework(ctx, beta, "base-set"); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("beta sees acme's framework: %v", err)
		}
		if v, _, _ := e.svc.Framework(ctx, beta, framework.ISO42001); v.Enabled {
			t.Error("acme's choice leaked into beta")
		}
		r, err := e.svc.VerifyLedger(ctx, acc)
		if err != nil || !r.OK() {
			t.Errorf("ledger: %+v %v", r.Problems, err)
		}
	})
}
