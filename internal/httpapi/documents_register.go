package httpapi

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/policy"
	"github.com/isms-dev/isms/internal/store"
)

// The document register (5.1, 5.37, 7.5). documents.go holds the ISMS
// context and methodology, which are versioned documents of another kind.

// docVersionJSON is a version of a register document; body only on a
// single version.
type docVersionJSON struct {
	ID          string     `json:"id"`
	Number      string     `json:"number"`
	Format      string     `json:"format"`
	Status      string     `json:"status"`
	ChangeNote  string     `json:"change_note"`
	AuthorID    *string    `json:"author_id"`
	FileName    *string    `json:"file_name"`
	FileSHA256  *string    `json:"file_sha256"`
	MediaType   *string    `json:"media_type"`
	FileSize    *int64     `json:"file_size"`
	SubmittedAt *time.Time `json:"submitted_at"`
	ApprovedAt  *time.Time `json:"approved_at"`
	PublishedAt *time.Time `json:"published_at"`
	PublishedBy *string    `json:"published_by"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Body        *string    `json:"body,omitempty"`
}

func toDocVersionJSON(v isms.DocVersion) docVersionJSON {
	out := docVersionJSON{ID: v.ID, Number: v.Number(), Format: string(v.Format), Status: string(v.Status), ChangeNote: v.ChangeNote,
		AuthorID: nullable(v.AuthorID), SubmittedAt: v.SubmittedAt, ApprovedAt: v.ApprovedAt, PublishedAt: v.PublishedAt,
		PublishedBy: nullable(v.PublishedBy), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	if v.Format == isms.FormatFile {
		size := v.FileSize
		out.FileName, out.FileSHA256, out.MediaType, out.FileSize = &v.FileName, &v.FileSHA256, &v.MediaType, &size
	}
	return out
}

// toDocVersionTextJSON is a version with the Markdown of a written one,
// for the calls that ask for one version.
func toDocVersionTextJSON(v isms.DocVersion) docVersionJSON {
	out := toDocVersionJSON(v)
	if v.Format == isms.FormatMarkdown {
		body := v.Body
		out.Body = &body
	}
	return out
}

// registerDocJSON is a document of the register.
type registerDocJSON struct {
	ID             string          `json:"id"`
	Ref            string          `json:"ref"`
	Kind           string          `json:"kind"`
	Title          string          `json:"title"`
	Summary        string          `json:"summary"`
	OwnerID        string          `json:"owner_id"`
	Classification string          `json:"classification"`
	ReviewMonths   int             `json:"review_months"`
	NextReview     *string         `json:"next_review"`
	ReviewOverdue  bool            `json:"review_overdue"`
	ApproverIDs    []string        `json:"approver_ids"`
	Controls       []string        `json:"controls"`
	Audience       []string        `json:"audience"`
	RetiredAt      *time.Time      `json:"retired_at"`
	Published      *docVersionJSON `json:"published"`
	UnderWay       *docVersionJSON `json:"under_way"`
	Acknowledged   int             `json:"acknowledged"`
	Readers        int             `json:"readers"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

func toRegisterDocJSON(r app.DocRow, now time.Time) registerDocJSON {
	out := registerDocJSON{ID: r.ID, Ref: r.Ref(), Kind: string(r.Kind), Title: r.Title, Summary: r.Summary, OwnerID: r.OwnerID,
		Classification: r.Classification, ReviewMonths: r.ReviewMonths, NextReview: formatDate(r.NextReview), ReviewOverdue: r.ReviewOverdue(now),
		ApproverIDs: nonNilStrings(r.ApproverIDs), Controls: nonNilStrings(r.Controls), Audience: []string{}, RetiredAt: r.RetiredAt,
		Acknowledged: r.Acknowledged, Readers: r.Readers, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	for _, role := range r.Audience {
		out.Audience = append(out.Audience, string(role))
	}
	if r.Published != nil {
		v := toDocVersionJSON(*r.Published)
		out.Published = &v
	}
	if r.Open != nil {
		v := toDocVersionJSON(*r.Open)
		out.UnderWay = &v
	}
	return out
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// docDetailJSON is a document with every version, the decisions on the
// version under way, and who has acknowledged the version in force.
type docDetailJSON struct {
	registerDocJSON
	Versions  []docVersionJSON  `json:"versions"`
	Decisions []docDecisionJSON `json:"decisions"`
	Readers   []docReaderJSON   `json:"acknowledgements"`
}

type docDecisionJSON struct {
	ApproverID string    `json:"approver_id"`
	Approved   bool      `json:"approved"`
	Note       string    `json:"note"`
	At         time.Time `json:"at"`
}

type docReaderJSON struct {
	MemberID       string     `json:"member_id"`
	Name           string     `json:"name"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
}

func (a *API) writeRegisterDoc(w http.ResponseWriter, r *http.Request, acc app.Access, status int, ref string) error {
	d, err := a.svc.Document(r.Context(), acc, ref)
	if err != nil {
		return err
	}
	row := app.DocRow{Document: d.Document, Published: d.Published, Open: d.Open, Readers: len(d.Readers)}
	out := docDetailJSON{Versions: []docVersionJSON{}, Decisions: []docDecisionJSON{}, Readers: []docReaderJSON{}}
	for _, rd := range d.Readers {
		j := docReaderJSON{MemberID: rd.Member.ID, Name: rd.Member.Name}
		if rd.Ack != nil {
			row.Acknowledged++
			j.AcknowledgedAt = &rd.Ack.CreatedAt
		}
		out.Readers = append(out.Readers, j)
	}
	out.registerDocJSON = toRegisterDocJSON(row, time.Now())
	for _, v := range d.Versions {
		out.Versions = append(out.Versions, toDocVersionJSON(v))
	}
	for _, ap := range d.Approvals {
		out.Decisions = append(out.Decisions, docDecisionJSON{ApproverID: ap.ApproverID, Approved: ap.Approved, Note: ap.Note, At: ap.CreatedAt})
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/documents/"+d.ID)
	}
	return writeJSON(w, status, out)
}

func (a *API) listRegisterDocs(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "kind", "q", "control", "retired"); err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.DocFilter{Kind: isms.DocKind(q.Get("kind")), Query: q.Get("q"), Control: q.Get("control")}
	switch q.Get("retired") {
	case "", "false":
	case "true":
		f.Retired = true
	default:
		return isms.Invalid("retired", "use true or false")
	}
	if f.Kind != "" && !slices.Contains(isms.DocKinds, f.Kind) {
		return isms.Invalid("kind", "%q is not a kind of document", f.Kind)
	}
	rows, err := a.svc.Documents(r.Context(), acc, f)
	if err != nil {
		return err
	}
	out := newList(make([]registerDocJSON, 0, len(rows)), "")
	now := time.Now()
	for _, d := range rows {
		out.Items = append(out.Items, toRegisterDocJSON(d, now))
	}
	return writeJSON(w, http.StatusOK, out)
}

// registerDocWrite is a new document or changes to one; fields left out
// keep their value.
type registerDocWrite struct {
	Kind           optional[string]   `json:"kind"`
	Title          optional[string]   `json:"title"`
	Summary        optional[string]   `json:"summary"`
	OwnerID        optional[string]   `json:"owner_id"`
	Classification optional[string]   `json:"classification"`
	ReviewMonths   optional[int]      `json:"review_months"`
	ApproverIDs    optional[[]string] `json:"approver_ids"`
	Controls       optional[[]string] `json:"controls"`
	Audience       optional[[]string] `json:"audience"`
}

func (in registerDocWrite) input() (app.DocInput, error) {
	var out app.DocInput
	for _, f := range []struct {
		name string
		o    optional[string]
		dst  **string
	}{{"kind", in.Kind, &out.Kind}, {"title", in.Title, &out.Title}, {"summary", in.Summary, &out.Summary},
		{"owner_id", in.OwnerID, &out.OwnerID}, {"classification", in.Classification, &out.Classification}} {
		if f.o.Set {
			if f.o.Null {
				return out, isms.Invalid(f.name, "cannot be null")
			}
			v := f.o.Value
			*f.dst = &v
		}
	}
	if in.ReviewMonths.Set {
		if in.ReviewMonths.Null {
			return out, isms.Invalid("review_months", "cannot be null; 0 means no fixed cycle")
		}
		out.ReviewMonths = &in.ReviewMonths.Value
	}
	for _, f := range []struct {
		o   optional[[]string]
		dst **[]string
	}{{in.ApproverIDs, &out.ApproverIDs}, {in.Controls, &out.Controls}, {in.Audience, &out.Audience}} {
		if f.o.Set {
			v := f.o.Value
			*f.dst = &v
		}
	}
	return out, nil
}

func (a *API) createRegisterDoc(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in registerDocWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	upd, err := in.input()
	if err != nil {
		return err
	}
	d, err := a.svc.CreateDocument(r.Context(), acc, upd)
	if err != nil {
		return err
	}
	return a.writeRegisterDoc(w, r, acc, http.StatusCreated, d.ID)
}

func (a *API) getRegisterDoc(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writeRegisterDoc(w, r, acc, http.StatusOK, id)
}

func (a *API) patchRegisterDoc(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in registerDocWrite
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
	d, err := a.svc.UpdateDocument(r.Context(), acc, id, upd)
	if err != nil {
		return err
	}
	return a.writeRegisterDoc(w, r, acc, http.StatusOK, d.ID)
}

// draftWrite is a written draft.
type draftWrite struct {
	Body       string `json:"body"`
	ChangeNote string `json:"change_note"`
	Major      bool   `json:"major"`
}

func (a *API) saveDraftVersion(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in draftWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := a.svc.SaveDraft(r.Context(), acc, id, app.DraftInput{Body: in.Body, ChangeNote: in.ChangeNote, Major: in.Major})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toDocVersionTextJSON(v))
}

// docUploadTypes are the media types a document file may be sent as; the
// content decides whether it is a PDF or a Word file.
var docUploadTypes = []string{"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/octet-stream"}

// uploadDraftVersion takes a PDF or Word file as the request body, named
// by ?name=, as the draft.
func (a *API) uploadDraftVersion(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "name", "change_note", "major"); err != nil {
		return err
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !slices.Contains(docUploadTypes, ct) {
		return &mediaTypeError{got: r.Header.Get("Content-Type"), want: docUploadTypes}
	}
	q := r.URL.Query()
	name := q.Get("name")
	if name == "" {
		return isms.Invalid("name", "is required: the file's name, such as policy.pdf")
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, a.svc.EvidenceMaxSize()+1)
	v, err := a.svc.SaveDraft(r.Context(), acc, id, app.DraftInput{File: r.Body, FileName: name, ChangeNote: q.Get("change_note"),
		Major: q.Get("major") == "true"})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toDocVersionJSON(v))
}

// docDecisionWrite is an approver's decision.
type docDecisionWrite struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

// docStep runs a step of the workflow on the document's open version.
func (a *API) docStep(step string) func(http.ResponseWriter, *http.Request, app.Access) error {
	return func(w http.ResponseWriter, r *http.Request, acc app.Access) error {
		var in docDecisionWrite
		if step == "decision" {
			if err := a.decode(w, r, &in); err != nil {
				return err
			}
		} else if err := knownQuery(r); err != nil {
			return err
		}
		id, err := pathID(r)
		if err != nil {
			return err
		}
		ctx := r.Context()
		switch step {
		case "submit":
			_, err = a.svc.SubmitForReview(ctx, acc, id)
		case "decision":
			_, err = a.svc.DecideOnVersion(ctx, acc, id, in.Approve, in.Note)
		case "publish":
			_, err = a.svc.PublishVersion(ctx, acc, id)
		case "acknowledgement":
			_, err = a.svc.Acknowledge(ctx, acc, id)
		case "retire":
			_, err = a.svc.RetireDocument(ctx, acc, id)
		}
		if err != nil {
			return err
		}
		return a.writeRegisterDoc(w, r, acc, http.StatusOK, id)
	}
}

func (a *API) getDocVersion(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	d, err := a.svc.Document(r.Context(), acc, r.PathValue("id"))
	if err != nil {
		return err
	}
	v, ok := d.VersionOf(r.PathValue("version"))
	if !ok {
		return fmt.Errorf("version %s: %w", r.PathValue("version"), isms.ErrNotFound)
	}
	return writeJSON(w, http.StatusOK, toDocVersionTextJSON(v))
}

func (a *API) docVersionPDF(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	var b bytes.Buffer
	v, err := a.svc.DocumentPDF(r.Context(), acc, r.PathValue("id"), r.PathValue("version"), &b)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="document-v%s.pdf"`, v.Number()))
	_, err = w.Write(b.Bytes())
	return err
}

func (a *API) docVersionFile(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	v, f, err := a.svc.DocumentFile(r.Context(), acc, r.PathValue("id"), r.PathValue("version"))
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", v.MediaType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": v.FileName}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", v.CreatedAt, f)
	return nil
}

func (a *API) exportRegisterDocs(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "format"); err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	var b bytes.Buffer
	if err := a.svc.ExportDocuments(r.Context(), acc, format, &b); err != nil {
		return err
	}
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="documents-%s.%s"`, acc.Org.Slug, format))
	_, err := w.Write(b.Bytes())
	return err
}

// docTemplateJSON is a starter template.
type docTemplateJSON struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Kind     string   `json:"kind"`
	Controls []string `json:"controls"`
}

func (a *API) listDocTemplates(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	all, err := policy.Templates()
	if err != nil {
		return err
	}
	out := make([]docTemplateJSON, len(all))
	for i, t := range all {
		out[i] = docTemplateJSON{ID: t.ID, Title: t.Title, Kind: t.Kind, Controls: t.Controls}
	}
	return writeJSON(w, http.StatusOK, newList(out, ""))
}

func (a *API) startFromTemplate(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	d, err := a.svc.CreateFromTemplate(r.Context(), acc, r.PathValue("id"), "")
	if err != nil {
		return err
	}
	return a.writeRegisterDoc(w, r, acc, http.StatusCreated, d.ID)
}
