package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// versionJSON is one version of a versioned document: the ISMS context
// or the risk methodology.
type versionJSON struct {
	// ID is null only for the default methodology an organisation has
	// before it records its own (number 0, status default).
	ID         *string             `json:"id"`
	Number     int                 `json:"number"`
	Status     isms.DocumentStatus `json:"status"`
	CreatedBy  *string             `json:"created_by"`
	CreatedAt  *time.Time          `json:"created_at"`
	UpdatedAt  *time.Time          `json:"updated_at"`
	ApprovedBy *string             `json:"approved_by"`
	ApprovedAt *time.Time          `json:"approved_at"`
}

// statusDefault is the status of the built-in methodology in force until
// the organisation records its own.
const statusDefault isms.DocumentStatus = "default"

func toVersionJSON(v isms.Version) versionJSON {
	if v.ID == "" {
		return versionJSON{Number: v.Number, Status: statusDefault}
	}
	created, updated := v.CreatedAt, v.UpdatedAt
	return versionJSON{ID: &v.ID, Number: v.Number, Status: v.Status, CreatedBy: nullable(v.CreatedBy), CreatedAt: &created,
		UpdatedAt: &updated, ApprovedBy: nullable(v.ApprovedBy), ApprovedAt: v.ApprovedAt}
}

type contextVersionJSON struct {
	versionJSON
	Context isms.Context `json:"context"`
}

func toContextVersionJSON(cv app.ContextVersion) contextVersionJSON {
	c := cv.Context
	c.Locations = orEmpty(c.Locations)
	c.Included, c.Excluded = orEmpty(c.Included), orEmpty(c.Excluded)
	c.InternalIssues, c.ExternalIssues = orEmpty(c.InternalIssues), orEmpty(c.ExternalIssues)
	c.InterestedParties = orEmpty(c.InterestedParties)
	return contextVersionJSON{versionJSON: toVersionJSON(cv.Version), Context: c}
}

// orEmpty gives an empty list for nil, so that lists are never null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type contextDocumentJSON struct {
	Approved *contextVersionJSON `json:"approved"`
	Draft    *contextVersionJSON `json:"draft"`
	Versions []versionJSON       `json:"versions"`
}

func (a *API) getContext(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	doc, err := a.svc.Context(r.Context(), acc)
	if err != nil {
		return err
	}
	out := contextDocumentJSON{Versions: make([]versionJSON, len(doc.Versions))}
	if doc.Approved != nil {
		v := toContextVersionJSON(*doc.Approved)
		out.Approved = &v
	}
	if doc.Draft != nil {
		v := toContextVersionJSON(*doc.Draft)
		out.Draft = &v
	}
	for i, v := range doc.Versions {
		out.Versions[i] = toVersionJSON(v)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) putContextDraft(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in isms.Context
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	cv, err := a.svc.SaveContext(r.Context(), acc, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toContextVersionJSON(cv))
}

func (a *API) getContextVersion(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cv, err := a.svc.ContextVersionByID(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toContextVersionJSON(cv))
}

func (a *API) approveContext(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.ApproveContext(r.Context(), acc, id); err != nil {
		return err
	}
	cv, err := a.svc.ContextVersionByID(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toContextVersionJSON(cv))
}

// notDraft refuses to discard a version that is in force or superseded:
// it exists, so 404 would mislead.
func notDraft(v isms.Version) error {
	if v.Status == isms.StatusDraft {
		return nil
	}
	return &isms.ConflictError{Field: "version", Detail: fmt.Sprintf("%d is %s; only a draft can be discarded", v.Number, v.Status)}
}

func (a *API) discardContext(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cv, err := a.svc.ContextVersionByID(r.Context(), acc, id)
	if err != nil {
		return err
	}
	if err := notDraft(cv.Version); err != nil && acc.Can(isms.PermWriteRecords) {
		// Those who may not discard drafts hear that instead.
		return err
	}
	if err := a.svc.DiscardContextDraft(r.Context(), acc, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// exportContext downloads a version of the context as a PDF document:
// the one in force, the draft when none is, or the version asked for.
func (a *API) exportContext(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "format", "version"); err != nil {
		return err
	}
	q := r.URL.Query()
	if format := q.Get("format"); format != "" && format != "pdf" {
		return isms.Invalid("format", "%q is not an export format; use pdf", format)
	}
	id := q.Get("version")
	name := "isms-context-" + acc.Org.Slug + ".pdf"
	if id != "" {
		cv, err := a.svc.ContextVersionByID(r.Context(), acc, id)
		if err != nil {
			return err
		}
		name = fmt.Sprintf("isms-context-%s-v%d.pdf", acc.Org.Slug, cv.Number)
	}
	return sendFile(w, pdfType, name, func(out io.Writer) error {
		return a.svc.WriteContextPDF(r.Context(), acc, id, out)
	})
}

// methodologyVersionJSON is one version of the methodology with the
// number of risks rated against it.
type methodologyVersionJSON struct {
	versionJSON
	Risks       int              `json:"risks"`
	Methodology isms.Methodology `json:"methodology"`
}

func toMethodologyVersionJSON(mv app.MethodologyVersion, use map[string]int) methodologyVersionJSON {
	m := mv.Methodology
	m.Likelihood, m.Impact, m.Levels, m.Matrix = orEmpty(m.Likelihood), orEmpty(m.Impact), orEmpty(m.Levels), orEmpty(m.Matrix)
	for i := range m.Levels {
		m.Levels[i].AcceptRoles = orEmpty(m.Levels[i].AcceptRoles)
	}
	return methodologyVersionJSON{versionJSON: toVersionJSON(mv.Version), Risks: use[mv.ID], Methodology: m}
}

type methodologyVersionSummary struct {
	versionJSON
	Risks int `json:"risks"`
}

type methodologyDocumentJSON struct {
	Current  methodologyVersionJSON      `json:"current"`
	Draft    *methodologyVersionJSON     `json:"draft"`
	Versions []methodologyVersionSummary `json:"versions"`
}

func (a *API) getMethodology(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	doc, err := a.svc.Methodology(r.Context(), acc)
	if err != nil {
		return err
	}
	out := methodologyDocumentJSON{Current: toMethodologyVersionJSON(doc.Current, doc.Use), Versions: make([]methodologyVersionSummary, len(doc.Versions))}
	if doc.Draft != nil {
		v := toMethodologyVersionJSON(*doc.Draft, doc.Use)
		out.Draft = &v
	}
	for i, v := range doc.Versions {
		out.Versions[i] = methodologyVersionSummary{versionJSON: toVersionJSON(v), Risks: doc.Use[v.ID]}
	}
	return writeJSON(w, http.StatusOK, out)
}

// methodologyUse counts the risks rated against each version.
func (a *API) methodologyUse(r *http.Request, acc app.Access) (map[string]int, error) {
	doc, err := a.svc.Methodology(r.Context(), acc)
	return doc.Use, err
}

func (a *API) putMethodologyDraft(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in isms.Methodology
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	mv, err := a.svc.SaveMethodology(r.Context(), acc, in)
	if err != nil {
		return err
	}
	// A draft rates no risk yet.
	return writeJSON(w, http.StatusOK, toMethodologyVersionJSON(mv, nil))
}

func (a *API) getMethodologyVersion(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	mv, err := a.svc.MethodologyVersionByID(r.Context(), acc, id)
	if err != nil {
		return err
	}
	use, err := a.methodologyUse(r, acc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toMethodologyVersionJSON(mv, use))
}

func (a *API) approveMethodology(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.ApproveMethodology(r.Context(), acc, id); err != nil {
		return err
	}
	mv, err := a.svc.MethodologyVersionByID(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toMethodologyVersionJSON(mv, nil))
}

func (a *API) discardMethodology(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	mv, err := a.svc.MethodologyVersionByID(r.Context(), acc, id)
	if err != nil {
		return err
	}
	if err := notDraft(mv.Version); err != nil && acc.Can(isms.PermWriteRecords) {
		// Those who may not discard drafts hear that instead.
		return err
	}
	if err := a.svc.DiscardMethodologyDraft(r.Context(), acc, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
