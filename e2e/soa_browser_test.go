package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	cdp "github.com/chromedp/chromedp"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

const vulnManagement = "iso27001-2022:A.8.8"

// download clicks a download link and returns the file the browser saved
// in dir, which the browser's download behaviour must name.
func download(t *testing.T, ctx context.Context, dir string, link cdp.CSS) []byte {
	t.Helper()
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	progress := cdp.Events(dctx, browser.DownloadProgress)
	if err := cdp.Do(ctx, cdp.Click(link)); err != nil {
		t.Fatalf("click %s: %v", link, err)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download from %s: %v", link, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCanceled:
			t.Fatalf("the download from %s was cancelled", link)
		case browser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no download from %s", link)
	return nil
}

// TestBrowserStatementFromTreatmentToApprovedExports is the path
// through the Statement of Applicability: treat a risk with a control, see
// the control become included with that risk as its reason, upload
// evidence for it, approve the statement, and download the approved
// version as XLSX and PDF.
func TestBrowserStatementFromTreatmentToApprovedExports(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	bg := context.Background()
	op, err := s.Svc.OpenOrg(bg, app.OperatorPrincipal("cli:test"), s.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	dana, _, err := s.Svc.ListMembers(bg, op, isms.MemberFilter{Query: "dana"})
	if err != nil || len(dana) != 1 {
		t.Fatalf("dana: %v", err)
	}

	// The givens, through the app: every control decided but A.8.8, and a
	// risk not yet treated.
	doc, err := s.Svc.SoA(bg, op, "iso27001-2022", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range doc.Entries {
		in := app.ControlInput{Applicability: ptr("included")}
		switch {
		case e.Control == vulnManagement:
			continue
		case strings.HasPrefix(e.ID, "A.7."):
			in = app.ControlInput{Applicability: ptr("excluded"),
				ExclusionReason: ptr("Helix AI has no premises of its own: staff work remotely and the models run in a cloud provider's regions.")}
		default:
			if _, err := s.Svc.AddControlReason(bg, op, e.Control, "business", "Customer assurance commitments", "https://helix.example/trust"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Svc.UpdateControl(bg, op, e.Control, in); err != nil {
			t.Fatalf("decide %s: %v", e.ID, err)
		}
	}
	if _, err := s.Svc.CreateRisk(bg, op, app.RiskInput{Title: "Known vulnerabilities in the GPU inference nodes",
		ThreatText: "Exploitation of published vulnerabilities", AffectsC: true, AffectsA: true,
		InherentLikelihood: 4, InherentImpact: 4, OwnerID: dana[0].ID}); err != nil {
		t.Fatal(err)
	}

	signIn(t, ctx, s, ".stats")

	// Treat R-001 with A.8.8 on the treatment form.
	err = cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/risks/R-001/treat"),
		cdp.WaitVisible(cdp.ID("treat-form")),
		cdp.Click(cdp.ID("treatment-mitigate")),
		cdp.SetValue(cdp.ID("other-controls"), vulnManagement),
		cdp.SetValue(cdp.ID("t-likelihood"), "2"),
		cdp.SetValue(cdp.ID("t-impact"), "3"),
		cdp.SendKeys(cdp.ID("t-notes"), "Scan weekly and patch within the agreed windows."),
		cdp.Submit(cdp.ID("t-notes")),
		cdp.WaitVisible(cdp.ID("risk-controls")),
	)
	if err != nil {
		t.Fatalf("treat R-001: %v", err)
	}
	waitText(t, ctx, "#risk-controls", "A.8.8")

	// The statement includes A.8.8 because of R-001.
	row := `tr[data-control="` + vulnManagement + `"]`
	err = cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/soa"),
		cdp.WaitVisible(cdp.CSS(row)),
	)
	if err != nil {
		t.Fatalf("statement: %v", err)
	}
	attrs, err := cdp.Run(ctx, cdp.Attributes(cdp.CSS(row)))
	if err != nil || attrs["data-applicability"] != "included" {
		t.Errorf("A.8.8's row: %v %v, want included", attrs, err)
	}
	waitText(t, ctx, cdp.CSS(row+" td.reasons"), "R-001")
	waitText(t, ctx, cdp.CSS(row+" .derived"), "derived from R-001")
	if c := text(t, ctx, "#soa-summary"); !strings.Contains(c, "Not decided\n0") && !strings.Contains(c, "Not decided 0") {
		t.Errorf("the summary counts undecided controls: %q", c)
	}
	screenshot(t, ctx, "soa")

	// Inline editing: a row saves when a select changes, except an
	// exclusion, which waits for its justification.
	focused, err := cdp.Run(ctx, cdp.Evaluate[string](`(() => {
		const sel = document.querySelector('tr[data-control="iso27001-2022:A.5.1"] select[name="applicability"]');
		sel.value = "excluded";
		sel.dispatchEvent(new Event("change"));
		return document.activeElement.name;
	})()`))
	if err != nil || focused != "exclusion_reason" {
		t.Errorf("excluding A.5.1 inline focuses %q (%v), want its justification", focused, err)
	}
	_, err = cdp.Run(ctx, cdp.Evaluate[bool](`(() => {
		const sel = document.querySelector('`+row+` select[name="status"]');
		sel.value = "implemented";
		sel.dispatchEvent(new Event("change"));
		return true;
	})()`))
	if err != nil {
		t.Fatalf("save A.8.8's status inline: %v", err)
	}
	waitText(t, ctx, ".flash", "A.8.8 saved: Implemented.")
	if loc, err := cdp.Run(ctx, cdp.Location()); err != nil || !strings.HasSuffix(loc, "#c-iso27001-2022-A.8.8") {
		t.Errorf("after saving a row the address is %q, %v; want its row", loc, err)
	}

	// Its page, and evidence uploaded through the form.
	pdf := filepath.Join(t.TempDir(), "vulnerability-scan-2026-q3.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = cdp.Do(ctx,
		cdp.Click(cdp.CSS(row+` a[href$="A.8.8"]`)),
		cdp.WaitVisible(cdp.ID("upload-form")),
	)
	if err != nil {
		t.Fatalf("open A.8.8: %v", err)
	}
	if h := text(t, ctx, "h1"); !strings.Contains(h, "Management of technical vulnerabilities") {
		t.Errorf("the control's page is %q", h)
	}
	waitText(t, ctx, "#risks", "R-001")
	// A file dropped on the drop zone goes into its file input.
	dropped, err := cdp.Run(ctx, cdp.Evaluate[string](`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File(["dropped"], "dropped.txt", {type: "text/plain"}));
		document.querySelector("#upload-form [data-dropzone]").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return document.getElementById("up-file").files[0].name;
	})()`))
	if err != nil || dropped != "dropped.txt" {
		t.Errorf("a file dropped on the drop zone: %q %v", dropped, err)
	}
	waitText(t, ctx, "#upload-form .chosen", "dropped.txt")
	// A mark on the window tells the script's upload, which keeps the
	// window and shows the answer in it, from a plain form post.
	if _, err := cdp.Run(ctx, cdp.Evaluate[int]("window.uploadMark = 1")); err != nil {
		t.Fatal(err)
	}
	err = cdp.Do(ctx,
		cdp.SetUploadFiles(cdp.ID("up-file"), []string{pdf}),
		cdp.SendKeys(cdp.ID("up-title"), "Vulnerability scan, third quarter"),
		cdp.Click(cdp.CSS(`#upload-form button[type="submit"]`)),
		cdp.WaitVisible(cdp.CSS(`#evidence tr[data-freshness="current"]`)),
	)
	if err != nil {
		t.Fatalf("upload evidence: %v", err)
	}
	waitText(t, ctx, "#evidence", "Vulnerability scan, third quarter")
	if mark, err := cdp.Run(ctx, cdp.Evaluate[int]("window.uploadMark || 0")); err != nil || mark != 1 {
		t.Errorf("the upload did not go through the script with its progress bar (mark %d, %v)", mark, err)
	}
	if loc, err := cdp.Run(ctx, cdp.Location()); err != nil || !strings.HasSuffix(loc, "/controls/"+vulnManagement+"#evidence") {
		t.Errorf("after the upload the address is %q, %v", loc, err)
	}
	waitText(t, ctx, ".flash", "Evidence added")
	waitText(t, ctx, "#control-freshness", "Current")
	screenshot(t, ctx, "control")

	// Approve, then download version 1.
	err = cdp.Do(ctx,
		cdp.Navigate(s.URL+"/o/helix-ai/soa/iso27001-2022"),
		cdp.WaitVisible(cdp.ID("approve-form")),
		cdp.SendKeys(cdp.ID("approve-note"), "Approved at the management review."),
		cdp.Click(cdp.ID("approve-soa")),
		cdp.WaitVisible(cdp.ID("frozen")),
	)
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	waitText(t, ctx, "#frozen", "Version 1")
	dir := t.TempDir()
	err = cdp.Do(ctx, cdp.Func(func(ctx context.Context, _ *cdp.Target) error {
		_, err := cdp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: ptr(true)})
		return err
	}))
	if err != nil {
		t.Fatalf("set the download folder: %v", err)
	}
	if b := download(t, ctx, dir, `#version-1 a[data-format="xlsx"]`); !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		t.Errorf("the XLSX download starts with %q, not a zip's signature", b[:min(len(b), 8)])
	}
	if b := download(t, ctx, dir, `#version-1 a[data-format="pdf"]`); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("the PDF download starts with %q", b[:min(len(b), 8)])
	}

	// What the browser did is in the records and the ledger.
	v, err := s.Svc.SoA(bg, op, "iso27001-2022", 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range v.Entries {
		if e.Control != vulnManagement {
			continue
		}
		if !e.Included() || len(e.Reasons) != 1 || e.Reasons[0].Ref != "R-001" || len(e.Evidence) != 1 || e.Evidence[0].Freshness != isms.Current {
			t.Errorf("A.8.8 in version 1 = %+v", e)
		}
	}
	versions, err := s.Svc.SoAVersions(bg, op, "iso27001-2022")
	if err != nil || len(versions) != 1 || versions[0].ApprovedBy != dana[0].ID || versions[0].Note != "Approved at the management review." {
		t.Fatalf("versions: %+v %v", versions, err)
	}
	entries, _, err := s.Svc.History(bg, op, app.HistoryFilter{RecordType: store.RecordSoAVersion})
	if err != nil || len(entries) != 1 || entries[0].Actor != "user:"+dana[0].UserID {
		t.Errorf("the ledger's approval entries: %+v %v", entries, err)
	}
}

func ptr[T any](v T) *T { return &v }
