package server_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// Records for the rules of vulnerability management: each call that
// changes one gets its own, made by the operator.

// scanFile is a Nessus v2 file of one host at ip with one medium finding,
// named so that no two calls send the same file (a repeat is refused).
func (f *fixture) scanFile(ip string) string {
	return fmt.Sprintf(`<?xml version="1.0" ?><NessusClientData_v2><Report name="Scan %s"><ReportHost name="%s"><HostProperties>`+
		`<tag name="host-ip">%s</tag><tag name="HOST_END">%s</tag></HostProperties><ReportItem port="80" svc_name="www" protocol="tcp" `+
		`severity="2" pluginID="1002" pluginName="Apache" pluginFamily="Web Servers"><synopsis>Outdated Apache.</synopsis></ReportItem>`+
		`</ReportHost></Report></NessusClientData_v2>`, f.unique(), ip, ip, time.Now().UTC().Format(time.ANSIC))
}

// scanFinding imports a scan of a fresh asset, owned by a fresh member so
// that no caller owns it, and returns the scan's id and its finding's.
func (f *fixture) scanFinding() (string, string) {
	f.t.Helper()
	ctx := context.Background()
	n := f.unique()
	ip := "10.9." + n + ".1"
	if _, err := f.svc.CreateAsset(ctx, f.op, isms.Asset{Name: "host " + n, Type: isms.AssetServer, OwnerID: f.target().ID,
		Attributes: map[string]string{"ip": ip}}); err != nil {
		f.t.Fatal(err)
	}
	res, err := f.svc.ImportNessus(ctx, f.op, "scan.nessus", strings.NewReader(f.scanFile(ip)))
	if err != nil {
		f.t.Fatal(err)
	}
	page, err := f.svc.ListFindings(ctx, f.op, store.FindingFilter{ScanID: res.Scan.ID})
	if err != nil || len(page.Findings) != 1 {
		f.t.Fatalf("the scan's findings: %+v %v", page, err)
	}
	return res.Scan.ID, page.Findings[0].ID
}
