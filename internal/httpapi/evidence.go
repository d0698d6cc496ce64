package httpapi

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// evidenceJSON is an evidence item as lists show it.
type evidenceJSON struct {
	ID          string            `json:"id"`
	Kind        isms.EvidenceKind `json:"kind"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	URL         string            `json:"url"`
	// The file, for file evidence; null otherwise.
	SHA256      *string       `json:"sha256"`
	FileName    *string       `json:"file_name"`
	Size        *int64        `json:"size"`
	MediaType   *string       `json:"media_type"`
	PeriodStart time.Time     `json:"period_start"`
	PeriodEnd   time.Time     `json:"period_end"`
	Cadence     *isms.Cadence `json:"cadence"`
	CollectedBy *string       `json:"collected_by"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

func toEvidenceJSON(e isms.Evidence) evidenceJSON {
	out := evidenceJSON{ID: e.ID, Kind: e.Kind, Title: e.Title, Description: e.Description, URL: e.URL, PeriodStart: e.PeriodStart,
		PeriodEnd: e.PeriodEnd, Cadence: cadence(e.Cadence), CollectedBy: nullable(e.CollectedBy), CreatedAt: e.CreatedAt,
		UpdatedAt: e.UpdatedAt}
	if e.Kind == isms.EvidenceFile {
		size := e.Size
		out.SHA256, out.FileName, out.Size, out.MediaType = nullable(e.SHA256), nullable(e.FileName), &size, nullable(e.MediaType)
	}
	return out
}

// evidenceDetailJSON is one evidence item with its text and what it
// supports, which lists leave out.
type evidenceDetailJSON struct {
	evidenceJSON
	Body            string                `json:"body"`
	CollectedByName *string               `json:"collected_by_name"`
	Links           []isms.EvidenceLinkTo `json:"links"`
}

func toEvidenceDetailJSON(d app.EvidenceDetail) evidenceDetailJSON {
	return evidenceDetailJSON{evidenceJSON: toEvidenceJSON(d.Evidence), Body: d.Body, CollectedByName: nullable(d.CollectedByName),
		Links: orEmpty(d.Links)}
}

// evidenceCreatedJSON is a new evidence item.
type evidenceCreatedJSON struct {
	evidenceDetailJSON
	// NewFile is false when the store already held the same content, which
	// the item now shares.
	NewFile bool `json:"new_file"`
}

// evidenceTargets are the query parameters that list the evidence of one
// control, requirement or risk, with their targets.
var evidenceTargets = []struct {
	param  string
	target isms.EvidenceTarget
}{
	{"control", isms.TargetControl},
	{"requirement", isms.TargetRequirement},
	{"risk", isms.TargetRisk},
}

func (a *API) listEvidence(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "control", "requirement", "risk", "q", "limit", "cursor"); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	switch {
	case limit == 0:
		limit = store.DefaultLimit
	case limit > store.MaxLimit:
		limit = store.MaxLimit
	}
	q := r.URL.Query()
	// One more than the page tells whether another page follows.
	f := store.EvidenceFilter{Query: q.Get("q"), Cursor: q.Get("cursor"), Limit: limit + 1}
	for _, t := range evidenceTargets {
		ref := q.Get(t.param)
		switch {
		case ref == "":
		case f.Ref != "":
			return isms.Invalid(t.param, "give one of control, requirement and risk, not two")
		default:
			f.Target, f.Ref = t.target, ref
		}
	}
	items, err := a.svc.ListEvidence(r.Context(), acc, f)
	if err != nil {
		return err
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		next = store.EvidenceCursor(items[limit-1])
	}
	out := newList(make([]evidenceJSON, 0, len(items)), next)
	for _, e := range items {
		out.Items = append(out.Items, toEvidenceJSON(e))
	}
	return writeJSON(w, http.StatusOK, out)
}

// evidenceWrite is a new evidence item: the JSON body of link and record
// evidence, or the metadata part of a file upload.
type evidenceWrite struct {
	Kind        string                `json:"kind"`
	Title       string                `json:"title"`
	Description string                `json:"description"`
	URL         string                `json:"url"`
	Body        string                `json:"body"`
	PeriodStart *string               `json:"period_start"`
	PeriodEnd   *string               `json:"period_end"`
	Cadence     string                `json:"cadence"`
	Links       []isms.EvidenceLinkTo `json:"links"`
	RequestID   string                `json:"request_id"`
}

func (in evidenceWrite) input() (app.EvidenceInput, error) {
	start, err := parsePeriod("period_start", in.PeriodStart)
	if err != nil {
		return app.EvidenceInput{}, err
	}
	end, err := parsePeriod("period_end", in.PeriodEnd)
	if err != nil {
		return app.EvidenceInput{}, err
	}
	return app.EvidenceInput{Kind: in.Kind, Title: in.Title, Description: in.Description, URL: in.URL, Body: in.Body,
		PeriodStart: start, PeriodEnd: end, Cadence: in.Cadence, Links: in.Links, RequestID: in.RequestID}, nil
}

// parsePeriod reads a bound of the period evidence covers: a day, from
// its start in UTC, or an RFC 3339 date-time.
func parsePeriod(field string, s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	if t, err := time.Parse(dateLayout, *s); err == nil {
		return &t, nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return nil, isms.Invalid(field, "%q is not a date such as 2027-01-31 or an RFC 3339 date-time", *s)
	}
	t = t.UTC().Truncate(time.Microsecond)
	return &t, nil
}

// evidenceFields are the names the application gives the fields of an
// evidence item, as the API names them.
var evidenceFields = map[string]string{"request": "request_id", "link.title": "title", "link.url": "url"}

// createEvidence adds link and record evidence sent as JSON, and file
// evidence uploaded as multipart/form-data.
func (a *API) createEvidence(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	var d app.EvidenceDetail
	switch {
	case err == nil && mt == "application/json":
		d, err = a.addEvidenceJSON(w, r, acc)
	case err == nil && mt == "multipart/form-data" && params["boundary"] != "":
		d, err = a.uploadEvidence(w, r, acc, params["boundary"])
	default:
		return &mediaTypeError{got: ct, want: []string{"application/json", "multipart/form-data"}}
	}
	if err != nil {
		return renameFields(err, evidenceFields)
	}
	saved, err := a.svc.EvidenceItem(r.Context(), acc, d.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/evidence/"+d.ID)
	return writeJSON(w, http.StatusCreated, evidenceCreatedJSON{evidenceDetailJSON: toEvidenceDetailJSON(saved), NewFile: d.Stored})
}

func (a *API) addEvidenceJSON(w http.ResponseWriter, r *http.Request, acc app.Access) (app.EvidenceDetail, error) {
	var in evidenceWrite
	if err := a.decode(w, r, &in); err != nil {
		return app.EvidenceDetail{}, err
	}
	if in.Kind == string(isms.EvidenceFile) {
		return app.EvidenceDetail{}, isms.Invalid("kind",
			"file evidence is uploaded as multipart/form-data: a part named metadata holding this object, then a part named file")
	}
	ei, err := in.input()
	if err != nil {
		return app.EvidenceDetail{}, err
	}
	return a.svc.AddEvidence(r.Context(), acc, ei, nil)
}

// maxUpload bounds a file upload: the largest file the evidence store
// keeps, with room for the metadata part and the multipart framing. The
// store refuses a larger file itself, as soon as it has read one byte too
// many, with a problem that names the file; this bound only stops a body
// that could never be accepted.
func (a *API) maxUpload() int64 { return a.svc.EvidenceMaxSize() + a.maxBody + 64<<10 }

// uploadEvidence reads a multipart upload: a part named metadata holding
// the item as JSON, then a part named file. The file is streamed to the
// store, never held in memory whole, so the metadata must come first.
func (a *API) uploadEvidence(w http.ResponseWriter, r *http.Request, acc app.Access, boundary string) (app.EvidenceDetail, error) {
	mr := multipart.NewReader(http.MaxBytesReader(w, r.Body, a.maxUpload()), boundary)
	meta, err := mr.NextPart()
	switch {
	case errors.Is(err, io.EOF):
		return app.EvidenceDetail{}, malformed("metadata", "is required: the first part holds the item as JSON")
	case err != nil:
		return app.EvidenceDetail{}, partError("metadata", err)
	case meta.FormName() != "metadata":
		return app.EvidenceDetail{}, malformed(meta.FormName(), "is not the first part of an upload: send metadata, then file")
	}
	if mt, _, err := mime.ParseMediaType(meta.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return app.EvidenceDetail{}, malformed("metadata", "must be sent with Content-Type: application/json")
	}
	data, err := io.ReadAll(io.LimitReader(meta, a.maxBody+1))
	if err != nil {
		return app.EvidenceDetail{}, partError("metadata", err)
	}
	if int64(len(data)) > a.maxBody {
		return app.EvidenceDetail{}, &http.MaxBytesError{Limit: a.maxBody}
	}
	var in evidenceWrite
	if err := decodeJSON(data, &in); err != nil {
		return app.EvidenceDetail{}, err
	}
	switch in.Kind {
	case "":
		in.Kind = string(isms.EvidenceFile)
	case string(isms.EvidenceFile):
	default:
		return app.EvidenceDetail{}, isms.Invalid("kind", "an upload holds file evidence; send %s evidence as application/json", in.Kind)
	}
	ei, err := in.input()
	if err != nil {
		return app.EvidenceDetail{}, err
	}
	part, err := mr.NextPart()
	switch {
	case errors.Is(err, io.EOF):
		// The application says that file evidence needs its file.
		return a.svc.AddEvidence(r.Context(), acc, ei, nil)
	case err != nil:
		return app.EvidenceDetail{}, partError("file", err)
	case part.FormName() != "file":
		return app.EvidenceDetail{}, malformed(part.FormName(), "is not a part of an upload: send metadata, then file")
	}
	if name := part.FileName(); usableText(name) {
		ei.FileName = name
	}
	return a.svc.AddEvidence(r.Context(), acc, ei, &lastPart{mr: mr, part: part})
}

// partError is a part of an upload that cannot be read: the body is over
// the limit, or it is not multipart/form-data.
func partError(name string, err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return tooLarge
	}
	return malformed(name, "cannot read the upload: %v", err)
}

// lastPart reads the file part of an upload and, at its end, checks that
// nothing follows: the item is stored as soon as the file is read, so a
// part after it could not be refused afterwards. Errors reading the body
// come out as problems of the request, through the store's wrapping.
type lastPart struct {
	mr   *multipart.Reader
	part *multipart.Part
}

func (l *lastPart) Read(p []byte) (int, error) {
	n, err := l.part.Read(p)
	if err == nil {
		return n, nil
	}
	if !errors.Is(err, io.EOF) {
		return n, partError("file", err)
	}
	next, err := l.mr.NextPart()
	switch {
	case errors.Is(err, io.EOF):
		return n, io.EOF
	case err != nil:
		return n, partError("file", err)
	}
	return n, malformed(next.FormName(), "is not a part of an upload: the file must be the last part")
}

func (a *API) getEvidence(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.svc.EvidenceItem(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toEvidenceDetailJSON(d))
}

// evidencePatch changes an item; fields left out keep their value, and
// null is the same as the empty value. A file's content never changes.
type evidencePatch struct {
	Title       optional[string]                `json:"title"`
	Description optional[string]                `json:"description"`
	URL         optional[string]                `json:"url"`
	Body        optional[string]                `json:"body"`
	PeriodStart optional[string]                `json:"period_start"`
	PeriodEnd   optional[string]                `json:"period_end"`
	Cadence     optional[string]                `json:"cadence"`
	Links       optional[[]isms.EvidenceLinkTo] `json:"links"`
}

func (a *API) patchEvidence(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in evidencePatch
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cur, err := a.svc.EvidenceItem(r.Context(), acc, id)
	if err != nil {
		return err
	}
	start, end := cur.PeriodStart, cur.PeriodEnd
	upd := app.EvidenceInput{Kind: string(cur.Kind), Title: cur.Title, Description: cur.Description, URL: cur.URL, Body: cur.Body,
		PeriodStart: &start, PeriodEnd: &end, Cadence: string(cur.Cadence), Links: cur.Links}
	for _, f := range []struct {
		in  optional[string]
		out *string
	}{{in.Title, &upd.Title}, {in.Description, &upd.Description}, {in.URL, &upd.URL}, {in.Body, &upd.Body}, {in.Cadence, &upd.Cadence}} {
		if f.in.Set {
			*f.out = f.in.Value
		}
	}
	if in.PeriodStart.Set {
		// Without a start, the period is the point in time of its end.
		upd.PeriodStart = nil
		if !in.PeriodStart.Null {
			if upd.PeriodStart, err = parsePeriod("period_start", &in.PeriodStart.Value); err != nil {
				return err
			}
		}
	}
	if in.PeriodEnd.Set {
		if in.PeriodEnd.Null {
			return isms.Invalid("period_end", "cannot be null: it is the date the evidence is for")
		}
		if upd.PeriodEnd, err = parsePeriod("period_end", &in.PeriodEnd.Value); err != nil {
			return err
		}
	}
	if in.Links.Set {
		upd.Links = orEmpty(in.Links.Value)
	}
	if _, err := a.svc.UpdateEvidence(r.Context(), acc, cur.ID, upd); err != nil {
		return renameFields(err, evidenceFields)
	}
	d, err := a.svc.EvidenceItem(r.Context(), acc, cur.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toEvidenceDetailJSON(d))
}

// servedTypes are the media types an evidence file is served as, which a
// browser shows without running anything. Any other file, HTML, XML and
// PostScript above all, goes out as application/octet-stream, so that
// evidence cannot act as a page of isms.
var servedTypes = []string{"text/plain", "application/pdf", "application/zip", "application/x-gzip", "application/x-rar-compressed",
	"application/ogg", "application/vnd.ms-fontobject"}

// servedTypePrefixes are the families of servedTypes.
var servedTypePrefixes = []string{"image/", "audio/", "video/", "font/", "application/vnd.openxmlformats-officedocument."}

func servedType(mediaType string) string {
	mt, _, err := mime.ParseMediaType(mediaType)
	shown := err == nil && mt != "image/svg+xml" && (slices.Contains(servedTypes, mt) ||
		slices.ContainsFunc(servedTypePrefixes, func(p string) bool { return strings.HasPrefix(mt, p) }))
	if !shown {
		return "application/octet-stream"
	}
	return mediaType
}

// evidenceFile downloads an item's file under the name it was uploaded
// with.
func (a *API) evidenceFile(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, f, err := a.svc.OpenEvidenceFile(r.Context(), acc, id)
	if err != nil {
		return err
	}
	defer f.Close()
	name := e.FileName
	if name == "" {
		name = "evidence-" + e.ID
	}
	h := w.Header()
	h.Set("Content-Type", servedType(e.MediaType))
	h.Set("Content-Disposition", attachment(name))
	// The server sets these on every response; they are set here too
	// because this content comes from users, and must never be run.
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "no-store")
	// The content is named by its hash and never changes.
	h.Set("ETag", `"`+e.SHA256+`"`)
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

type fileItemJSON struct {
	EvidenceID string `json:"evidence_id"`
	Title      string `json:"title"`
}

type fileProblemJSON struct {
	SHA256 string         `json:"sha256"`
	Kind   string         `json:"kind"`
	Detail string         `json:"detail"`
	Items  []fileItemJSON `json:"items"`
}

// fileCheckJSON is what rehashing the organisation's evidence files found.
type fileCheckJSON struct {
	OK       bool              `json:"ok"`
	Files    int               `json:"files"`
	Items    int               `json:"items"`
	Problems []fileProblemJSON `json:"problems"`
}

func (a *API) verifyEvidence(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	check, err := a.svc.VerifyEvidenceFiles(r.Context(), acc)
	if err != nil {
		return err
	}
	out := fileCheckJSON{OK: len(check.Problems) == 0, Files: check.Files, Items: check.Items,
		Problems: make([]fileProblemJSON, len(check.Problems))}
	for i, p := range check.Problems {
		out.Problems[i] = fileProblemJSON{SHA256: p.SHA256, Kind: p.Kind, Detail: p.Detail, Items: make([]fileItemJSON, len(p.Items))}
		for j, it := range p.Items {
			out.Problems[i].Items[j] = fileItemJSON{EvidenceID: it.EvidenceID, Title: it.Title}
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// requestJSON is a request for evidence.
type requestJSON struct {
	ID         string             `json:"id"`
	Control    string             `json:"control"`
	Title      string             `json:"title"`
	AssigneeID string             `json:"assignee_id"`
	DueDate    string             `json:"due_date"`
	Status     isms.RequestStatus `json:"status"`
	// EvidenceID is the evidence that fulfilled the request.
	EvidenceID *string   `json:"evidence_id"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func toRequestJSON(q isms.EvidenceRequest) requestJSON {
	return requestJSON{ID: q.ID, Control: q.Control, Title: q.Title, AssigneeID: q.AssigneeID, DueDate: q.DueDate.UTC().Format(dateLayout),
		Status: q.Status, EvidenceID: nullable(q.EvidenceID), CreatedAt: q.CreatedAt, UpdatedAt: q.UpdatedAt}
}

func (a *API) listEvidenceRequests(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "control", "assignee_id", "status"); err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.RequestFilter{Control: q.Get("control"), AssigneeID: q.Get("assignee_id"), Status: isms.RequestStatus(q.Get("status"))}
	switch f.Status {
	case "", isms.RequestOpen, isms.RequestFulfilled, isms.RequestCancelled:
	default:
		return isms.Invalid("status", "%q is not open, fulfilled or cancelled", f.Status)
	}
	reqs, err := a.svc.EvidenceRequests(r.Context(), acc, f)
	if err != nil {
		return err
	}
	items := make([]requestJSON, len(reqs))
	for i, q := range reqs {
		items[i] = toRequestJSON(q)
	}
	return writeJSON(w, http.StatusOK, newList(items, ""))
}

type requestCreate struct {
	Control    string  `json:"control"`
	Title      string  `json:"title"`
	AssigneeID string  `json:"assignee_id"`
	DueDate    *string `json:"due_date"`
}

func (a *API) requestEvidence(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in requestCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Control == "" {
		return bodyControl("", nil)
	}
	due, err := parseDate("due_date", in.DueDate)
	if err != nil {
		return err
	}
	var day time.Time
	if due != nil {
		day = *due
	}
	q, err := a.svc.RequestEvidence(r.Context(), acc, in.Control, in.Title, in.AssigneeID, day)
	if err != nil {
		return renameFields(bodyControl(in.Control, err), map[string]string{"assignee": "assignee_id"})
	}
	return writeJSON(w, http.StatusCreated, toRequestJSON(q))
}

func (a *API) cancelEvidenceRequest(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.CancelEvidenceRequest(r.Context(), acc, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
