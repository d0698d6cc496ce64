package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/config"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

const (
	vulnManagement = "iso27001-2022:A.8.8"
	soaPath        = "/o/helix-ai/soa/iso27001-2022"
	// maxEvidence is the test store's file limit, small enough to exceed.
	maxEvidence = 64 << 10
)

// soaSite is a site with an evidence store, the owner Dana signed in, an
// ISMS manager Lee and a contributor Cole, and risk R-001 treated with
// A.8.8.
type soaSite struct {
	*site
	op              app.Access
	dana, lee, cole string // member ids
	owner           *browser
	manager, helper *browser
	riskID          string
}

func newSoASite(t *testing.T, db *dbtest.DB) *soaSite {
	t.Helper()
	files, err := evidence.Open(t.TempDir(), maxEvidence)
	if err != nil {
		t.Fatal(err)
	}
	s := newSiteOn(t, config.Default(), db, files)
	ctx := context.Background()
	op, err := s.svc.OpenOrg(ctx, app.OperatorPrincipal("cli:test"), "helix-ai")
	if err != nil {
		t.Fatal(err)
	}
	ss := &soaSite{site: s, op: op}
	for _, m := range []struct {
		mail, name, role string
		id               *string
	}{{"lee@helix.example", "Lee", "isms_manager", &ss.lee}, {"cole@helix.example", "Cole", "contributor", &ss.cole}} {
		added, err := s.svc.AddMember(ctx, op, app.MemberInput{Email: m.mail, Name: m.name, Role: m.role, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		*m.id = added.Member.ID
	}
	list, _, err := s.svc.ListMembers(ctx, op, isms.MemberFilter{Query: email})
	if err != nil || len(list) != 1 {
		t.Fatalf("dana: %v %v", list, err)
	}
	ss.dana = list[0].ID
	k, err := s.svc.CreateRisk(ctx, op, app.RiskInput{Title: "Unpatched GPU nodes", ThreatText: "Exploitation of known vulnerabilities",
		AffectsC: true, InherentLikelihood: 4, InherentImpact: 4, OwnerID: ss.dana})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.TreatRisk(ctx, op, k.ID, app.TreatmentInput{Treatment: "mitigate", Controls: []string{vulnManagement},
		ResidualLikelihood: 2, ResidualImpact: 2}); err != nil {
		t.Fatal(err)
	}
	ss.riskID = k.ID
	ss.owner = s.browser(t)
	ss.owner.login(password)
	ss.manager = ss.signIn(t, "lee@helix.example")
	ss.helper = ss.signIn(t, "cole@helix.example")
	return ss
}

func (ss *soaSite) signIn(t *testing.T, mail string) *browser {
	t.Helper()
	b := ss.browser(t)
	resp, _ := b.do("POST", "/login", url.Values{"email": {mail}, "password": {password}, "csrf": {b.csrf("/login")}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", mail, resp.StatusCode)
	}
	return b
}

func ptr[T any](v T) *T { return &v }

// control reads a control's record through the app.
func (ss *soaSite) control(t *testing.T, ref string) isms.Control {
	t.Helper()
	d, err := ss.svc.Control(context.Background(), ss.op, ref)
	if err != nil {
		t.Fatal(err)
	}
	return d.Record
}

// row posts a row of the statement: fields as the page showed them (was)
// and as changed.
func (b *browser) row(ref string, was, now map[string]string) (*http.Response, string) {
	b.t.Helper()
	form := url.Values{"inline": {"1"}, "framework": {"iso27001-2022"}, "back": {soaPath + "?theme=x#row"}}
	for k, v := range was {
		form.Set(k+"_was", v)
	}
	for k, v := range now {
		form.Set(k, v)
	}
	return b.postForm("/o/helix-ai/controls/edit/"+ref, soaPath, form)
}

// part is one field of a multipart form.
type part struct{ name, value string }

// upload posts a multipart form: the fields in order, then the file
// unless it is nil; with fileFirst, the file comes before the fields.
func (b *browser) upload(path string, fields []part, fileName string, file []byte, fileFirst bool) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	writeFile := func() {
		if file == nil {
			return
		}
		w, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			b.t.Fatal(err)
		}
		_, _ = w.Write(file)
	}
	if fileFirst {
		writeFile()
	}
	for _, f := range fields {
		_ = mw.WriteField(f.name, f.value)
	}
	if !fileFirst {
		writeFile()
	}
	if err := mw.Close(); err != nil {
		b.t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", b.s.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

var rowPattern = regexp.MustCompile(`<tr id="c-iso27001-2022-A\.[0-9.]+" data-control="iso27001-2022:A\.`)

func rowsOf(body string) int { return len(rowPattern.FindAllString(body, -1)) }

func TestStatementOfApplicabilityPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ss := newSoASite(t, db)
		b := ss.owner
		ctx := context.Background()

		resp, _ := b.do("GET", "/o/helix-ai/soa", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != soaPath {
			t.Fatalf("statement index: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := b.do("GET", soaPath, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("statement: %d", resp.StatusCode)
		}
		if n := rowsOf(body); n != 93 {
			t.Errorf("the 2022 statement shows %d rows, want 93", n)
		}
		mustContain(t, "statement", body, `id="control-count">93 of 93 controls`, `A.5 Organizational controls`,
			`href="/o/helix-ai/controls/iso27001-2022:A.8.8"`, `derived from <a href="/o/helix-ai/risks/R-001">R-001</a>`,
			`Included (derived)`, `/o/helix-ai/soa/iso27001-2022/export?format=xlsx`, `/o/helix-ai/soa/iso27001-2022/export?format=oscal`,
			`data-flag="undecided"`, `id="approve-soa"`, `Statement of Applicability</a>`)

		// An inline edit saves only what changed and returns to the row.
		resp, _ = b.row("iso27001-2022:A.5.1", map[string]string{"applicability": "", "status": "not_started", "owner_id": ""},
			map[string]string{"applicability": "included", "status": "planned", "owner_id": ss.lee})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != soaPath+"?theme=x#row" {
			t.Fatalf("inline edit: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if c := ss.control(t, "iso27001-2022:A.5.1"); c.Applicability != isms.Included || c.Status != isms.Planned || c.OwnerID != ss.lee {
			t.Errorf("after the inline edit A.5.1 = %+v", c)
		}
		// A row showing an owner who has changed since does not put the old
		// one back when only its status is saved.
		resp, _ = b.row("iso27001-2022:A.5.1", map[string]string{"status": "planned", "owner_id": ss.dana},
			map[string]string{"status": "partial", "owner_id": ss.dana})
		if c := ss.control(t, "iso27001-2022:A.5.1"); resp.StatusCode != http.StatusSeeOther || c.Status != isms.PartiallyImplemented || c.OwnerID != ss.lee {
			t.Errorf("status-only save: %d, A.5.1 = %+v", resp.StatusCode, c)
		}

		// Excluding without a justification is refused on the row.
		resp, body = b.row("iso27001-2022:A.7.4", map[string]string{"applicability": "", "exclusion_reason": ""},
			map[string]string{"applicability": "excluded", "exclusion_reason": ""})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("exclusion without reason: %d", resp.StatusCode)
		}
		mustContain(t, "refused row", body, `id="c-iso27001-2022-A.7.4"`, `is required to exclude a control: say why it does not apply`,
			`<option value="excluded" selected>Excluded</option>`)
		if c := ss.control(t, "iso27001-2022:A.7.4"); c.Applicability != isms.Undecided {
			t.Errorf("a refused exclusion changed A.7.4: %+v", c)
		}
		resp, _ = b.row("iso27001-2022:A.7.4", map[string]string{"applicability": "", "exclusion_reason": ""},
			map[string]string{"applicability": "excluded", "exclusion_reason": "We have no premises: staff work remotely."})
		if c := ss.control(t, "iso27001-2022:A.7.4"); resp.StatusCode != http.StatusSeeOther || c.Applicability != isms.Excluded {
			t.Errorf("exclusion with reason: %d, %+v", resp.StatusCode, c)
		}

		// Filters.
		for query, want := range map[string][]string{
			"status=partial":               {"A.5.1"},
			"applicability=excluded":       {"A.7.4"},
			"owner=" + ss.lee:              {"A.5.1"},
			"q=A.8.8":                      {"A.8.8"},
			"theme=A.7+Physical+controls":  {"A.7.1", "A.7.4"},
			"applicability=included&q=A.8": {"A.8.8"},
		} {
			_, body := b.do("GET", soaPath+"?"+query, nil)
			for _, id := range want {
				if !strings.Contains(body, `id="c-iso27001-2022-`+id+`"`) {
					t.Errorf("filter %s does not show %s", query, id)
				}
			}
			if query != "theme=A.7+Physical+controls" && rowsOf(body) != len(want) {
				t.Errorf("filter %s shows %d rows, want %d", query, rowsOf(body), len(want))
			}
		}
		if _, body := b.do("GET", soaPath+"?evidence=none&flagged=1", nil); rowsOf(body) != 91 {
			t.Errorf("flagged controls without evidence: %d rows, want 91 (all but A.7.4, excluded, and A.8.8, derived)", rowsOf(body))
		}

		// A contributor changes the status of the controls they own, and
		// nothing else.
		if _, err := ss.svc.UpdateControl(ctx, ss.op, "iso27001-2022:A.5.2", app.ControlInput{OwnerID: ptr(ss.cole)}); err != nil {
			t.Fatal(err)
		}
		_, body = ss.helper.do("GET", soaPath, nil)
		if strings.Count(body, `name="inline"`) != 1 || !strings.Contains(body, `<form id="row-c-iso27001-2022-A.5.2"`) {
			t.Errorf("the contributor's statement has %d row forms, want the one of A.5.2", strings.Count(body, `name="inline"`))
		}
		for _, c := range []struct {
			ref      string
			was, now map[string]string
			want     int
		}{
			{"iso27001-2022:A.5.1", map[string]string{"status": "partial"}, map[string]string{"status": "implemented"}, http.StatusForbidden},
			{"iso27001-2022:A.5.2", map[string]string{"applicability": ""}, map[string]string{"applicability": "included"}, http.StatusForbidden},
			{"iso27001-2022:A.5.2", map[string]string{"status": "not_started"}, map[string]string{"status": "planned"}, http.StatusSeeOther},
		} {
			resp, body := ss.helper.row(c.ref, c.was, c.now)
			if resp.StatusCode != c.want {
				t.Errorf("contributor saving %s %v: %d, want %d\n%s", c.ref, c.now, resp.StatusCode, c.want, body)
			}
		}
		if c := ss.control(t, "iso27001-2022:A.5.1"); c.Status != isms.PartiallyImplemented {
			t.Errorf("a contributor changed a control they do not own: %+v", c)
		}

		// The organisation's own control joins the statement.
		resp, _ = b.postForm("/o/helix-ai/controls", soaPath, url.Values{"framework": {"iso27001-2022"}, "code": {"ORG-1"},
			"title": {"Model release review"}, "description": {"Every model release is reviewed."}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/helix-ai/controls/org:ORG-1" {
			t.Fatalf("custom control: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body = b.postForm("/o/helix-ai/controls", soaPath, url.Values{"framework": {"iso27001-2022"}, "code": {"bad code!"}, "title": {"x"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "must be 1 to 32 letters") {
			t.Errorf("custom control with a bad code: %d", resp.StatusCode)
		}
		_, body = b.do("GET", soaPath, nil)
		mustContain(t, "statement with a custom control", body, `data-control="org:ORG-1"`, "Organisation&#39;s own controls", `94 of 94 controls`)

		// Approval names what blocks it.
		resp, body = b.postForm(soaPath+"/approve", soaPath, url.Values{"note": {"First approval"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("approving an undecided statement: %d", resp.StatusCode)
		}
		mustContain(t, "refused approval", body, `id="approve-errors"`, "controls are neither included nor excluded: A.5.2, A.5.3")
		doc, err := ss.svc.SoA(ctx, ss.op, "iso27001-2022", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range doc.Entries {
			if e.Applicability == isms.Undecided {
				if _, err := ss.svc.UpdateControl(ctx, ss.op, e.Control, app.ControlInput{Applicability: ptr("included")}); err != nil {
					t.Fatal(err)
				}
			}
		}
		resp, _ = ss.manager.postForm(soaPath+"/approve", soaPath, url.Values{"note": {"First approval"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != soaPath+"?version=1" {
			t.Fatalf("approve: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = b.do("GET", soaPath+"?version=1", nil)
		mustContain(t, "version 1", body, `id="frozen"`, "approved by Lee", "First approval", `id="version-1" class="current"`,
			`/o/helix-ai/soa/iso27001-2022/export?format=pdf&amp;version=1`)
		if strings.Contains(body, `name="inline"`) || strings.Contains(body, `id="approve-form"`) {
			t.Error("a frozen version shows forms that change the records")
		}
		if resp, _ := ss.helper.postForm(soaPath+"/approve", soaPath, url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a contributor approving: %d, want 403", resp.StatusCode)
		}

		for _, c := range []struct{ format, file, magic string }{
			{"xlsx", "helix-ai-soa-iso27001-2022-v1.xlsx", "PK"},
			{"pdf", "helix-ai-soa-iso27001-2022-v1.pdf", "%PDF"},
			{"csv", "helix-ai-soa-iso27001-2022-v1.csv", ""},
			{"oscal", "helix-ai-soa-iso27001-2022-v1.oscal.json", "{"},
		} {
			resp, body := b.do("GET", soaPath+"/export?version=1&format="+c.format, nil)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Disposition") != `attachment; filename=`+c.file ||
				!strings.HasPrefix(body, c.magic) {
				t.Errorf("export %s: %d %q %q", c.format, resp.StatusCode, resp.Header.Get("Content-Disposition"), body[:min(len(body), 8)])
			}
		}
		if resp, _ := b.do("GET", soaPath+"/export?format=docx", nil); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("export as docx: %d, want 422", resp.StatusCode)
		}
		if resp, _ := b.do("GET", soaPath+"/export?version=7&format=csv", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("export of a version that does not exist: %d, want 404", resp.StatusCode)
		}

		// The comparison lists what changed since, control by control.
		b.row("iso27001-2022:A.5.3", map[string]string{"status": "not_started"}, map[string]string{"status": "implemented"})
		_, body = b.do("GET", soaPath+"/compare?from=1&to=0", nil)
		mustContain(t, "comparison", body, `data-control="iso27001-2022:A.5.3"`, "Implementation status", "<del>Not started</del>", "<ins>Implemented</ins>")
		if strings.Contains(body, `data-control="iso27001-2022:A.5.4"`) {
			t.Error("the comparison lists a control that did not change")
		}
		if resp, _ := b.do("GET", soaPath+"/compare?from=9", nil); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("comparing with a version that does not exist: %d, want 422", resp.StatusCode)
		}
	})
}

func TestControlPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ss := newSoASite(t, db)
		b := ss.owner
		page := "/o/helix-ai/controls/" + vulnManagement

		resp, body := b.do("GET", page, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("control page: %d", resp.StatusCode)
		}
		mustContain(t, "control page", body, "Management of technical vulnerabilities", `href="/o/helix-ai/risks/R-001"`,
			`/o/helix-ai/frameworks/ai-security/items/`, `id="upload-form"`, `enctype="multipart/form-data"`, `id="request-form"`,
			`/o/helix-ai/frameworks/iso27001-2022/items/A.8.8`)
		if resp, _ := b.do("GET", "/o/helix-ai/controls/iso27001-2022:A.99", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a control that does not exist: %d, want 404", resp.StatusCode)
		}

		// The full record.
		resp, _ = b.postForm("/o/helix-ai/controls/edit/"+vulnManagement, "/o/helix-ai/controls/edit/"+vulnManagement, url.Values{
			"applicability": {"included"}, "status": {"implemented"}, "owner_id": {ss.lee}, "implementation": {"Weekly scans of every GPU node."},
			"review_cadence": {"yearly"}, "evidence_cadence": {"quarterly"}, "reviewed": {"1"},
			"links.0.title": {"Patch policy"}, "links.0.url": {"https://wiki.example/patch"}, "links.1.title": {""}, "links.1.url": {""}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save the record: %d", resp.StatusCode)
		}
		c := ss.control(t, vulnManagement)
		if c.Status != isms.Implemented || c.OwnerID != ss.lee || c.EvidenceCadence != isms.Quarterly || c.LastReviewed == nil ||
			len(c.Links) != 1 || c.Links[0].Title != "Patch policy" {
			t.Errorf("after the full form: %+v", c)
		}
		resp, body = b.postForm("/o/helix-ai/controls/edit/"+vulnManagement, "/o/helix-ai/controls/edit/"+vulnManagement, url.Values{
			"applicability": {"excluded"}, "status": {"implemented"}, "links.0.title": {"x"}, "links.0.url": {"ftp://x"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("an invalid record: %d", resp.StatusCode)
		}
		mustContain(t, "invalid record", body, "is required to exclude a control", "must be an http or https address")
		_, body = b.do("GET", page, nil)
		mustContain(t, "control page", body, `href="/o/helix-ai/history/control/`+c.ID+`"`, "Weekly scans of every GPU node.",
			`href="https://wiki.example/patch"`, `id="control-owner">Lee`, "Implemented, but no current evidence")
		if _, body := b.do("GET", "/o/helix-ai/history/control/"+c.ID, nil); !strings.Contains(body, "quarterly") {
			t.Error("the control's history does not show the change")
		}

		// Documented reasons.
		resp, body = b.postForm("/o/helix-ai/controls/reasons/"+vulnManagement, page, url.Values{"kind": {"contractual"}, "title": {"MSA with Acme"}, "url": {"ftp://x"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "must be an http or https address") {
			t.Errorf("a reason with a bad address: %d", resp.StatusCode)
		}
		resp, _ = b.postForm("/o/helix-ai/controls/reasons/"+vulnManagement, page, url.Values{"kind": {"contractual"}, "title": {"MSA with Acme, clause 12"},
			"url": {"https://contracts.example/acme"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add a reason: %d", resp.StatusCode)
		}
		d, err := ss.svc.Control(context.Background(), ss.op, vulnManagement)
		if err != nil || len(d.Reasons) != 1 {
			t.Fatalf("reasons: %+v %v", d.Reasons, err)
		}
		_, body = b.do("GET", page, nil)
		mustContain(t, "control page", body, `id="reason-`+d.Reasons[0].ID+`"`, "MSA with Acme, clause 12", "Contractual requirement")
		resp, _ = b.postForm("/o/helix-ai/controls/remove-reason/"+vulnManagement, page, url.Values{"id": {d.Reasons[0].ID}})
		if _, body := b.do("GET", page, nil); resp.StatusCode != http.StatusSeeOther || strings.Contains(body, "MSA with Acme") {
			t.Errorf("remove the reason: %d", resp.StatusCode)
		}

		// Tasks.
		resp, _ = b.postForm("/o/helix-ai/controls/tasks/"+vulnManagement, page, url.Values{"title": {"Scan the inference cluster"},
			"assignee_id": {ss.cole}, "due_date": {"2020-01-31"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add a task: %d", resp.StatusCode)
		}
		d, _ = ss.svc.Control(context.Background(), ss.op, vulnManagement)
		if len(d.Tasks) != 1 || d.Tasks[0].AssigneeID != ss.cole {
			t.Fatalf("tasks: %+v", d.Tasks)
		}
		_, body = b.do("GET", page, nil)
		mustContain(t, "tasks", body, `id="task-`+d.Tasks[0].ID+`" data-status="open" class="is-overdue"`, "Scan the inference cluster")

		// Evidence requests show on the assignee's overview.
		resp, body = b.postForm("/o/helix-ai/controls/requests/"+vulnManagement, page, url.Values{"title": {"Q3 scan report"}, "assignee_id": {ss.cole}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "is required") {
			t.Errorf("a request without a due date: %d", resp.StatusCode)
		}
		resp, _ = b.postForm("/o/helix-ai/controls/requests/"+vulnManagement, page, url.Values{"title": {"Q3 scan report"}, "assignee_id": {ss.cole},
			"due_date": {"2020-02-01"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("request evidence: %d", resp.StatusCode)
		}
		d, _ = ss.svc.Control(context.Background(), ss.op, vulnManagement)
		if len(d.Requests) != 1 {
			t.Fatalf("requests: %+v", d.Requests)
		}
		reqID := d.Requests[0].ID
		_, body = ss.helper.do("GET", "/o/helix-ai/", nil)
		mustContain(t, "the contributor's overview", body, `id="your-work"`, "Q3 scan report", "Scan the inference cluster",
			`href="/o/helix-ai/evidence/new?control=iso27001-2022%3AA.8.8&amp;request=`+reqID+`"`, `<span class="badge bad">overdue</span>`)
		if _, body := b.do("GET", "/o/helix-ai/", nil); !strings.Contains(body, "Nothing is waiting for you.") {
			t.Error("the owner's overview lists work that is not theirs")
		}

		// The contributor fulfils the request with a written record.
		resp, _ = ss.helper.upload("/o/helix-ai/evidence", []part{{"csrf", ss.helper.csrf("/o/helix-ai/evidence/new")}, {"kind", "record"},
			{"title", "Q3 scan summary"}, {"body", "No critical findings."}, {"request", reqID}, {"period_end", "2020-01-30"}}, "", nil, false)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("fulfil the request: %d", resp.StatusCode)
		}
		// The recent changes below name the request too; only the work
		// section must have let it go.
		if _, body := ss.helper.do("GET", "/o/helix-ai/", nil); strings.Contains(yourWork(body), "Q3 scan report") {
			t.Error("a fulfilled request is still in the contributor's work")
		}
		// A task's title, assignee and due date change; its status stays.
		resp, _ = b.postForm("/o/helix-ai/controls/tasks/"+vulnManagement, page, url.Values{"id": {d.Tasks[0].ID}, "status": {"open"},
			"title": {"Scan the inference and training clusters"}, "assignee_id": {ss.cole}, "due_date": {"2031-03-01"}})
		if d, _ := ss.svc.Control(context.Background(), ss.op, vulnManagement); resp.StatusCode != http.StatusSeeOther ||
			d.Tasks[0].Title != "Scan the inference and training clusters" || d.Tasks[0].Status != isms.TaskOpen ||
			d.Tasks[0].DueDate == nil || d.Tasks[0].DueDate.Format("2006-01-02") != "2031-03-01" {
			t.Errorf("change a task: %d, %+v", resp.StatusCode, d.Tasks)
		}
		resp, _ = b.postForm("/o/helix-ai/controls/tasks/"+vulnManagement, page, url.Values{"id": {d.Tasks[0].ID}, "status": {"done"}})
		if d, _ := ss.svc.Control(context.Background(), ss.op, vulnManagement); resp.StatusCode != http.StatusSeeOther || d.Tasks[0].Status != isms.TaskDone ||
			d.Tasks[0].Title != "Scan the inference and training clusters" {
			t.Errorf("mark the task done: %d %+v", resp.StatusCode, d.Tasks)
		}

		// A contributor may not request evidence or edit a control they do
		// not own.
		if resp, _ := ss.helper.postForm("/o/helix-ai/controls/requests/"+vulnManagement, page, url.Values{"title": {"x"}, "assignee_id": {ss.cole},
			"due_date": {"2030-01-01"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a contributor requesting evidence: %d, want 403", resp.StatusCode)
		}
		if resp, _ := ss.helper.do("GET", "/o/helix-ai/controls/edit/"+vulnManagement, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a contributor opening the form of a control they do not own: %d, want 403", resp.StatusCode)
		}
	})
}

func TestEvidenceUploadAndDownload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ss := newSoASite(t, db)
		b := ss.owner
		ctx := context.Background()
		page := "/o/helix-ai/controls/" + vulnManagement
		pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
		fields := func(b *browser, title string) []part {
			return []part{{"csrf", b.csrf(page)}, {"back", page + "#evidence"}, {"kind", "file"}, {"controls", vulnManagement},
				{"title", title}, {"period_end", time.Now().UTC().Format("2006-01-02")}}
		}

		resp, _ := b.upload("/o/helix-ai/evidence", fields(b, ""), "scan report.pdf", pdf, false)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"#evidence" {
			t.Fatalf("upload: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		list, err := ss.svc.ListEvidence(ctx, ss.op, store.EvidenceFilter{Ref: vulnManagement})
		if err != nil || len(list) != 1 {
			t.Fatalf("evidence of A.8.8: %+v %v", list, err)
		}
		e := list[0]
		if e.Title != "scan report.pdf" || e.FileName != "scan report.pdf" || e.MediaType != "application/pdf" || e.Size != int64(len(pdf)) {
			t.Errorf("stored evidence = %+v", e)
		}
		_, body := b.do("GET", page, nil)
		mustContain(t, "control page", body, `id="evidence-`+e.ID+`" data-freshness="current"`, `href="/o/helix-ai/evidence/`+e.ID+`/file"`,
			`id="control-freshness">Current`)
		_, body = b.do("GET", soaPath+"?evidence=current", nil)
		if rowsOf(body) != 1 || !strings.Contains(body, `id="c-iso27001-2022-A.8.8"`) {
			t.Errorf("statement filtered to current evidence: %d rows", rowsOf(body))
		}

		resp, body = b.do("GET", "/o/helix-ai/evidence/"+e.ID+"/file", nil)
		if resp.StatusCode != http.StatusOK || body != string(pdf) {
			t.Fatalf("download: %d", resp.StatusCode)
		}
		for h, want := range map[string]string{
			"Content-Type":           "application/pdf",
			"Content-Disposition":    `attachment; filename="scan report.pdf"`,
			"X-Content-Type-Options": "nosniff",
		} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("download %s = %q, want %q", h, got, want)
			}
		}
		_, body = b.do("GET", "/o/helix-ai/evidence/"+e.ID, nil)
		mustContain(t, "evidence page", body, e.SHA256, "scan report.pdf", `href="/o/helix-ai/controls/iso27001-2022:A.8.8"`)
		_, body = b.do("GET", "/o/helix-ai/evidence?q=scan", nil)
		mustContain(t, "evidence list", body, `id="evidence-`+e.ID+`"`, `1 item`)

		// A file that a browser would run is served as bytes.
		resp, _ = b.upload("/o/helix-ai/evidence", fields(b, "Page"), "x.html", []byte("<html><script>alert(1)</script></html>"), false)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload HTML: %d", resp.StatusCode)
		}
		list, _ = ss.svc.ListEvidence(ctx, ss.op, store.EvidenceFilter{Ref: vulnManagement})
		for _, it := range list {
			if it.Title != "Page" {
				continue
			}
			resp, _ := b.do("GET", "/o/helix-ai/evidence/"+it.ID+"/file", nil)
			if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
				t.Errorf("an HTML file is served as %q", ct)
			}
		}

		// Refusals: too large, no token, the token after the file, a
		// contributor on a control they do not own.
		resp, body = b.upload("/o/helix-ai/evidence", fields(b, "Big"), "big.bin", bytes.Repeat([]byte("x"), maxEvidence+1), false)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "file too large: the limit is 65536 bytes") {
			t.Errorf("too large a file: %d\n%s", resp.StatusCode, body)
		}
		noToken := fields(b, "x")[1:]
		if resp, _ := b.upload("/o/helix-ai/evidence", noToken, "a.pdf", pdf, false); resp.StatusCode != http.StatusForbidden {
			t.Errorf("upload without the form's token: %d, want 403", resp.StatusCode)
		}
		if resp, _ := b.upload("/o/helix-ai/evidence", fields(b, "x"), "a.pdf", pdf, true); resp.StatusCode != http.StatusForbidden {
			t.Errorf("upload with the file before the token: %d, want 403", resp.StatusCode)
		}
		if resp, _ := ss.helper.upload("/o/helix-ai/evidence", fields(ss.helper, "x"), "a.pdf", pdf, false); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a contributor uploading for a control they do not own: %d, want 403", resp.StatusCode)
		}
		resp, body = b.upload("/o/helix-ai/evidence", fields(b, "x"), "", nil, false)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "is required for file evidence") {
			t.Errorf("file evidence without a file: %d", resp.StatusCode)
		}

		// Another organisation's evidence is not found.
		other, err := ss.svc.CreateOrg(ctx, app.OperatorPrincipal("cli:test"), app.OrgInput{Slug: "other", Name: "Other"})
		if err != nil {
			t.Fatal(err)
		}
		oa, _ := ss.svc.OpenOrg(ctx, app.OperatorPrincipal("cli:test"), other.Slug)
		theirs, err := ss.svc.AddEvidence(ctx, oa, app.EvidenceInput{Kind: "file", Title: "Theirs", FileName: "t.pdf",
			Links: []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: vulnManagement}}}, bytes.NewReader(pdf))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/o/helix-ai/evidence/" + theirs.ID, "/o/helix-ai/evidence/" + theirs.ID + "/file",
			"/o/other/evidence/" + theirs.ID + "/file"} {
			if resp, _ := b.do("GET", path, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
			}
		}

		_, body = b.do("GET", "/o/helix-ai/evidence/verify", nil)
		mustContain(t, "file check", body, "All 2 files are intact.")
	})
}

// yourWork is the "Your work" section of an overview page.
func yourWork(body string) string {
	start := strings.Index(body, `id="your-work"`)
	if start < 0 {
		return ""
	}
	end := strings.Index(body[start:], "</section>")
	if end < 0 {
		return body[start:]
	}
	return body[start : start+end]
}

func TestEvidenceForRequirementsAndRisks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ss := newSoASite(t, db)
		b := ss.manager
		form := "/o/helix-ai/evidence/new"
		post := func(risks string) (*http.Response, string) {
			return b.upload("/o/helix-ai/evidence", []part{{"csrf", b.csrf(form)}, {"kind", "record"}, {"title", "Internal audit programme 2026"},
				{"body", "Approved by the ISMS manager."}, {"requirements", "iso27001-2022:9.2.2, ai-security:AIS-AM-01"}, {"risks", risks},
				{"period_end", "2026-11-01"}}, "", nil, false)
		}
		resp, body := post("R-404")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "is not a risk of this organisation") {
			t.Fatalf("an unknown risk: %d", resp.StatusCode)
		}
		if resp, _ = post("R-001"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("evidence for a requirement and a risk: %d", resp.StatusCode)
		}
		list, err := ss.svc.ListEvidence(context.Background(), ss.op, store.EvidenceFilter{Target: isms.TargetRisk, Ref: ss.riskID})
		if err != nil || len(list) != 1 {
			t.Fatalf("evidence of R-001: %+v, %v", list, err)
		}
		_, body = b.do("GET", "/o/helix-ai/evidence/"+list[0].ID, nil)
		mustContain(t, "evidence page", body, "R-001 Unpatched GPU nodes", "9.2.2", "AIS-AM-01")
		_, body = b.do("GET", "/o/helix-ai/risks/R-001", nil)
		mustContain(t, "risk page", body, `id="risk-evidence"`, "Internal audit programme 2026")
	})
}

func TestEvidenceCanBeChanged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ss := newSoASite(t, db)
		ctx := context.Background()
		end := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
		item, err := ss.svc.AddEvidence(ctx, ss.op, app.EvidenceInput{Kind: "link", Title: "Scan dashboard", URL: "https://scan.example/d",
			PeriodEnd: &end, Links: []isms.EvidenceLinkTo{{Target: isms.TargetControl, Ref: vulnManagement}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		edit := "/o/helix-ai/evidence/" + item.ID + "/edit"
		b := ss.manager
		_, body := b.do("GET", edit, nil)
		mustContain(t, "edit form", body, "Change evidence", `value="Scan dashboard"`, `value="2026-10-31"`)
		if resp, _ := ss.helper.do("GET", edit, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a contributor opens the edit form: %d", resp.StatusCode)
		}
		form := url.Values{"csrf": {b.csrf(edit)}, "title": {"Scan dashboard, October"}, "url": {"https://scan.example/d?m=10"},
			"period_end": {"2026-10-31"}, "cadence": {"monthly"}, "controls": {vulnManagement, "iso27001-2022:A.8.16"}, "risks": {"R-001"}}
		resp, _ := b.do("POST", edit, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("change evidence: %d", resp.StatusCode)
		}
		d, err := ss.svc.EvidenceItem(ctx, ss.op, item.ID)
		if err != nil || d.Title != "Scan dashboard, October" || d.Cadence != isms.Monthly || len(d.Links) != 3 {
			t.Errorf("changed item = %+v, %v", d, err)
		}
		form.Set("period_end", "")
		form.Set("csrf", b.csrf(edit))
		if resp, body := b.do("POST", edit, form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Nothing was saved") {
			t.Errorf("an item without its period end: %d", resp.StatusCode)
		}
	})
}
