package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/router"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// registerEvidencePages adds the evidence register: the list, the upload
// form, each item with its file, and the check of the stored files.
func (u *UI) registerEvidencePages(r *router.Router) {
	r.Handle("GET", "/o/{org}/evidence", u.inOrg(u.evidenceList))
	// An upload streams its file to the evidence store instead of parsing
	// the whole form first: see uploadBody and readUpload.
	r.Handle("POST", "/o/{org}/evidence", u.withSession(u.orgScoped(u.addEvidence), u.uploadBody))
	r.Handle("GET", "/o/{org}/evidence/new", u.inOrg(u.newEvidencePage))
	r.Handle("GET", "/o/{org}/evidence/verify", u.inOrg(u.verifyEvidencePage))
	r.Handle("GET", "/o/{org}/evidence/{id}", u.inOrg(u.evidencePage))
	r.Handle("GET", "/o/{org}/evidence/{id}/file", u.inOrg(u.evidenceFile))
	r.Handle("GET", "/o/{org}/evidence/{id}/edit", u.inOrg(u.editEvidencePage))
	r.Handle("POST", "/o/{org}/evidence/{id}/edit", u.inOrg(u.updateEvidence))
}

// maxUploadFields bounds the fields of an upload besides its file: the
// longest is a written record of 100,000 characters.
const maxUploadFields = 1 << 20

// ---------------------------------------------------------------------
// Shared pieces.

// attachment is a Content-Disposition that offers a download under name;
// mime.FormatMediaType quotes it, and encodes names that are not ASCII.
func attachment(name string) string {
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": name}); v != "" {
		return v
	}
	return "attachment"
}

// downloadTypes are the media types a stored file is served as. Anything
// else, HTML and SVG above all, is served as application/octet-stream: a
// file someone uploaded must never run script in the site's origin.
var downloadTypes = map[string]bool{
	"application/pdf": true, "application/zip": true, "application/x-gzip": true, "application/json": true,
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/bmp": true,
	"text/plain": true, "text/csv": true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         true,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": true,
}

// safeMediaType is the type a stored file is served as.
func safeMediaType(t string) string {
	base, _, _ := strings.Cut(t, ";")
	if downloadTypes[strings.TrimSpace(strings.ToLower(base))] {
		return t
	}
	return "application/octet-stream"
}

// controlChoices lists the controls evidence may support, by statement:
// each framework's annex, then the organisation's own controls.
func (u *UI) controlChoices(q *request) ([]riskOptionGroup, error) {
	fws, err := u.svc.SoAFrameworks(q.r.Context(), q.access)
	if err != nil {
		return nil, err
	}
	var out []riskOptionGroup
	for _, v := range fws {
		g := riskOptionGroup{Label: v.Title()}
		for _, it := range soa.Controls(v.Framework) {
			g.Options = append(g.Options, riskOption{Ref: framework.Ref{Framework: v.ID, Item: it.ID}.String(), Label: it.Cite() + " " + it.Title})
		}
		out = append(out, g)
	}
	if len(fws) > 0 {
		doc, err := u.svc.SoA(q.r.Context(), q.access, fws[0].ID, 0)
		if err != nil {
			return nil, err
		}
		g := riskOptionGroup{Label: "The organisation's own controls"}
		for _, e := range doc.Entries {
			if e.Custom {
				g.Options = append(g.Options, riskOption{Ref: e.Control, Label: e.ID + " " + e.Title})
			}
		}
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}

// choiceLabel finds a control's label among the choices.
func choiceLabel(groups []riskOptionGroup, ref string) string {
	for _, g := range groups {
		for _, o := range g.Options {
			if o.Ref == ref {
				return o.Label
			}
		}
	}
	return ref
}

var evidenceKindLabels = map[isms.EvidenceKind]string{
	isms.EvidenceFile:   "File",
	isms.EvidenceLink:   "Link",
	isms.EvidenceRecord: "Written record",
}

// EvidenceKindLabel names a kind of evidence.
func (labels) EvidenceKindLabel(k isms.EvidenceKind) string {
	if s, ok := evidenceKindLabels[k]; ok {
		return s
	}
	return string(k)
}

// CadenceLabel names a cadence.
func (labels) CadenceLabel(c isms.Cadence) string {
	switch c {
	case isms.Monthly:
		return "Monthly"
	case isms.Quarterly:
		return "Quarterly"
	case isms.Yearly:
		return "Yearly"
	}
	return "No fixed cadence"
}

// ---------------------------------------------------------------------
// The list.

type evidenceRow struct {
	isms.Evidence
	Link, FileLink, CollectedBy string
	Expires                     time.Time
}

type evidenceListPage struct {
	Page
	labels
	Rows     []evidenceRow
	Query    string
	Control  string
	Choices  []riskOptionGroup
	Label    string
	Limited  bool
	ClearURL string
	NewURL   string
	CanAdd   bool
}

// maxEvidenceRows bounds the list; a search narrows a longer one.
const maxEvidenceRows = 200

func (u *UI) evidenceList(q *request) error {
	ctx := q.r.Context()
	query := q.r.URL.Query()
	page := &evidenceListPage{Query: strings.TrimSpace(query.Get("q")), Control: query.Get("control"), ClearURL: q.orgPath("evidence"),
		CanAdd: mayAddEvidence(q.access)}
	page.Title, page.Section = "Evidence", "evidence"
	page.NewURL = q.orgPath("evidence", "new")
	if page.Control != "" {
		page.NewURL = urlWith(page.NewURL, url.Values{"control": {page.Control}})
	}
	var err error
	if page.Choices, err = u.controlChoices(q); err != nil {
		return err
	}
	if page.Control != "" {
		page.Label = choiceLabel(page.Choices, page.Control)
	}
	list, err := u.svc.ListEvidence(ctx, q.access, store.EvidenceFilter{Ref: page.Control, Query: page.Query, Limit: maxEvidenceRows + 1})
	if err != nil {
		return err
	}
	if len(list) > maxEvidenceRows {
		list, page.Limited = list[:maxEvidenceRows], true
	}
	ppl, err := u.people(q)
	if err != nil {
		return err
	}
	for _, e := range list {
		row := evidenceRow{Evidence: e, Link: q.orgPath("evidence", e.ID), CollectedBy: ppl.Name(e.CollectedBy), Expires: e.ExpiresAt(isms.NoCadence)}
		if e.Kind == isms.EvidenceFile {
			row.FileLink = q.orgPath("evidence", e.ID, "file")
		}
		page.Rows = append(page.Rows, row)
	}
	return u.render(q, http.StatusOK, "evidence_list", page)
}

// ---------------------------------------------------------------------
// Adding evidence.

type evidenceForm struct {
	Kind, Title, Description, URL, Body, PeriodStart, PeriodEnd, Cadence, RequestID, Back string
	Controls                                                                              []string
	// Requirements and Risks are typed references, separated by commas or
	// lines: iso27001-2022:9.2, R-012.
	Requirements, Risks string
}

// splitRefs reads a list of references typed into one field.
func splitRefs(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ';' }) {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// Selected reports whether the form links a control.
func (f evidenceForm) Selected(ref string) bool { return slices.Contains(f.Controls, ref) }

type evidenceFormPage struct {
	Page
	labels
	Form     evidenceForm
	Errors   map[string]string
	Problems []string
	Choices  []riskOptionGroup
	Kinds    []isms.EvidenceKind
	Cadences []isms.Cadence
	// Request is the request the evidence fulfils, if any.
	Request      *isms.EvidenceRequest
	RequestLabel string
	MaxUpload    string
	MaxBytes     int64
	Action       string
	// Editing is the item being changed; its kind and file stay as they are.
	Editing *app.EvidenceDetail
}

func (u *UI) showEvidenceForm(q *request, status int, form evidenceForm, errs map[string]string, problems []string) error {
	ctx := q.r.Context()
	page := &evidenceFormPage{Form: form, Errors: errs, Problems: problems, Kinds: []isms.EvidenceKind{isms.EvidenceFile, isms.EvidenceLink, isms.EvidenceRecord},
		Cadences: isms.Cadences, MaxBytes: u.svc.EvidenceMaxSize(), Action: q.orgPath("evidence")}
	page.MaxUpload = formatBytes(page.MaxBytes)
	page.Title, page.Section = "Add evidence", "evidence"
	var err error
	if page.Choices, err = u.controlChoices(q); err != nil {
		return err
	}
	if form.RequestID != "" {
		reqs, err := u.svc.EvidenceRequests(ctx, q.access, store.RequestFilter{Status: isms.RequestOpen})
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(reqs, func(r isms.EvidenceRequest) bool { return r.ID == form.RequestID }); i >= 0 {
			page.Request = &reqs[i]
			page.RequestLabel = choiceLabel(page.Choices, reqs[i].Control)
		}
	}
	return u.render(q, status, "evidence_form", page)
}

// mayAddEvidence mirrors the app: anyone who may write records, and a
// contributor for the controls they own or the requests assigned to them.
func mayAddEvidence(a app.Access) bool {
	return a.Can(isms.PermWriteRecords) || a.Role == isms.RoleContributor
}

func (u *UI) newEvidencePage(q *request) error {
	if !mayAddEvidence(q.access) {
		return isms.ErrForbidden
	}
	query := q.r.URL.Query()
	form := evidenceForm{Kind: string(isms.EvidenceFile), RequestID: query.Get("request"), PeriodEnd: time.Now().UTC().Format("2006-01-02")}
	if c := query.Get("control"); c != "" {
		form.Controls = []string{c}
	}
	return u.showEvidenceForm(q, http.StatusOK, form, nil, nil)
}

// uploadBody bounds an upload's body by the evidence store's limit and
// room for the other fields. A multipart body is left unread for the
// handler to stream, which checks the CSRF token among the fields that
// come before the file (readUpload); other bodies are checked here.
func (u *UI) uploadBody(q *request) error {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, u.svc.EvidenceMaxSize()+maxUploadFields)
	if isMultipart(q.r) {
		return nil
	}
	return u.checkCSRF(q)
}

func isMultipart(r *http.Request) bool {
	t, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && t == "multipart/form-data"
}

// upload is a posted form with its file still unread.
type upload struct {
	fields url.Values
	// file is the part named "file", positioned at its content; nil when
	// no file was chosen.
	file     io.Reader
	fileName string
}

// errFieldsTooLarge is an upload whose fields besides the file exceed
// maxUploadFields.
var errFieldsTooLarge = errors.New("the form's fields are too large")

// readUpload reads a form's fields up to its file and checks the CSRF
// token among them, so that the file is streamed to the store only for a
// form of this session. The upload forms put the file input last, and
// browsers send fields in the order of the form.
func (u *UI) readUpload(q *request) (upload, error) {
	if !isMultipart(q.r) {
		return upload{fields: q.r.PostForm}, nil
	}
	mr, err := q.r.MultipartReader()
	if err != nil {
		return upload{}, fmt.Errorf("read upload: %w: %w", err, isms.ErrInvalid)
	}
	up := upload{fields: url.Values{}}
	total := 0
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, fmt.Errorf("read upload: %w", err)
		}
		if p.FileName() != "" || p.FormName() == "file" {
			if p.FormName() == "file" && p.FileName() != "" {
				up.file, up.fileName = p, p.FileName()
				break
			}
			continue // an empty file input, or a file field of no use
		}
		value, err := readField(p, maxUploadFields-total)
		if err != nil {
			return up, err
		}
		total += len(value)
		up.fields.Add(p.FormName(), value)
	}
	if subtle.ConstantTimeCompare([]byte(up.fields.Get("csrf")), []byte(q.session.CSRFToken)) != 1 {
		return upload{}, errCSRF
	}
	return up, nil
}

func readField(p *multipart.Part, room int) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, int64(room)+1))
	if err != nil {
		return "", fmt.Errorf("read upload field %s: %w", p.FormName(), err)
	}
	if len(b) > room {
		return "", errFieldsTooLarge
	}
	return string(b), nil
}

func (u *UI) addEvidence(q *request) error {
	ctx := q.r.Context()
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
	v := up.fields
	form := evidenceForm{Kind: v.Get("kind"), Title: v.Get("title"), Description: v.Get("description"), URL: v.Get("url"),
		Body: v.Get("body"), PeriodStart: strings.TrimSpace(v.Get("period_start")), PeriodEnd: strings.TrimSpace(v.Get("period_end")),
		Cadence: v.Get("cadence"), RequestID: v.Get("request"), Back: v.Get("back"), Requirements: v.Get("requirements"),
		Risks: v.Get("risks")}
	for _, c := range v["controls"] {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(form.Controls, c) {
			form.Controls = append(form.Controls, c)
		}
	}
	in := app.EvidenceInput{Kind: form.Kind, Title: form.Title, Description: form.Description, Cadence: form.Cadence, RequestID: form.RequestID}
	// Without script every kind's fields show; only the chosen kind's count.
	switch isms.EvidenceKind(form.Kind) {
	case isms.EvidenceLink:
		in.URL = form.URL
	case isms.EvidenceRecord:
		in.Body = form.Body
	case isms.EvidenceFile:
		in.FileName = up.fileName
		if strings.TrimSpace(in.Title) == "" && up.fileName != "" {
			in.Title = up.fileName
		}
	}
	errs := map[string]string{}
	in.Links, errs = u.evidenceLinks(q, form, errs)
	if in.PeriodStart, err = dayStart("period_start", form.PeriodStart); err != nil {
		errs["period_start"] = isms.FieldErrors(err)[0].Detail
	}
	if in.PeriodEnd, err = parseDate("period_end", form.PeriodEnd); err != nil {
		errs["period_end"] = isms.FieldErrors(err)[0].Detail
	}
	if len(errs) > 0 {
		return u.showEvidenceForm(q, http.StatusUnprocessableEntity, form, errs, nil)
	}
	var file io.Reader
	if isms.EvidenceKind(form.Kind) == isms.EvidenceFile && up.file != nil {
		file = up.file
	}
	d, err := u.svc.AddEvidence(ctx, q.access, in, file)
	switch {
	case errors.As(err, &tooLarge):
		return u.showEvidenceForm(q, http.StatusRequestEntityTooLarge, form,
			map[string]string{"file": "is larger than the limit of " + formatBytes(u.svc.EvidenceMaxSize())}, nil)
	case errors.Is(err, app.ErrNoFileStore):
		return u.showEvidenceForm(q, http.StatusUnprocessableEntity, form, map[string]string{"file": err.Error()}, nil)
	case isms.FieldErrors(err) != nil:
		errs, problems := map[string]string{}, []string(nil)
		for _, f := range isms.FieldErrors(err) {
			switch {
			case strings.HasPrefix(f.Field, "links["):
				problems = append(problems, f.Detail+".")
			case f.Field == "link.url":
				errs["url"] = f.Detail
			default:
				errs[f.Field] = f.Detail
			}
		}
		return u.showEvidenceForm(q, http.StatusUnprocessableEntity, form, errs, problems)
	case err != nil:
		return u.refuseRisk(q, err)
	}
	msg := "Evidence added: " + d.Title + "."
	if d.Kind == isms.EvidenceFile && !d.Stored {
		msg += " The same file was already stored, so it is kept once and shared."
	}
	if form.RequestID != "" {
		msg += " The evidence request is fulfilled."
	}
	return u.redirect(q, q.safeBack(form.Back, q.orgPath("evidence", d.ID)), msg)
}

// ---------------------------------------------------------------------
// An item and its file.

type evidenceLinkView struct {
	Target isms.EvidenceTarget
	Label  string
	Link   string
}

type evidencePage struct {
	Page
	labels
	Item        app.EvidenceDetail
	Links       []evidenceLinkView
	FileLink    string
	HistoryLink string
	Expires     time.Time
	Size        string
}

func (u *UI) evidencePage(q *request) error {
	ctx := q.r.Context()
	d, err := u.svc.EvidenceItem(ctx, q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	page := &evidencePage{Item: d, HistoryLink: q.orgPath("history", "evidence", d.ID), Expires: d.ExpiresAt(isms.NoCadence), Size: formatBytes(d.Size)}
	page.Title, page.Section = d.Title, "evidence"
	if d.Kind == isms.EvidenceFile {
		page.FileLink = q.orgPath("evidence", d.ID, "file")
	}
	lib, err := u.svc.Library(ctx, q.access)
	if err != nil {
		return err
	}
	for _, l := range d.Links {
		view := evidenceLinkView{Target: l.Target, Label: l.Ref}
		switch l.Target {
		case isms.TargetControl:
			view.Link = q.controlPath(l.Ref)
			if r, err := framework.ParseRef(l.Ref); err == nil {
				if fw, it, ok := lib.Resolve(r); ok {
					view.Label = it.Cite() + " " + it.Title + " · " + fw.Title()
				}
			}
		case isms.TargetRequirement:
			if r, err := framework.ParseRef(l.Ref); err == nil {
				view.Link = q.itemPath(r.Framework, r.Item)
				if fw, it, ok := lib.Resolve(r); ok {
					view.Label = it.Cite() + " " + it.Title + " · " + fw.Title()
				}
			}
		case isms.TargetRisk:
			view.Link = q.orgPath("risks", l.Ref)
			if k, err := u.svc.Risk(ctx, q.access, l.Ref); err == nil {
				view.Label = k.Ref() + " " + k.Title
			}
		}
		page.Links = append(page.Links, view)
	}
	return u.render(q, http.StatusOK, "evidence", page)
}

// evidenceFile sends an item's stored file as a download, never as a page
// of the site: see safeMediaType.
func (u *UI) evidenceFile(q *request) error {
	e, f, err := u.svc.OpenEvidenceFile(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	defer f.Close()
	name := e.FileName
	if name == "" {
		name = "evidence-" + e.ID
	}
	h := q.w.Header()
	h.Set("Content-Type", safeMediaType(e.MediaType))
	h.Set("Content-Disposition", attachment(name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(q.w, q.r, "", e.CreatedAt, f)
	return nil
}

// ---------------------------------------------------------------------
// Checking the stored files.

type evidenceVerifyPage struct {
	Page
	Check app.FileCheck
	Error string
}

func (u *UI) verifyEvidencePage(q *request) error {
	check, err := u.svc.VerifyEvidenceFiles(q.r.Context(), q.access)
	page := &evidenceVerifyPage{Check: check}
	page.Title, page.Section = "Evidence file check", "evidence"
	switch {
	case errors.Is(err, app.ErrNoFileStore):
		page.Error = refusal(err)
	case err != nil:
		return err
	}
	return u.render(q, http.StatusOK, "evidence_verify", page)
}

func (u *UI) editEvidencePage(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	d, err := u.svc.EvidenceItem(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	form := evidenceForm{Kind: string(d.Kind), Title: d.Title, Description: d.Description, URL: d.URL, Body: d.Body,
		PeriodEnd: d.PeriodEnd.Format(time.DateOnly), Cadence: string(d.Cadence)}
	if !d.PeriodStart.Equal(d.PeriodEnd) {
		form.PeriodStart = d.PeriodStart.Format(time.DateOnly)
	}
	var reqs, risks []string
	for _, l := range d.Links {
		switch l.Target {
		case isms.TargetControl:
			form.Controls = append(form.Controls, l.Ref)
		case isms.TargetRequirement:
			reqs = append(reqs, l.Ref)
		case isms.TargetRisk:
			k, err := u.svc.Risk(q.r.Context(), q.access, l.Ref)
			if err != nil {
				return err
			}
			risks = append(risks, k.Ref())
		}
	}
	form.Requirements, form.Risks = strings.Join(reqs, ", "), strings.Join(risks, ", ")
	return u.showEvidenceEdit(q, http.StatusOK, d, form, nil, nil)
}

func (u *UI) showEvidenceEdit(q *request, status int, d app.EvidenceDetail, form evidenceForm, errs map[string]string, problems []string) error {
	page := &evidenceFormPage{Form: form, Errors: errs, Problems: problems, Cadences: isms.Cadences, Editing: &d,
		Action: q.orgPath("evidence", d.ID, "edit")}
	page.Title, page.Section = "Change evidence", "evidence"
	var err error
	if page.Choices, err = u.controlChoices(q); err != nil {
		return err
	}
	return u.render(q, status, "evidence_form", page)
}

// updateEvidence changes what an item says and supports; the file it holds
// never changes.
func (u *UI) updateEvidence(q *request) error {
	ctx := q.r.Context()
	d, err := u.svc.EvidenceItem(ctx, q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	v := q.r.PostForm
	form := evidenceForm{Kind: string(d.Kind), Title: v.Get("title"), Description: v.Get("description"), URL: v.Get("url"),
		Body: v.Get("body"), PeriodStart: strings.TrimSpace(v.Get("period_start")), PeriodEnd: strings.TrimSpace(v.Get("period_end")),
		Cadence: v.Get("cadence"), Requirements: v.Get("requirements"), Risks: v.Get("risks")}
	for _, c := range v["controls"] {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(form.Controls, c) {
			form.Controls = append(form.Controls, c)
		}
	}
	in := app.EvidenceInput{Kind: form.Kind, Title: form.Title, Description: form.Description, URL: form.URL, Body: form.Body,
		Cadence: form.Cadence}
	errs := map[string]string{}
	in.Links, errs = u.evidenceLinks(q, form, errs)
	if in.PeriodStart, err = dayStart("period_start", form.PeriodStart); err != nil {
		errs["period_start"] = isms.FieldErrors(err)[0].Detail
	}
	if in.PeriodEnd, err = parseDate("period_end", form.PeriodEnd); err != nil {
		errs["period_end"] = isms.FieldErrors(err)[0].Detail
	}
	if form.PeriodEnd == "" {
		// Left empty on a new item it means today; on a change it would
		// silently move the period.
		errs["period_end"] = "is required: the date the evidence is for"
	}
	if len(errs) > 0 {
		return u.showEvidenceEdit(q, http.StatusUnprocessableEntity, d, form, errs, nil)
	}
	_, err = u.svc.UpdateEvidence(ctx, q.access, d.ID, in)
	if fields := isms.FieldErrors(err); fields != nil {
		var problems []string
		for _, f := range fields {
			if strings.HasPrefix(f.Field, "links[") {
				problems = append(problems, f.Detail+".")
			} else {
				errs[strings.TrimPrefix(f.Field, "link.")] = f.Detail
			}
		}
		return u.showEvidenceEdit(q, http.StatusUnprocessableEntity, d, form, errs, problems)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("evidence", d.ID), "Evidence changed: "+form.Title+".")
}

// evidenceLinks reads what the form says the evidence supports: the chosen
// controls, and the requirements and risks typed by reference.
func (u *UI) evidenceLinks(q *request, form evidenceForm, errs map[string]string) ([]isms.EvidenceLinkTo, map[string]string) {
	var links []isms.EvidenceLinkTo
	for _, c := range form.Controls {
		links = append(links, isms.EvidenceLinkTo{Target: isms.TargetControl, Ref: c})
	}
	for _, r := range splitRefs(form.Requirements) {
		links = append(links, isms.EvidenceLinkTo{Target: isms.TargetRequirement, Ref: r})
	}
	for _, ref := range splitRefs(form.Risks) {
		k, err := u.svc.RiskByRef(q.r.Context(), q.access, ref)
		if err != nil {
			errs["risks"] = fmt.Sprintf("%q is not a risk of this organisation; use references such as R-012", ref)
			break
		}
		links = append(links, isms.EvidenceLinkTo{Target: isms.TargetRisk, Ref: k.ID})
	}
	return links, errs
}
