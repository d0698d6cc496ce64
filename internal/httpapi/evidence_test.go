package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/isms-dev/isms/internal/dbtest"
)

// part is one part of a multipart upload.
type part struct {
	name, fileName, contentType, content string
}

// uploadRequest posts the parts as multipart/form-data.
func uploadRequest(t testing.TB, token string, parts ...part) request {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		params := map[string]string{"name": p.name}
		if p.fileName != "" {
			params["filename"] = p.fileName
		}
		h := textproto.MIMEHeader{"Content-Disposition": {mime.FormatMediaType("form-data", params)}}
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return request{method: "POST", path: "/orgs/acme/evidence", token: token, contentType: mw.FormDataContentType(), body: buf.String()}
}

// metadataPart is the metadata part of an upload.
func metadataPart(metadata string) part {
	return part{name: "metadata", contentType: "application/json", content: metadata}
}

// filePart is the file part of an upload.
func filePart(name, content string) part {
	return part{name: "file", fileName: name, contentType: "application/octet-stream", content: content}
}

// forVulns is the metadata of file evidence for A.8.8.
const forVulns = `{"title": "Scan report", "links": [{"target": "control", "ref": "iso27001-2022:A.8.8"}],
	"period_start": "2026-01-01", "period_end": "2026-03-31T12:00:00Z"}`

func TestEvidence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newFixture(t, fixtureOptions{dialect: db.Dialect()})
		owner, admin, viewer := f.ownerToken, f.adminToken, f.viewerToken
		contributor, contributorToken := f.memberWithToken(t, "contributor@example.com", "contributor")
		post := func(token, body string) request {
			return request{method: "POST", path: "/orgs/acme/evidence", token: token, body: body}
		}

		// Links and records are JSON.
		var link evidenceCreatedJSON
		res := f.ok(t, post(admin, `{"kind": "link", "title": "Vulnerability dashboard", "url": "https://scanner.example/dash",
			"links": [{"target": "control", "ref": "iso27001-2022:A.8.8"}], "period_end": "2026-03-31", "cadence": "quarterly"}`), http.StatusCreated, &link)
		if link.Kind != "link" || link.URL != "https://scanner.example/dash" || link.NewFile || link.SHA256 != nil || link.Size != nil ||
			link.Cadence == nil || *link.Cadence != "quarterly" || len(link.Links) != 1 || link.CollectedByName == nil ||
			*link.CollectedByName != "Adam Admin" || link.PeriodEnd.Format(dateLayout) != "2026-03-31" || !link.PeriodStart.Equal(link.PeriodEnd) {
			t.Errorf("link evidence = %+v", link)
		}
		if loc := res.header.Get("Location"); loc != Prefix+"/orgs/acme/evidence/"+link.ID {
			t.Errorf("Location = %q", loc)
		}
		var record evidenceCreatedJSON
		f.ok(t, post(owner, `{"kind": "record", "title": "Management review minutes", "body": "The board reviewed the ISMS.",
			"links": [{"target": "requirement", "ref": "iso27001-2022:9.3.1"}]}`), http.StatusCreated, &record)
		if record.Body != "The board reviewed the ISMS." || record.Links[0].Target != "requirement" {
			t.Errorf("record evidence = %+v", record)
		}

		// Files are uploaded, and kept once however often they come.
		const report = "%PDF-1.4 scan report"
		sum := sha256.Sum256([]byte(report))
		var first, second evidenceCreatedJSON
		f.ok(t, uploadRequest(t, admin, metadataPart(forVulns), filePart("scan.pdf", report)), http.StatusCreated, &first)
		f.ok(t, uploadRequest(t, admin, metadataPart(`{"kind": "file", "title": "Scan report, again"}`), filePart("copy.pdf", report)),
			http.StatusCreated, &second)
		if first.SHA256 == nil || *first.SHA256 != hex.EncodeToString(sum[:]) || !first.NewFile || first.Size == nil ||
			*first.Size != int64(len(report)) || first.MediaType == nil || *first.MediaType != "application/pdf" ||
			first.FileName == nil || *first.FileName != "scan.pdf" || first.PeriodStart.Format(dateLayout) != "2026-01-01" {
			t.Errorf("first upload = %+v", first)
		}
		if second.SHA256 == nil || *second.SHA256 != *first.SHA256 || second.NewFile || second.ID == first.ID || len(second.Links) != 0 {
			t.Errorf("second upload of the same content = %+v", second)
		}

		// Downloads are attachments that no browser runs.
		for _, tt := range []struct {
			name, content, storedType, servedType string
		}{
			{"scan.pdf", report, "application/pdf", "application/pdf"},
			{`Prüfbericht "Q1"; final.txt`, "Plain text evidence", "text/plain; charset=utf-8", "text/plain; charset=utf-8"},
			{"page.html", "<html><script>alert(document.cookie)</script></html>", "text/html; charset=utf-8", "application/octet-stream"},
			{"drawing.xml", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
				"text/xml; charset=utf-8", "application/octet-stream"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var e evidenceCreatedJSON
				f.ok(t, uploadRequest(t, admin, metadataPart(forVulns), filePart(tt.name, tt.content)), http.StatusCreated, &e)
				if e.MediaType == nil || *e.MediaType != tt.storedType {
					t.Errorf("stored media type %v, want %q", e.MediaType, tt.storedType)
				}
				res := expectStatus(t, f, request{method: "GET", path: "/orgs/acme/evidence/" + e.ID + "/file", token: viewer}, http.StatusOK)
				disposition, params, err := mime.ParseMediaType(res.header.Get("Content-Disposition"))
				if err != nil || disposition != "attachment" || params["filename"] != tt.name {
					t.Errorf("Content-Disposition %q: %s %v (%v)", res.header.Get("Content-Disposition"), disposition, params, err)
				}
				h := res.header
				if h.Get("Content-Type") != tt.servedType || h.Get("X-Content-Type-Options") != "nosniff" ||
					h.Get("Content-Length") != strconv.Itoa(len(tt.content)) || h.Get("ETag") != `"`+*e.SHA256+`"` ||
					!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
					t.Errorf("download headers = %v", h)
				}
				if string(res.body) != tt.content {
					t.Errorf("downloaded %q, want %q", res.body, tt.content)
				}
			})
		}
		expectStatus(t, f, request{method: "GET", path: "/orgs/acme/evidence/" + link.ID + "/file", token: viewer}, http.StatusNotFound)
		expectStatus(t, f, request{method: "GET", path: "/orgs/acme/evidence/" + missingUUID + "/file", token: viewer}, http.StatusNotFound)

		// Another organisation sees none of it.
		for _, path := range []string{"/orgs/acme/evidence/" + first.ID, "/orgs/globex/evidence/" + first.ID,
			"/orgs/globex/evidence/" + first.ID + "/file", "/orgs/acme/evidence/" + first.ID + "/file"} {
			expectStatus(t, f, request{method: "GET", path: path, token: f.otherToken}, http.StatusNotFound)
		}
		var one evidenceDetailJSON
		f.ok(t, request{method: "GET", path: "/orgs/acme/evidence/" + first.ID, token: viewer}, http.StatusOK, &one)
		if one.ID != first.ID || len(one.Links) != 1 || one.Links[0].Ref != "iso27001-2022:A.8.8" {
			t.Errorf("GET evidence = %+v", one)
		}

		// Uploads that are refused store nothing.
		before := f.state(t)
		tooBig := strings.Repeat("x", 1<<20+1)
		for _, tt := range []struct {
			name   string
			req    request
			status int
			field  string
		}{
			{"file as JSON", post(admin, `{"kind": "file", "title": "x"}`), http.StatusUnprocessableEntity, "kind"},
			{"link without address", post(admin, `{"kind": "link", "title": "x"}`), http.StatusUnprocessableEntity, "url"},
			{"record without text", post(admin, `{"kind": "record", "title": "x"}`), http.StatusUnprocessableEntity, "body"},
			{"no kind", post(admin, `{"title": "x"}`), http.StatusUnprocessableEntity, "kind"},
			{"period in words", post(admin, `{"kind": "record", "title": "x", "body": "y", "period_end": "last week"}`), http.StatusUnprocessableEntity, "period_end"},
			{"period backwards", post(admin, `{"kind": "record", "title": "x", "body": "y", "period_start": "2026-02-01", "period_end": "2026-01-01"}`),
				http.StatusUnprocessableEntity, "period_start"},
			{"unknown cadence", post(admin, `{"kind": "record", "title": "x", "body": "y", "cadence": "weekly"}`), http.StatusUnprocessableEntity, "cadence"},
			{"link to an asset", post(admin, `{"kind": "record", "title": "x", "body": "y", "links": [{"target": "asset", "ref": "x"}]}`),
				http.StatusUnprocessableEntity, "links[0].target"},
			{"link to no control", post(admin, `{"kind": "record", "title": "x", "body": "y", "links": [{"target": "control", "ref": "iso27001-2022:A.99"}]}`),
				http.StatusUnprocessableEntity, "links[0]"},
			{"unknown request", post(admin, `{"kind": "record", "title": "x", "body": "y", "request_id": "`+missingUUID+`"}`),
				http.StatusUnprocessableEntity, "request_id"},
			{"unknown field", post(admin, `{"kind": "record", "title": "x", "body": "y", "tags": []}`), http.StatusBadRequest, "tags"},
			{"file before metadata", uploadRequest(t, admin, filePart("a.pdf", report), metadataPart(forVulns)), http.StatusBadRequest, "file"},
			{"metadata as text", uploadRequest(t, admin, part{name: "metadata", content: forVulns}, filePart("a.pdf", report)),
				http.StatusBadRequest, "metadata"},
			{"metadata not JSON", uploadRequest(t, admin, metadataPart(`{"title": `), filePart("a.pdf", report)), http.StatusBadRequest, ""},
			{"metadata with unknown field", uploadRequest(t, admin, metadataPart(`{"title": "x", "sha256": "y"}`), filePart("a.pdf", report)),
				http.StatusBadRequest, "sha256"},
			{"part after the file", uploadRequest(t, admin, metadataPart(forVulns), filePart("new.pdf", "%PDF-1.4 other"),
				part{name: "signature", content: "x"}), http.StatusBadRequest, "signature"},
			{"no file", uploadRequest(t, admin, metadataPart(forVulns)), http.StatusUnprocessableEntity, "file"},
			{"empty file", uploadRequest(t, admin, metadataPart(forVulns), filePart("empty.pdf", "")), http.StatusUnprocessableEntity, "file"},
			{"file over the store's limit", uploadRequest(t, admin, metadataPart(forVulns), filePart("big.bin", tooBig)),
				http.StatusUnprocessableEntity, "file"},
			{"link as upload", uploadRequest(t, admin, metadataPart(`{"kind": "link", "title": "x", "url": "https://x.example"}`)),
				http.StatusUnprocessableEntity, "kind"},
			{"no parts", uploadRequest(t, admin), http.StatusBadRequest, "metadata"},
			{"text", request{method: "POST", path: "/orgs/acme/evidence", token: admin, body: report, contentType: "text/plain"},
				http.StatusUnsupportedMediaType, ""},
			{"viewer", uploadRequest(t, viewer, metadataPart(forVulns), filePart("v.pdf", "%PDF-1.4 viewer")), http.StatusForbidden, ""},
			{"contributor on another's control", uploadRequest(t, contributorToken, metadataPart(forVulns), filePart("c.pdf", "%PDF-1.4 c")),
				http.StatusForbidden, ""},
			{"another organisation", uploadRequest(t, f.otherToken, metadataPart(forVulns), filePart("o.pdf", "%PDF-1.4 o")), http.StatusNotFound, ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if tt.field == "" {
					expectProblem(t, f, tt.req, tt.status)
				} else {
					expectProblem(t, f, tt.req, tt.status, tt.field)
				}
			})
		}
		if after := f.state(t); after != before {
			t.Errorf("refused uploads changed the ledger: %+v, then %+v", before, after)
		}

		// Lists.
		var items list[evidenceJSON]
		f.ok(t, request{method: "GET", path: "/orgs/acme/evidence?control=iso27001-2022:A.8.8", token: viewer}, http.StatusOK, &items)
		if len(items.Items) != 6 || items.NextCursor != "" || items.Items[0].PeriodEnd.Before(items.Items[len(items.Items)-1].PeriodEnd) {
			t.Errorf("evidence of A.8.8 = %d items, next %q", len(items.Items), items.NextCursor)
		}
		// Pages of two walk the whole list once, newest first.
		seen := map[string]bool{}
		cursor, pages := "", 0
		for {
			f.ok(t, request{method: "GET", path: "/orgs/acme/evidence?limit=2&cursor=" + url.QueryEscape(cursor), token: viewer}, http.StatusOK, &items)
			pages++
			for _, it := range items.Items {
				if seen[it.ID] {
					t.Errorf("item %s on two pages", it.ID)
				}
				seen[it.ID] = true
			}
			if cursor = items.NextCursor; cursor == "" || pages > 20 {
				break
			}
		}
		var all list[evidenceJSON]
		f.ok(t, request{method: "GET", path: "/orgs/acme/evidence?limit=200", token: viewer}, http.StatusOK, &all)
		if len(seen) != len(all.Items) || pages < 2 {
			t.Errorf("paging saw %d items in %d pages; the whole list has %d", len(seen), pages, len(all.Items))
		}
		expectProblem(t, f, request{method: "GET", path: "/orgs/acme/evidence?cursor=bm90IGEgY3Vyc29y", token: viewer},
			http.StatusUnprocessableEntity, "cursor")
		f.ok(t, request{method: "GET", path: "/orgs/acme/evidence?q=MINUTES&requirement=iso27001-2022:9.3.1", token: viewer}, http.StatusOK, &items)
		if len(items.Items) != 1 || items.Items[0].ID != record.ID {
			t.Errorf("the minutes = %+v", items.Items)
		}
		expectProblem(t, f, request{method: "GET", path: "/orgs/acme/evidence?control=iso27001-2022:A.8.8&risk=" + missingUUID, token: viewer},
			http.StatusUnprocessableEntity, "risk")
		expectProblem(t, f, request{method: "GET", path: "/orgs/acme/evidence?limit=0", token: viewer}, http.StatusBadRequest, "limit")
		expectProblem(t, f, request{method: "GET", path: "/orgs/acme/evidence?target=control", token: viewer}, http.StatusBadRequest, "target")

		// The statement shows the evidence of A.8.8 with its freshness:
		// the quarterly link expires a quarter after its period, the files
		// without a cadence never do.
		var doc soaDocumentJSON
		f.ok(t, request{method: "GET", path: statement, token: viewer}, http.StatusOK, &doc)
		for _, ev := range entry(t, doc, "A.8.8").Evidence {
			switch {
			case ev.ID == link.ID && (ev.ExpiresAt == nil || ev.ExpiresAt.Format(dateLayout) != "2026-07-01" || ev.Freshness == ""),
				ev.ID != link.ID && (ev.ExpiresAt != nil || ev.Freshness != "current" || ev.SHA256 == nil):
				t.Errorf("A.8.8's evidence %s in the statement = %+v", ev.Title, ev)
			}
		}
		if n := len(entry(t, doc, "A.8.8").Evidence); n != 6 {
			t.Errorf("A.8.8 has %d evidence items in the statement, want 6", n)
		}

		// Changes.
		epath := "/orgs/acme/evidence/" + first.ID
		var changed evidenceDetailJSON
		f.ok(t, request{method: "PATCH", path: epath, token: admin, body: `{"title": "Scan report Q1", "period_start": null, "cadence": "yearly"}`},
			http.StatusOK, &changed)
		if changed.Title != "Scan report Q1" || !changed.PeriodStart.Equal(changed.PeriodEnd) || changed.Cadence == nil ||
			*changed.Cadence != "yearly" || len(changed.Links) != 1 || changed.SHA256 == nil || *changed.SHA256 != *first.SHA256 ||
			changed.FileName == nil || *changed.FileName != "scan.pdf" {
			t.Errorf("evidence after the change = %+v", changed)
		}
		f.ok(t, request{method: "PATCH", path: epath, token: admin, body: `{"links": [], "cadence": null, "period_end": "2026-06-30"}`},
			http.StatusOK, &changed)
		if len(changed.Links) != 0 || changed.Cadence != nil || changed.PeriodEnd.Format(dateLayout) != "2026-06-30" {
			t.Errorf("evidence after the second change = %+v", changed)
		}
		for _, tt := range []struct {
			body   string
			status int
			field  string
		}{
			{`{"period_end": null}`, http.StatusUnprocessableEntity, "period_end"},
			{`{"period_start": "2027-01-01"}`, http.StatusUnprocessableEntity, "period_start"},
			{`{"title": null}`, http.StatusUnprocessableEntity, "title"},
			{`{"links": [{"target": "risk", "ref": "` + missingUUID + `"}]}`, http.StatusUnprocessableEntity, "links[0]"},
			{`{"kind": "link"}`, http.StatusBadRequest, "kind"},
			{`{"links": [{"target": "control", "ref": "x", "note": "y"}]}`, http.StatusBadRequest, "note"},
		} {
			expectProblem(t, f, request{method: "PATCH", path: epath, token: admin, body: tt.body}, tt.status, tt.field)
		}
		expectStatus(t, f, request{method: "PATCH", path: epath, token: viewer, body: `{"title": "x"}`}, http.StatusForbidden)
		expectStatus(t, f, request{method: "PATCH", path: "/orgs/acme/evidence/" + missingUUID, token: admin, body: `{"title": "x"}`}, http.StatusNotFound)

		// Verification finds a file changed behind isms's back.
		var check fileCheckJSON
		f.ok(t, request{method: "GET", path: "/orgs/acme/evidence/verify", token: viewer}, http.StatusOK, &check)
		if !check.OK || check.Files != 4 || check.Items != 6 || len(check.Problems) != 0 {
			t.Errorf("verification = %+v", check)
		}
		stored, err := f.files.Path(*first.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(stored, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(stored, []byte("%PDF-1.4 forged"), 0o600); err != nil {
			t.Fatal(err)
		}
		f.ok(t, request{method: "GET", path: "/orgs/acme/evidence/verify", token: viewer}, http.StatusOK, &check)
		if check.OK || len(check.Problems) != 1 || check.Problems[0].Kind != "altered" || check.Problems[0].SHA256 != *first.SHA256 ||
			len(check.Problems[0].Items) != 3 {
			t.Errorf("verification of a forged file = %+v", check)
		}
		expectStatus(t, f, request{method: "GET", path: "/orgs/acme/evidence/verify?deep=1", token: viewer}, http.StatusBadRequest)
		expectStatus(t, f, request{method: "GET", path: "/orgs/acme/evidence/verify", token: f.otherToken}, http.StatusNotFound)

		// Requests: the contributor fulfils one by uploading for it.
		requests := "/orgs/acme/evidence-requests"
		var q requestJSON
		f.ok(t, request{method: "POST", path: requests, token: admin, body: fmt.Sprintf(`{"control": "iso27001-2022:A.8.8",
			"title": "Q2 scan report", "assignee_id": %q, "due_date": "2026-07-15"}`, contributor.ID)}, http.StatusCreated, &q)
		if q.Status != "open" || q.DueDate != "2026-07-15" || q.AssigneeID != contributor.ID || q.EvidenceID != nil {
			t.Errorf("request = %+v", q)
		}
		for _, tt := range []struct {
			body   string
			status int
			field  string
		}{
			{`{"control": "iso27001-2022:A.8.8", "title": "x", "assignee_id": "", "due_date": "2026-07-15"}`, http.StatusUnprocessableEntity, "assignee_id"},
			{`{"control": "iso27001-2022:A.8.8", "title": "x", "assignee_id": "` + missingUUID + `", "due_date": "2026-07-15"}`,
				http.StatusUnprocessableEntity, "assignee_id"},
			{`{"control": "iso27001-2022:A.8.8", "title": "x", "assignee_id": "` + contributor.ID + `", "due_date": "soon"}`,
				http.StatusUnprocessableEntity, "due_date"},
			{`{"control": "iso27001-2022:A.8.8", "title": "x", "assignee_id": "` + contributor.ID + `"}`, http.StatusUnprocessableEntity, "due_date"},
			{`{"control": "iso27001-2022:A.99", "title": "x", "assignee_id": "` + contributor.ID + `", "due_date": "2026-07-15"}`,
				http.StatusUnprocessableEntity, "control"},
			{`{"title": "x"}`, http.StatusUnprocessableEntity, "control"},
			{`{"control": "iso27001-2022:A.8.8", "due": "2026-07-15"}`, http.StatusBadRequest, "due"},
		} {
			expectProblem(t, f, request{method: "POST", path: requests, token: admin, body: tt.body}, tt.status, tt.field)
		}
		expectStatus(t, f, request{method: "POST", path: requests, token: contributorToken, body: fmt.Sprintf(`{"control": "iso27001-2022:A.8.8",
			"title": "x", "assignee_id": %q, "due_date": "2026-07-15"}`, contributor.ID)}, http.StatusForbidden)
		var open list[requestJSON]
		f.ok(t, request{method: "GET", path: requests + "?status=open&assignee_id=" + contributor.ID + "&control=iso27001-2022:A.8.8", token: viewer},
			http.StatusOK, &open)
		if len(open.Items) != 1 || open.Items[0] != q {
			t.Errorf("open requests = %+v", open.Items)
		}
		expectProblem(t, f, request{method: "GET", path: requests + "?status=late", token: viewer}, http.StatusUnprocessableEntity, "status")
		expectProblem(t, f, request{method: "GET", path: requests + "?due=2026", token: viewer}, http.StatusBadRequest, "due")

		var fulfilling evidenceCreatedJSON
		f.ok(t, uploadRequest(t, contributorToken, metadataPart(`{"title": "Q2 scan report", "request_id": "`+q.ID+`"}`),
			filePart("q2.pdf", "%PDF-1.4 q2")), http.StatusCreated, &fulfilling)
		if len(fulfilling.Links) != 1 || fulfilling.Links[0].Ref != "iso27001-2022:A.8.8" || fulfilling.CollectedBy == nil ||
			*fulfilling.CollectedBy != contributor.ID {
			t.Errorf("evidence fulfilling the request = %+v", fulfilling)
		}
		var c controlJSON
		f.ok(t, request{method: "GET", path: controlPath("A.8.8"), token: viewer}, http.StatusOK, &c)
		if len(c.Requests) != 1 || c.Requests[0].Status != "fulfilled" || c.Requests[0].EvidenceID == nil || *c.Requests[0].EvidenceID != fulfilling.ID {
			t.Errorf("A.8.8's requests after fulfilment = %+v", c.Requests)
		}
		expectProblem(t, f, request{method: "POST", path: requests + "/" + q.ID + "/cancel", token: admin}, http.StatusConflict, "status")
		f.ok(t, request{method: "POST", path: requests, token: admin, body: fmt.Sprintf(`{"control": "iso27001-2022:A.5.1",
			"title": "Signed policy", "assignee_id": %q, "due_date": "2026-09-30"}`, f.ownerMember.ID)}, http.StatusCreated, &q)
		expectStatus(t, f, request{method: "POST", path: requests + "/" + q.ID + "/cancel", token: viewer}, http.StatusForbidden)
		expectStatus(t, f, request{method: "POST", path: requests + "/" + q.ID + "/cancel", token: admin}, http.StatusNoContent)
		expectStatus(t, f, request{method: "POST", path: requests + "/" + q.ID + "/cancel", token: admin}, http.StatusConflict)
		expectStatus(t, f, request{method: "POST", path: requests + "/" + missingUUID + "/cancel", token: admin}, http.StatusNotFound)
	})
}

// TestEvidenceWithoutFileStore: a server without an evidence folder keeps
// links and records, and says why it takes no files.
func TestEvidenceWithoutFileStore(t *testing.T) {
	f := newFixture(t, fixtureOptions{noEvidenceStore: true})
	expectStatus(t, f, request{method: "POST", path: "/orgs/acme/evidence", token: f.adminToken,
		body: `{"kind": "record", "title": "Minutes", "body": "Held."}`}, http.StatusCreated)
	expectProblem(t, f, uploadRequest(t, f.adminToken, metadataPart(forVulns), filePart("scan.pdf", "%PDF-1.4")), http.StatusConflict)
	expectProblem(t, f, request{method: "GET", path: "/orgs/acme/evidence/verify", token: f.viewerToken}, http.StatusConflict)
}
