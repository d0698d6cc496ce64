package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/nessus/nessustest"
	"github.com/isms-dev/isms/internal/store"
)

func TestNessusImportTracksFindingsAcrossScans(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		gpu := mustAsset(t, e, manager, isms.Asset{Name: "gpu-node-1", Type: isms.AssetComputeCluster, OwnerID: manager.Member.ID,
			Attributes: map[string]string{"ip": "10.0.0.5"}})

		day1 := e.clock.Add(-48 * time.Hour)
		first := nessustest.File("Weekly scan 1", day1,
			nessustest.Host{Name: "10.0.0.5", IP: "10.0.0.5", Items: []nessustest.Item{
				{Plugin: 1001, Port: 443, Severity: 4, Name: "OpenSSL", Exploit: true, CVE: "CVE-2026-0001"},
				{Plugin: 1002, Port: 80, Severity: 2, Name: "Apache"},
				{Plugin: 19506, Port: 0, Severity: 0, Name: "Scan info"},
			}, Compliance: []string{"PASSED", "FAILED"}},
			nessustest.Host{Name: "build-1", IP: "10.0.0.9", FQDN: "build-1.acme.example", Items: []nessustest.Item{{Plugin: 1003, Port: 22, Severity: 3, Name: "OpenSSH"}}})
		if _, err := e.svc.ImportNessus(ctx, viewer, "scan1.nessus", strings.NewReader(first)); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a viewer importing: err = %v, want forbidden", err)
		}
		res, err := e.svc.ImportNessus(ctx, manager, "scan1.nessus", strings.NewReader(first))
		if err != nil {
			t.Fatal(err)
		}
		sc := res.Scan
		if sc.Name != "Weekly scan 1" || sc.Policy != "Weekly" || sc.Hosts != 2 || sc.Findings != 4 || sc.New != 4 || sc.Compliance != 2 ||
			sc.AssetsCreated != 1 || sc.BySeverity != [5]int{1, 0, 1, 1, 1} {
			t.Errorf("first import = %+v", sc)
		}
		detail, err := e.svc.Scan(ctx, viewer, sc.ID)
		if err != nil || len(detail.Hosts) != 2 {
			t.Fatalf("scan detail = %+v, %v", detail, err)
		}
		for _, h := range detail.Hosts {
			switch h.Name {
			case "10.0.0.5":
				if h.AssetID != gpu.ID || h.MatchedBy != "ip" || !h.Credentialed || h.OS != "Linux Kernel 6.1" {
					t.Errorf("host 10.0.0.5 = %+v; want gpu-node-1 matched by ip", h)
				}
			case "build-1":
				if h.MatchedBy != "created" || h.AssetName != "build-1.acme.example" {
					t.Errorf("host build-1 = %+v; want a discovered asset named by its FQDN", h)
				}
			}
		}
		if len(detail.Compliance) != 2 || detail.Compliance[0].Result != "FAILED" {
			t.Errorf("compliance results = %+v; want the failure first", detail.Compliance)
		}
		crit := isms.SeverityCritical
		page, err := e.svc.ListFindings(ctx, viewer, store.FindingFilter{Severity: &crit})
		if err != nil || len(page.Findings) != 1 {
			t.Fatalf("critical findings = %+v, %v", page, err)
		}
		f := page.Findings[0]
		if f.Plugin.Name != "OpenSSL" || f.DueDate == nil || !f.DueDate.Equal(day1.Truncate(time.Second).AddDate(0, 0, 15)) || f.Plugin.CVEs[0] != "CVE-2026-0001" {
			t.Errorf("critical finding = %+v due %v; want OpenSSL due 15 days after it was seen", f, f.DueDate)
		}
		if byCVE, _ := e.svc.ListFindings(ctx, viewer, store.FindingFilter{CVE: "cve-2026-0001"}); byCVE.Total != 1 {
			t.Errorf("findings of CVE-2026-0001 = %d", byCVE.Total)
		}

		// The same file again is refused.
		if _, err := e.svc.ImportNessus(ctx, manager, "again.nessus", strings.NewReader(first)); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("importing the same file twice: err = %v, want conflict", err)
		}

		// The next scan no longer reports Apache on the GPU node: fixed.
		day2 := e.clock.Add(-24 * time.Hour)
		second := nessustest.File("Weekly scan 2", day2,
			nessustest.Host{Name: "10.0.0.5", IP: "10.0.0.5", Items: []nessustest.Item{
				{Plugin: 1001, Port: 443, Severity: 4, Name: "OpenSSL", Exploit: true, CVE: "CVE-2026-0001"},
				{Plugin: 19506, Port: 0, Severity: 0, Name: "Scan info"},
			}})
		res, err = e.svc.ImportNessus(ctx, manager, "scan2.nessus", strings.NewReader(second))
		if err != nil {
			t.Fatal(err)
		}
		if sc := res.Scan; sc.New != 0 || sc.SeenAgain != 2 || sc.Fixed != 1 || sc.AssetsCreated != 0 {
			t.Errorf("second import = %+v; want two seen again and Apache fixed (build-1 was not scanned)", sc)
		}
		open, _ := e.svc.ListFindings(ctx, viewer, store.FindingFilter{Status: isms.FindingOpen})
		if open.Total != 3 {
			t.Errorf("open findings after the second scan = %d, want 3", open.Total)
		}
		if d, _ := e.svc.Scan(ctx, viewer, res.Scan.ID); d.Previous == nil || d.Previous.Name != "Weekly scan 1" {
			t.Errorf("the second scan does not compare with the first: %+v", d.Previous)
		}

		// It comes back: reopened, with a new deadline.
		third := nessustest.File("Weekly scan 3", e.clock, nessustest.Host{Name: "10.0.0.5", IP: "10.0.0.5", Items: []nessustest.Item{
			{Plugin: 1001, Port: 443, Severity: 4, Name: "OpenSSL", Exploit: true, CVE: "CVE-2026-0001"},
			{Plugin: 1002, Port: 80, Severity: 2, Name: "Apache"},
		}})
		res, err = e.svc.ImportNessus(ctx, manager, "scan3.nessus", strings.NewReader(third))
		if err != nil {
			t.Fatal(err)
		}
		if sc := res.Scan; sc.Again != 1 || sc.Fixed != 1 {
			t.Errorf("third import = %+v; want Apache reopened and the info finding fixed", sc)
		}
		apache, _ := e.svc.ListFindings(ctx, viewer, store.FindingFilter{PluginID: 1002})
		d, err := e.svc.Finding(ctx, viewer, apache.Findings[0].ID)
		if err != nil || len(d.Events) != 3 || d.Events[0].Kind != "new" || d.Events[1].Kind != "fixed" || d.Events[2].Kind != "reopened" {
			t.Errorf("Apache history = %+v, %v", d.Events, err)
		}

		// Deadlines follow the organisation's SLA; metrics count them.
		e.clock = e.clock.AddDate(0, 0, 20)
		m, err := e.svc.VulnMetrics(ctx, viewer)
		if err != nil || m.OpenBySeverity[4] != 1 || m.Overdue != 1 || m.Scans != 3 || m.Fixed != 1 {
			t.Errorf("metrics = %+v, %v; want the critical overdue", m, err)
		}
		if err := e.svc.SetVulnSLA(ctx, manager, isms.SLA{CriticalDays: 60, HighDays: 90, MediumDays: 180}); err != nil {
			t.Fatal(err)
		}
		if m, _ := e.svc.VulnMetrics(ctx, viewer); m.Overdue != 0 {
			t.Errorf("overdue after relaxing the SLA = %d, want 0", m.Overdue)
		}
		wantFields(t, e.svc.SetVulnSLA(ctx, manager, isms.SLA{CriticalDays: -1}), "critical_days")

		// A risk from the critical finding, prefilled.
		k, err := e.svc.RaiseRisk(ctx, manager, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if k.ThreatRef != "infosec-threats:TH-UNA-06" || len(k.AssetIDs) != 1 || k.AssetIDs[0] != gpu.ID || !strings.Contains(k.Vulnerability, "CVE-2026-0001") {
			t.Errorf("raised risk = %+v", k)
		}
		if _, err := e.svc.RaiseRisk(ctx, manager, f.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("raising a second risk: err = %v, want conflict", err)
		}
		if !mustVerifyApp(t, e) {
			t.Error("ledger")
		}
	})
}

func TestNessusImportIsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		good := nessustest.File("Scan", e.clock, nessustest.Host{Name: "10.0.0.7", IP: "10.0.0.7", Items: []nessustest.Item{{Plugin: 1, Port: 1, Severity: 3, Name: "X"}}})
		for _, tt := range []struct {
			name, body, want string
		}{
			{"truncated", good[:len(good)-40], "is not closed"},
			{"empty", "", "the file is empty"},
			{"v1", `<?xml version="1.0"?><NessusClientData><Report/></NessusClientData>`, "v1"},
			{"not nessus", `<?xml version="1.0"?><html><body/></html>`, "html"},
			{"entity", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><NessusClientData_v2/>`, "DOCTYPE"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				before, _ := e.db.LedgerHead(ctx, manager.Org.ID)
				_, err := e.svc.ImportNessus(ctx, manager, tt.name+".nessus", strings.NewReader(tt.body))
				if !errors.Is(err, isms.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("err = %v; want invalid, mentioning %q", err, tt.want)
				}
				if after, _ := e.db.LedgerHead(ctx, manager.Org.ID); after != before {
					t.Errorf("a refused file changed the records: ledger head %+v, then %+v", before, after)
				}
				if page, _ := e.svc.ListFindings(ctx, manager, store.FindingFilter{}); page.Total != 0 {
					t.Errorf("a refused file left %d findings", page.Total)
				}
			})
		}
	})
}
