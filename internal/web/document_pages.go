package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/policy"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/store"
)

// registerDocumentPages adds the document register (5.1, 5.37, 7.5):
// policies and procedures written or uploaded, reviewed by their
// approvers, published and acknowledged.
func (u *UI) registerDocumentPages(r *router.Router) {
	r.Handle("GET", "/o/{org}/documents", u.inOrg(u.documentsPage))
	r.Handle("GET", "/o/{org}/documents/new", u.inOrg(u.newDocumentPage))
	r.Handle("POST", "/o/{org}/documents", u.inOrg(u.createDocument))
	r.Handle("POST", "/o/{org}/documents/templates", u.inOrg(u.documentFromTemplate))
	r.Handle("GET", "/o/{org}/documents/{id}", u.inOrg(u.documentPage))
	r.Handle("GET", "/o/{org}/documents/{id}/edit", u.inOrg(u.editDocumentPage))
	r.Handle("POST", "/o/{org}/documents/{id}", u.inOrg(u.updateDocument))
	r.Handle("GET", "/o/{org}/documents/{id}/draft", u.inOrg(u.draftPage))
	// A draft may come as a file, streamed like an evidence upload.
	r.Handle("POST", "/o/{org}/documents/{id}/draft", u.withSession(u.orgScoped(u.saveDraft), u.uploadBody))
	r.Handle("POST", "/o/{org}/documents/{id}/{step}", u.inOrg(u.documentStep))
	r.Handle("GET", "/o/{org}/documents/{id}/versions/{version}", u.inOrg(u.documentVersionPage))
	r.Handle("GET", "/o/{org}/documents/{id}/versions/{version}/pdf", u.inOrg(u.documentPDF))
	r.Handle("GET", "/o/{org}/documents/{id}/versions/{version}/file", u.inOrg(u.documentFile))
}

func (q *request) docPath(d isms.Document, parts ...string) string {
	return q.orgPath(append([]string{"documents", d.Ref()}, parts...)...)
}

// VersionStatusLabel names a version's state.
func (labels) VersionStatusLabel(s isms.VersionStatus) string { return s.Label() }

// ---------------------------------------------------------------------
// The register.

type docRow struct {
	app.DocRow
	Link, Owner   string
	ReviewOverdue bool
}

type documentsPage struct {
	Page
	labels
	Rows      []docRow
	Kinds     []isms.DocKind
	Kind, Q   string
	Templates []policy.Template
	// Started names the templates already in the register, by title.
	Started map[string]bool
	Manager bool
}

func (u *UI) documentsPage(q *request) error {
	ctx := q.r.Context()
	v := q.r.URL.Query()
	page := &documentsPage{Kinds: isms.DocKinds, Kind: v.Get("kind"), Q: strings.TrimSpace(v.Get("q")), Started: map[string]bool{},
		Manager: q.access.Can(isms.PermWriteRecords)}
	page.Title, page.Section = "Policies and documents", "documents"
	rows, err := u.svc.Documents(ctx, q.access, store.DocFilter{Kind: isms.DocKind(page.Kind), Query: page.Q, Control: v.Get("control")})
	if err != nil {
		return err
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, r := range rows {
		page.Rows = append(page.Rows, docRow{DocRow: r, Link: q.docPath(r.Document), Owner: ppl.Name(r.OwnerID), ReviewOverdue: r.ReviewOverdue(now)})
		page.Started[r.Title] = true
	}
	if page.Manager {
		if page.Templates, err = policy.Templates(); err != nil {
			return err
		}
	}
	return u.render(q, http.StatusOK, "documents", page)
}

func (u *UI) documentFromTemplate(q *request) error {
	d, err := u.svc.CreateFromTemplate(q.r.Context(), q.access, q.r.PostFormValue("template"), "")
	if err != nil {
		return err
	}
	return u.redirect(q, q.docPath(d, "draft"), d.Ref()+" started from the template and filled from your records: read it, adapt it, then send it for review.")
}

// ---------------------------------------------------------------------
// The document's own fields.

type docForm struct {
	Kind, Title, Summary, OwnerID, Classification, ReviewMonths string
	Approvers, Controls, Audience                               []string
}

func docFormFrom(d isms.Document) docForm {
	f := docForm{Kind: string(d.Kind), Title: d.Title, Summary: d.Summary, OwnerID: d.OwnerID, Classification: d.Classification,
		ReviewMonths: strconv.Itoa(d.ReviewMonths), Approvers: d.ApproverIDs, Controls: d.Controls}
	for _, r := range d.Audience {
		f.Audience = append(f.Audience, string(r))
	}
	return f
}

func (f docForm) input() app.DocInput {
	months, err := strconv.Atoi(strings.TrimSpace(f.ReviewMonths))
	if err != nil {
		months = -1 // reported as out of range
	}
	return app.DocInput{Kind: &f.Kind, Title: &f.Title, Summary: &f.Summary, OwnerID: &f.OwnerID, Classification: &f.Classification,
		ReviewMonths: &months, ApproverIDs: &f.Approvers, Controls: &f.Controls, Audience: &f.Audience}
}

type docFormPage struct {
	Page
	labels
	Doc             *isms.Document
	Form            docForm
	Errors          map[string]string
	Kinds           []isms.DocKind
	Owners          []isms.Member
	Classifications []string
	Requirements    []requirementOption
	Roles           []isms.Role
	Action          string
}

// Has reports whether a list holds a value, for checkboxes and multiple
// selects.
func (docFormPage) Has(list []string, v string) bool { return slices.Contains(list, v) }

func (u *UI) newDocumentPage(q *request) error {
	f := docForm{Kind: string(isms.DocPolicy), OwnerID: q.access.Member.ID, ReviewMonths: "12", Classification: "internal",
		Audience: []string{"owner", "admin", "isms_manager", "contributor", "viewer"}}
	return u.showDocForm(q, http.StatusOK, nil, f, nil)
}

func (u *UI) editDocumentPage(q *request) error {
	d, err := u.svc.Document(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.showDocForm(q, http.StatusOK, &d.Document, docFormFrom(d.Document), nil)
}

func (u *UI) showDocForm(q *request, status int, d *isms.Document, f docForm, errs map[string]string) error {
	if !q.access.Can(isms.PermWriteRecords) && (d == nil || q.access.Member.ID != d.OwnerID) {
		return fmt.Errorf("ISMS managers, and a document's owner, edit documents: %w", isms.ErrForbidden)
	}
	page := &docFormPage{Doc: d, Form: f, Errors: errs, Kinds: isms.DocKinds, Roles: isms.Roles[:5], Action: q.orgPath("documents")}
	page.Title, page.Section = "New document", "documents"
	if d != nil {
		page.Title, page.Action = "Edit "+d.Ref(), q.docPath(*d)
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	page.Owners = ppl.Eligible
	if page.Classifications, err = u.svc.Classifications(q.r.Context(), q.access); err != nil {
		return err
	}
	if page.Requirements, err = u.requirementOptions(q); err != nil {
		return err
	}
	return u.render(q, status, "document_form", page)
}

func docFormFromRequest(q *request) docForm {
	v := q.r.PostForm
	return docForm{Kind: v.Get("kind"), Title: v.Get("title"), Summary: v.Get("summary"), OwnerID: v.Get("owner_id"),
		Classification: v.Get("classification"), ReviewMonths: v.Get("review_months"), Approvers: v["approvers"], Controls: v["controls"],
		Audience: v["audience"]}
}

func (u *UI) createDocument(q *request) error {
	f := docFormFromRequest(q)
	d, err := u.svc.CreateDocument(q.r.Context(), q.access, f.input())
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showDocForm(q, http.StatusUnprocessableEntity, nil, f, docFieldErrors(fields))
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.docPath(d, "draft"), d.Ref()+" added. Write its first version, or upload it.")
}

func (u *UI) updateDocument(q *request) error {
	d, err := u.svc.Document(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	f := docFormFromRequest(q)
	in := f.input()
	if !q.access.Can(isms.PermWriteRecords) {
		in.OwnerID, in.ApproverIDs = nil, nil
	}
	got, err := u.svc.UpdateDocument(q.r.Context(), q.access, d.ID, in)
	if fields := isms.FieldErrors(err); fields != nil {
		return u.showDocForm(q, http.StatusUnprocessableEntity, &d.Document, f, docFieldErrors(fields))
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.docPath(got), got.Ref()+" saved.")
}

// docFieldErrors files the app's field names under the form's.
func docFieldErrors(fields []isms.FieldError) map[string]string {
	errs := fieldErrors(fields)
	for k, v := range errs {
		switch {
		case k == "owner":
			errs["owner_id"] = v
		case strings.HasPrefix(k, "approvers."):
			errs["approvers"] = v
		}
	}
	return errs
}

// ---------------------------------------------------------------------
// One document.

type docVersionRow struct {
	isms.DocVersion
	Link, Author string
}

type docReaderRow struct {
	Name  string
	Role  isms.Role
	Ack   *time.Time
	Self  bool
	Label string
}

type documentPage struct {
	Page
	labels
	Doc       app.DocDetail
	Owner     string
	Published template.HTML
	Versions  []docVersionRow
	Approvers []docApprover
	Readers   []docReaderRow
	Pending   int
	Controls  []docControl
	// What the caller may do now.
	MayEdit, MaySubmit, MayDecide, MayPublish, MayRetire, MayAcknowledge bool
	Acknowledged                                                         *time.Time
	DiffLink                                                             string
	Refusal                                                              string
	NoteError                                                            string
}

type docApprover struct {
	Name     string
	Approved bool
	Pending  bool
}

type docControl struct{ Ref, Cite, Link string }

func (u *UI) documentPage(q *request) error { return u.showDocument(q, http.StatusOK, "", "") }

func (u *UI) showDocument(q *request, status int, refusal, noteError string) error {
	ctx := q.r.Context()
	d, err := u.svc.Document(ctx, q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	a := q.access
	page := &documentPage{Doc: d, Owner: d.Members[d.OwnerID], Refusal: refusal, NoteError: noteError}
	page.Title, page.Section = d.Ref()+" "+d.Title, "documents"
	live := d.RetiredAt == nil
	owner := a.Can(isms.PermWriteRecords) || a.Role == isms.RoleContributor && a.Member.ID == d.OwnerID
	page.MayEdit, page.MayRetire = live && owner, live && a.Can(isms.PermWriteRecords)
	if d.Published != nil && d.Published.Format == isms.FormatMarkdown {
		if page.Published, err = policy.HTML(d.Published.Body); err != nil {
			return err
		}
	}
	for _, v := range d.Versions {
		page.Versions = append(page.Versions, docVersionRow{DocVersion: v, Link: q.docPath(d.Document, "versions", v.Number()),
			Author: d.Members[v.AuthorID]})
	}
	if o := d.Open; o != nil && live {
		page.MaySubmit = owner && o.Status == isms.VersionDraft
		page.MayPublish = owner && o.Status == isms.VersionApproved
		page.MayDecide = o.Status == isms.VersionInReview && slices.Contains(d.ApproverIDs, a.Member.ID) && !d.Approved[a.Member.ID]
		if d.Published != nil && o.Format == isms.FormatMarkdown && d.Published.Format == isms.FormatMarkdown {
			page.DiffLink = q.docPath(d.Document, "versions", o.Number()) + "?compare=" + d.Published.Number()
		}
	}
	for _, id := range d.ApproverIDs {
		page.Approvers = append(page.Approvers, docApprover{Name: d.Members[id], Approved: d.Approved[id],
			Pending: d.Open != nil && d.Open.Status == isms.VersionInReview && !d.Approved[id]})
	}
	for _, r := range d.Readers {
		row := docReaderRow{Name: r.Member.Name, Role: r.Member.Role, Self: r.Member.ID == a.Member.ID}
		if r.Ack != nil {
			row.Ack = &r.Ack.CreatedAt
		} else {
			page.Pending++
		}
		if row.Self {
			page.MayAcknowledge, page.Acknowledged = r.Ack == nil && live, row.Ack
		}
		page.Readers = append(page.Readers, row)
	}
	for _, ref := range d.Controls {
		page.Controls = append(page.Controls, docControl{Ref: ref, Cite: ref[strings.IndexByte(ref, ':')+1:], Link: q.controlPath(ref)})
	}
	return u.render(q, status, "document", page)
}

// documentStep runs a step of the workflow posted from the document's
// page: submit, approve, reject, publish, acknowledge, retire.
func (u *UI) documentStep(q *request) error {
	ctx := q.r.Context()
	ref := q.r.PathValue("id")
	var (
		err error
		msg string
	)
	switch q.r.PathValue("step") {
	case "submit":
		var v isms.DocVersion
		v, err = u.svc.SubmitForReview(ctx, q.access, ref)
		msg = "Version " + v.Number() + " sent to the approvers."
	case "approve", "reject":
		approve := q.r.PathValue("step") == "approve"
		var v isms.DocVersion
		v, err = u.svc.DecideOnVersion(ctx, q.access, ref, approve, q.r.PostFormValue("note"))
		switch {
		case !approve:
			msg = "Version " + v.Number() + " rejected and back in draft with your note."
		case v.Status == isms.VersionApproved:
			msg = "Version " + v.Number() + " approved by every approver: it can be published."
		default:
			msg = "Your approval of version " + v.Number() + " is recorded."
		}
	case "publish":
		var v isms.DocVersion
		v, err = u.svc.PublishVersion(ctx, q.access, ref)
		msg = "Version " + v.Number() + " published: it is now in force."
	case "acknowledge":
		_, err = u.svc.Acknowledge(ctx, q.access, ref)
		msg = "Thank you: your acknowledgement is recorded."
	case "retire":
		_, err = u.svc.RetireDocument(ctx, q.access, ref)
		msg = "Retired: the document stays in the register with its versions, no longer in force."
	default:
		return isms.ErrNotFound
	}
	var conflict *isms.ConflictError
	switch {
	case errors.As(err, &conflict):
		return u.showDocument(q, http.StatusConflict, refusal(errors.New(conflict.Detail)), "")
	case isms.FieldErrors(err) != nil:
		f := isms.FieldErrors(err)
		if f[0].Field == "note" {
			return u.showDocument(q, http.StatusUnprocessableEntity, "", f[0].Detail)
		}
		return u.showDocument(q, http.StatusUnprocessableEntity, refusal(errors.New(f[0].Field+": "+f[0].Detail)), "")
	case errors.Is(err, isms.ErrForbidden):
		return u.showDocument(q, http.StatusForbidden, refusal(err), "")
	case err != nil:
		return err
	}
	return u.redirect(q, q.orgPath("documents", ref), msg)
}

// ---------------------------------------------------------------------
// Writing a draft.

type draftPage struct {
	Page
	labels
	Doc        app.DocDetail
	Body       string
	ChangeNote string
	Major      bool
	// Next is the number the draft will have.
	Next      string
	Existing  *isms.DocVersion
	Preview   template.HTML
	Errors    map[string]string
	MaxUpload string
}

func (u *UI) draftPage(q *request) error {
	return u.showDraft(q, http.StatusOK, nil, nil)
}

func (u *UI) showDraft(q *request, status int, form *draftPage, errs map[string]string) error {
	d, err := u.svc.Document(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	if !q.access.Can(isms.PermWriteRecords) && q.access.Member.ID != d.OwnerID {
		return fmt.Errorf("ISMS managers, and a document's owner, write its versions: %w", isms.ErrForbidden)
	}
	page := &draftPage{Doc: d, Errors: errs, MaxUpload: formatBytes(u.svc.EvidenceMaxSize())}
	page.Title, page.Section = "Draft of "+d.Ref(), "documents"
	switch {
	case form != nil:
		page.Body, page.ChangeNote, page.Major = form.Body, form.ChangeNote, form.Major
	case d.Open != nil:
		page.Existing = d.Open
		page.Body, page.ChangeNote = d.Open.Body, d.Open.ChangeNote
	case d.Published != nil:
		page.Body = d.Published.Body
	}
	switch {
	case d.Open != nil:
		page.Next = d.Open.Number()
	case len(d.Versions) > 0:
		page.Next = fmt.Sprintf("%d.%d", d.Versions[0].Major, d.Versions[0].Minor+1)
	default:
		page.Next = "1.0"
	}
	if page.Body != "" {
		if page.Preview, err = policy.HTML(page.Body); err != nil {
			return err
		}
	}
	return u.render(q, status, "document_draft", page)
}

func (u *UI) saveDraft(q *request) error {
	up, err := u.readUpload(q)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge) || errors.Is(err, errFieldsTooLarge):
		u.renderError(q.w, q.r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The upload is larger than this server accepts (%s for a file). Nothing was saved.",
			formatBytes(u.svc.EvidenceMaxSize())))
		return nil
	case err != nil:
		return err
	}
	form := &draftPage{Body: up.fields.Get("body"), ChangeNote: up.fields.Get("change_note"), Major: up.fields.Get("major") != ""}
	in := app.DraftInput{Body: form.Body, ChangeNote: form.ChangeNote, Major: form.Major}
	if up.file != nil {
		in.File, in.FileName = up.file, up.fileName
	}
	v, err := u.svc.SaveDraft(q.r.Context(), q.access, q.r.PathValue("id"), in)
	var conflict *isms.ConflictError
	switch {
	case isms.FieldErrors(err) != nil:
		return u.showDraft(q, http.StatusUnprocessableEntity, form, fieldErrors(isms.FieldErrors(err)))
	case errors.As(err, &conflict):
		return u.showDraft(q, http.StatusConflict, form, map[string]string{"body": conflict.Detail})
	case errors.Is(err, app.ErrNoFileStore):
		return u.showDraft(q, http.StatusUnprocessableEntity, form, map[string]string{"file": refusal(err)})
	case err != nil:
		return err
	}
	return u.redirect(q, q.orgPath("documents", q.r.PathValue("id")), "Draft "+v.Number()+" saved. Send it for review when it is ready.")
}

// ---------------------------------------------------------------------
// One version, its comparison and its exports.

type documentVersionPage struct {
	Page
	labels
	Doc     app.DocDetail
	Version isms.DocVersion
	Author  string
	Body    template.HTML
	// Compare is the version compared with, and Diff the lines.
	Compare  *isms.DocVersion
	Diff     []policy.DiffLine
	Others   []isms.DocVersion
	DocLink  string
	Approval []app.DocApprovalView
}

func (u *UI) documentVersionPage(q *request) error {
	d, err := u.svc.Document(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	v, ok := d.VersionOf(q.r.PathValue("version"))
	if !ok {
		return isms.ErrNotFound
	}
	page := &documentVersionPage{Doc: d, Version: v, Author: d.Members[v.AuthorID], DocLink: q.docPath(d.Document)}
	page.Title, page.Section = d.Ref()+" version "+v.Number(), "documents"
	if v.Format == isms.FormatMarkdown {
		if page.Body, err = policy.HTML(v.Body); err != nil {
			return err
		}
	}
	for _, o := range d.Versions {
		if o.ID != v.ID && o.Format == isms.FormatMarkdown && v.Format == isms.FormatMarkdown {
			page.Others = append(page.Others, o)
		}
	}
	if c := q.r.URL.Query().Get("compare"); c != "" {
		other, ok := d.VersionOf(c)
		if !ok || other.Format != isms.FormatMarkdown || v.Format != isms.FormatMarkdown {
			return fmt.Errorf("compare: %q is not a written version of %s: %w", c, d.Ref(), isms.ErrNotFound)
		}
		page.Compare, page.Diff = &other, policy.Diff(other.Body, v.Body)
	}
	if page.Approval, err = u.svc.DocApprovalViews(q.r.Context(), q.access, d, v); err != nil {
		return err
	}
	return u.render(q, http.StatusOK, "document_version", page)
}

func (u *UI) documentPDF(q *request) error {
	var b bytes.Buffer
	v, err := u.svc.DocumentPDF(q.r.Context(), q.access, q.r.PathValue("id"), q.r.PathValue("version"), &b)
	if err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", attachment(fmt.Sprintf("%s-v%s.pdf", q.r.PathValue("id"), v.Number())))
	h.Set("Cache-Control", "private, no-store")
	_, err = q.w.Write(b.Bytes())
	return err
}

func (u *UI) documentFile(q *request) error {
	v, f, err := u.svc.DocumentFile(q.r.Context(), q.access, q.r.PathValue("id"), q.r.PathValue("version"))
	if err != nil {
		return err
	}
	defer f.Close()
	h := q.w.Header()
	h.Set("Content-Type", safeMediaType(v.MediaType))
	h.Set("Content-Disposition", attachment(v.FileName))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(q.w, q.r, "", v.CreatedAt, f)
	return nil
}
