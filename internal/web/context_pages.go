package web

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// ---------------------------------------------------------------------
// The ISMS scope and context.

// contextView is a version of the context with what the page says about
// it.
type contextView struct {
	app.ContextVersion
	Climate string // yes, no or ""
}

func viewContext(v *app.ContextVersion) *contextView {
	if v == nil {
		return nil
	}
	return &contextView{ContextVersion: *v, Climate: climateValue(v.Context.ClimateRelevant)}
}

func climateValue(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

type contextPage struct {
	Page
	Approved *contextView
	Draft    *contextView
	Show     *contextView
	Versions []isms.Version
	// Single shows one version from the list, not the document.
	Single bool
	People people
	Error  string
}

func (u *UI) contextPage(q *request) error {
	doc, err := u.svc.Context(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page := &contextPage{Approved: viewContext(doc.Approved), Draft: viewContext(doc.Draft), Versions: doc.Versions}
	page.Show = page.Approved
	if page.Show == nil || (q.r.URL.Query().Get("view") == "draft" && page.Draft != nil) {
		page.Show = page.Draft
	}
	return u.showContext(q, http.StatusOK, page)
}

func (u *UI) showContext(q *request, status int, page *contextPage) error {
	page.Title, page.Section = "Scope and context", "context"
	var err error
	if page.People, err = u.people(q); err != nil {
		return err
	}
	return u.render(q, status, "context", page)
}

func (u *UI) contextVersionPage(q *request) error {
	v, err := u.svc.ContextVersionByID(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	doc, err := u.svc.Context(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page := &contextPage{Show: viewContext(&v), Single: true, Versions: doc.Versions}
	return u.showContext(q, http.StatusOK, page)
}

func (u *UI) exportContext(q *request) error {
	id := q.r.URL.Query().Get("version")
	return sendFile(q, "application/pdf", "isms-context-"+q.access.Org.Slug+".pdf", func(w io.Writer) error {
		return u.svc.WriteContextPDF(q.r.Context(), q.access, id, w)
	})
}

// contextForm is the context as its form holds it: list fields as rows,
// with blank rows to fill in.
type contextForm struct {
	Scope, Boundaries, Locations, Climate, ClimateNotes, ObjectivesOwnerID string
	Included, Excluded                                                     []isms.ScopeEntry
	InternalIssues, ExternalIssues                                         []isms.ContextIssue
	InterestedParties                                                      []isms.InterestedParty
}

// blankRows is how many empty rows each list of the form offers.
const blankRows = 3

func pad[T any](list []T) []T {
	var zero T
	out := slices.Clone(list)
	for range blankRows {
		out = append(out, zero)
	}
	return out
}

func contextFormOf(c isms.Context) contextForm {
	return contextForm{Scope: c.Scope, Boundaries: c.Boundaries, Locations: strings.Join(c.Locations, "\n"),
		Climate: climateValue(c.ClimateRelevant), ClimateNotes: c.ClimateNotes, ObjectivesOwnerID: c.ObjectivesOwnerID,
		Included: pad(c.Included), Excluded: pad(c.Excluded), InternalIssues: pad(c.InternalIssues), ExternalIssues: pad(c.ExternalIssues),
		InterestedParties: pad(c.InterestedParties)}
}

// maxRows bounds the rows read from one list of a form.
const maxRows = 500

var rowKey = regexp.MustCompile(`^([a-z_]+)\.(\d{1,4})\.[a-z_]+$`)

// formRows reads the rows of a repeating list (prefix.N.field), in index
// order, leaving out rows whose fields are all blank, so that the indices
// in validation errors are those of the rows as shown again.
func formRows(form url.Values, prefix string, fields ...string) [][]string {
	last := -1
	for k := range form {
		if m := rowKey.FindStringSubmatch(k); m != nil && m[1] == prefix {
			if n, _ := strconv.Atoi(m[2]); n > last && n < maxRows {
				last = n
			}
		}
	}
	var rows [][]string
	for i := 0; i <= last; i++ {
		row := make([]string, len(fields))
		blank := true
		for j, f := range fields {
			row[j] = strings.TrimSpace(form.Get(fmt.Sprintf("%s.%d.%s", prefix, i, f)))
			blank = blank && row[j] == ""
		}
		if !blank {
			rows = append(rows, row)
		}
	}
	return rows
}

func parseContextForm(form url.Values) isms.Context {
	c := isms.Context{Scope: form.Get("scope"), Boundaries: strings.TrimSpace(form.Get("boundaries")),
		Locations:    strings.Split(strings.ReplaceAll(form.Get("locations"), "\r\n", "\n"), "\n"),
		ClimateNotes: strings.TrimSpace(form.Get("climate_notes")), ObjectivesOwnerID: form.Get("objectives_owner_id")}
	switch form.Get("climate_relevant") {
	case "yes":
		c.ClimateRelevant = new(true)
	case "no":
		c.ClimateRelevant = new(false)
	}
	for _, r := range formRows(form, "included", "name", "reason") {
		c.Included = append(c.Included, isms.ScopeEntry{Name: r[0], Reason: r[1]})
	}
	for _, r := range formRows(form, "excluded", "name", "reason") {
		c.Excluded = append(c.Excluded, isms.ScopeEntry{Name: r[0], Reason: r[1]})
	}
	for _, r := range formRows(form, "internal_issues", "issue", "effect") {
		c.InternalIssues = append(c.InternalIssues, isms.ContextIssue{Issue: r[0], Effect: r[1]})
	}
	for _, r := range formRows(form, "external_issues", "issue", "effect") {
		c.ExternalIssues = append(c.ExternalIssues, isms.ContextIssue{Issue: r[0], Effect: r[1]})
	}
	for _, r := range formRows(form, "interested_parties", "name", "requirements", "addressed_by") {
		c.InterestedParties = append(c.InterestedParties, isms.InterestedParty{Name: r[0], Requirements: r[1], AddressedBy: r[2]})
	}
	return c
}

type contextFormPage struct {
	Page
	Form   contextForm
	Errors map[string]string
	People people
	// Basis says what the form started from.
	Basis string
	// Approving lists what stops the draft from being approved.
	Approving []fieldProblem
}

// fieldProblem is a validation problem named for people.
type fieldProblem struct{ Field, Detail string }

// issueList is the internal or the external issues, for the form.
type issueList struct {
	Key, Title, Hint string
	Rows             []isms.ContextIssue
}

// IssueLists are the two lists of issues of 4.1.
func (p *contextFormPage) IssueLists() []issueList {
	return []issueList{
		{"internal_issues", "Internal issues", "Culture, skills, how models are built and shipped, the platform, funding.", p.Form.InternalIssues},
		{"external_issues", "External issues", "Regulation such as the EU AI Act, customers' demands, the threat landscape, suppliers and model providers.", p.Form.ExternalIssues},
	}
}

// Err returns the problem with a row's field (included[2].name).
func (p *contextFormPage) Err(list string, i int, field string) string {
	return p.Errors[fmt.Sprintf("%s[%d].%s", list, i, field)]
}

func (u *UI) showContextForm(q *request, status int, f contextForm, errs map[string]string, approving []fieldProblem) error {
	doc, err := u.svc.Context(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	page := &contextFormPage{Form: f, Errors: errs, Approving: approving}
	page.Title, page.Section = "Edit the scope and context", "context"
	switch {
	case doc.Draft != nil:
		page.Basis = fmt.Sprintf("You are editing the draft, version %d. It comes into force when someone who manages the organisation approves it.", doc.Draft.Number)
	case doc.Approved != nil:
		page.Basis = fmt.Sprintf("Saving starts a new draft from version %d, which stays in force until the draft is approved.", doc.Approved.Number)
	default:
		page.Basis = "Saving records the first draft of the ISMS scope and context."
	}
	if page.People, err = u.people(q); err != nil {
		return err
	}
	return u.render(q, status, "context_form", page)
}

func (u *UI) contextFormPage(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	doc, err := u.svc.Context(q.r.Context(), q.access)
	if err != nil {
		return err
	}
	var c isms.Context
	switch {
	case doc.Draft != nil:
		c = doc.Draft.Context
	case doc.Approved != nil:
		c = doc.Approved.Context
	}
	return u.showContextForm(q, http.StatusOK, contextFormOf(c), nil, nil)
}

func (u *UI) saveContext(q *request) error {
	if !q.access.Can(isms.PermWriteRecords) {
		return isms.ErrForbidden
	}
	c := parseContextForm(q.r.PostForm)
	_, err := u.svc.SaveContext(q.r.Context(), q.access, c)
	if fields := isms.FieldErrors(err); fields != nil {
		f := contextFormOf(c)
		f.Locations = q.r.PostFormValue("locations")
		return u.showContextForm(q, http.StatusUnprocessableEntity, f, fieldErrors(fields), nil)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("context")+"?view=draft", "Draft saved. It comes into force once approved.")
}

// contextFields names the context's fields for people.
var contextFields = map[string]string{
	"scope": "Scope statement", "boundaries": "Boundaries and interfaces", "locations": "Locations",
	"included": "In scope", "excluded": "Out of scope", "internal_issues": "Internal issues", "external_issues": "External issues",
	"climate_relevant": "Climate change", "climate_notes": "Climate change notes", "interested_parties": "Interested parties",
	"objectives_owner_id": "Owner of the objectives",
	"name":                "name", "reason": "reason", "issue": "issue", "effect": "effect", "requirements": "requirements", "addressed_by": "how it is addressed",
}

var indexedField = regexp.MustCompile(`^([a-z_]+)\[(\d+)\](?:\.([a-z_]+))?$`)

// describeField turns a field path (included[0].name) into words
// (In scope, row 1: name).
func describeField(names map[string]string, field string) string {
	if m := indexedField.FindStringSubmatch(field); m != nil {
		n, _ := strconv.Atoi(m[2])
		s := fmt.Sprintf("%s, row %d", cmp.Or(names[m[1]], m[1]), n+1)
		if m[3] != "" {
			s += ": " + cmp.Or(names[m[3]], m[3])
		}
		return s
	}
	return cmp.Or(names[field], field)
}

func (u *UI) approveContext(q *request) error {
	id := q.r.PathValue("id")
	err := u.svc.ApproveContext(q.r.Context(), q.access, id)
	if fields := isms.FieldErrors(err); fields != nil {
		v, verr := u.svc.ContextVersionByID(q.r.Context(), q.access, id)
		if verr != nil {
			return verr
		}
		var problems []fieldProblem
		for _, f := range fields {
			problems = append(problems, fieldProblem{Field: describeField(contextFields, f.Field), Detail: f.Detail})
		}
		return u.showContextForm(q, http.StatusUnprocessableEntity, contextFormOf(v.Context), fieldErrors(fields), problems)
	}
	var conflict *isms.ConflictError
	if errors.As(err, &conflict) {
		doc, derr := u.svc.Context(q.r.Context(), q.access)
		if derr != nil {
			return derr
		}
		page := &contextPage{Approved: viewContext(doc.Approved), Draft: viewContext(doc.Draft), Versions: doc.Versions,
			Error: "Nothing was approved: version " + conflict.Detail + "."}
		page.Show = cmp.Or(page.Draft, page.Approved)
		return u.showContext(q, http.StatusConflict, page)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("context"), "The ISMS scope and context was approved and is now in force.")
}

func (u *UI) discardContext(q *request) error {
	if err := u.svc.DiscardContextDraft(q.r.Context(), q.access, q.r.PathValue("id")); err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("context"), "The draft was discarded.")
}
