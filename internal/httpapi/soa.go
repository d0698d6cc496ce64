package httpapi

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// undecided is how the API names the applicability of a control nobody
// has decided on, which the records hold as "".
const undecided = "undecided"

func applicabilityName(a isms.Applicability) string {
	if a == isms.Undecided {
		return undecided
	}
	return string(a)
}

// applicabilityValue reads an applicability as the API names it.
func applicabilityValue(s string) string {
	if strings.TrimSpace(s) == undecided {
		return ""
	}
	return s
}

// soaFrameworkJSON is a framework the organisation states applicability
// for.
type soaFrameworkJSON struct {
	Framework string `json:"framework"`
	Title     string `json:"title"`
	Versions  int    `json:"versions"`
	// LatestVersion is null while no statement has been approved.
	LatestVersion *int `json:"latest_version"`
}

// soaVersionJSON is one approved statement.
type soaVersionJSON struct {
	Number     int       `json:"number"`
	Approver   string    `json:"approver"`
	ApprovedAt time.Time `json:"approved_at"`
	Note       string    `json:"note"`
	// ContentHash is null in a frozen statement's own history line, which
	// was written before its content could be hashed.
	ContentHash *string `json:"content_hash"`
}

func toSoAVersionJSON(v store.SoAVersion) soaVersionJSON {
	return soaVersionJSON{Number: v.Number, Approver: v.Approver, ApprovedAt: v.CreatedAt, Note: v.Note, ContentHash: nullable(v.ContentHash)}
}

type soaReasonJSON struct {
	// Kind is risk, or the kind of a documented reason.
	Kind  string `json:"kind"`
	Ref   string `json:"ref"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

type soaRefinementJSON struct {
	Ref   string `json:"ref"`
	ID    string `json:"id"`
	Title string `json:"title"`
}

type soaEvidenceJSON struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Kind      string         `json:"kind"`
	PeriodEnd time.Time      `json:"period_end"`
	ExpiresAt *time.Time     `json:"expires_at"`
	Freshness isms.Freshness `json:"freshness"`
	SHA256    *string        `json:"sha256"`
}

type soaFlagJSON struct {
	Kind    soa.FlagKind `json:"kind"`
	Message string       `json:"message"`
}

// soaEntryJSON is one control of a statement.
type soaEntryJSON struct {
	Control         string                    `json:"control"`
	ID              string                    `json:"id"`
	Title           string                    `json:"title"`
	Theme           string                    `json:"theme"`
	Custom          bool                      `json:"custom"`
	Applicability   string                    `json:"applicability"`
	Derived         bool                      `json:"derived"`
	Reasons         []soaReasonJSON           `json:"reasons"`
	Exclusion       string                    `json:"exclusion"`
	Status          isms.ImplementationStatus `json:"status"`
	Owner           *string                   `json:"owner"`
	Implementation  string                    `json:"implementation"`
	Refinements     []soaRefinementJSON       `json:"refinements"`
	Evidence        []soaEvidenceJSON         `json:"evidence"`
	EvidenceCadence *isms.Cadence             `json:"evidence_cadence"`
	Flags           []soaFlagJSON             `json:"flags"`
}

func toSoAEntryJSON(e soa.Entry) soaEntryJSON {
	out := soaEntryJSON{Control: e.Control, ID: e.ID, Title: e.Title, Theme: e.Theme, Custom: e.Custom,
		Applicability: applicabilityName(e.Applicability), Derived: e.Derived, Reasons: make([]soaReasonJSON, len(e.Reasons)),
		Exclusion: e.Exclusion, Status: e.Status, Owner: nullable(e.Owner), Implementation: e.Implementation,
		Refinements: make([]soaRefinementJSON, len(e.Refinements)), Evidence: make([]soaEvidenceJSON, len(e.Evidence)),
		EvidenceCadence: cadence(e.EvidenceCadence), Flags: make([]soaFlagJSON, len(e.Flags))}
	for i, r := range e.Reasons {
		out.Reasons[i] = soaReasonJSON{Kind: r.Kind, Ref: r.Ref, Title: r.Title, URL: r.URL}
	}
	for i, r := range e.Refinements {
		out.Refinements[i] = soaRefinementJSON{Ref: r.Ref, ID: r.ID, Title: r.Title}
	}
	for i, ev := range e.Evidence {
		out.Evidence[i] = soaEvidenceJSON{ID: ev.ID, Title: ev.Title, Kind: ev.Kind, PeriodEnd: ev.PeriodEnd, ExpiresAt: ev.ExpiresAt,
			Freshness: ev.Freshness, SHA256: nullable(ev.SHA256)}
	}
	for i, f := range e.Flags {
		out.Flags[i] = soaFlagJSON{Kind: f.Kind, Message: f.Message}
	}
	return out
}

// cadence returns nil for no fixed cadence.
func cadence(c isms.Cadence) *isms.Cadence {
	if c == isms.NoCadence {
		return nil
	}
	return &c
}

// soaSummaryJSON counts the entries of a whole statement.
type soaSummaryJSON struct {
	Controls  int `json:"controls"`
	Included  int `json:"included"`
	Excluded  int `json:"excluded"`
	Undecided int `json:"undecided"`
	// ByStatus counts the included controls by implementation status.
	ByStatus      map[isms.ImplementationStatus]int `json:"by_status"`
	Flagged       int                               `json:"flagged"`
	StaleEvidence int                               `json:"stale_evidence"`
}

func toSoASummaryJSON(s soa.Summary) soaSummaryJSON {
	out := soaSummaryJSON{Controls: s.Controls, Included: s.Included, Excluded: s.Excluded, Undecided: s.Undecided,
		ByStatus: map[isms.ImplementationStatus]int{}, Flagged: s.Flagged, StaleEvidence: s.StaleEvidence}
	// Every status is counted, so that a client reads 0 rather than
	// wondering whether a missing key means something else.
	for _, st := range isms.ImplementationStatuses {
		out.ByStatus[st] = s.ByStatus[st]
	}
	return out
}

// soaDocumentJSON is a Statement of Applicability: the draft or an
// approved version.
type soaDocumentJSON struct {
	Framework      string     `json:"framework"`
	FrameworkTitle string     `json:"framework_title"`
	Org            string     `json:"org"`
	Version        int        `json:"version"`
	ApprovedBy     *string    `json:"approved_by"`
	ApprovedAt     *time.Time `json:"approved_at"`
	Note           string     `json:"note"`
	GeneratedAt    time.Time  `json:"generated_at"`
	// History lists the approved versions up to this one, oldest first.
	History []soaVersionJSON `json:"history"`
	Summary soaSummaryJSON   `json:"summary"`
	Entries []soaEntryJSON   `json:"entries"`
}

func toSoADocumentJSON(d soa.Document, keep func(soa.Entry) bool) soaDocumentJSON {
	out := soaDocumentJSON{Framework: d.Framework, FrameworkTitle: d.FrameworkTitle, Org: d.Org, Version: d.Version,
		ApprovedBy: nullable(d.ApprovedBy), ApprovedAt: d.ApprovedAt, Note: d.Note, GeneratedAt: d.GeneratedAt,
		History: make([]soaVersionJSON, len(d.History)), Summary: toSoASummaryJSON(d.Summarise()), Entries: []soaEntryJSON{}}
	for i, h := range d.History {
		out.History[i] = soaVersionJSON{Number: h.Version, Approver: h.ApprovedBy, ApprovedAt: h.ApprovedAt, Note: h.Note,
			ContentHash: nullable(h.ContentHash)}
	}
	for _, e := range d.Entries {
		if keep(e) {
			out.Entries = append(out.Entries, toSoAEntryJSON(e))
		}
	}
	return out
}

func (a *API) listSoA(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	fws, err := a.svc.SoAFrameworks(r.Context(), acc)
	if err != nil {
		return err
	}
	items := make([]soaFrameworkJSON, len(fws))
	for i, fw := range fws {
		versions, err := a.svc.SoAVersions(r.Context(), acc, fw.ID)
		if err != nil {
			return err
		}
		items[i] = soaFrameworkJSON{Framework: fw.ID, Title: fw.Title(), Versions: len(versions)}
		if len(versions) > 0 {
			// Newest first.
			items[i].LatestVersion = &versions[0].Number
		}
	}
	return writeJSON(w, http.StatusOK, newList(items, ""))
}

// soaFilterParams are the filters of a statement's entries.
var soaFilterParams = []string{"theme", "status", "owner", "applicability", "flagged", "stale"}

// soaFilter reads the filters of a statement's entries. Every filter
// given must match.
func soaFilter(r *http.Request) (func(soa.Entry) bool, error) {
	q := r.URL.Query()
	theme, owner := q.Get("theme"), q.Get("owner")
	status := isms.ImplementationStatus(q.Get("status"))
	if status != "" && !slices.Contains(isms.ImplementationStatuses, status) {
		return nil, isms.Invalid("status", "%q is not one of not_started, planned, partial, implemented", status)
	}
	applicability := q.Get("applicability")
	switch applicability {
	case "", string(isms.Included), string(isms.Excluded), undecided:
	default:
		return nil, isms.Invalid("applicability", "%q is not included, excluded or undecided", applicability)
	}
	flagged, err := queryBool(r, "flagged")
	if err != nil {
		return nil, err
	}
	stale, err := queryBool(r, "stale")
	if err != nil {
		return nil, err
	}
	return func(e soa.Entry) bool {
		// A theme is named in full ("A.8 Technological controls") or by
		// its number ("A.8").
		themeCite, _, _ := strings.Cut(e.Theme, " ")
		hasStale := slices.ContainsFunc(e.Evidence, func(ev soa.EvidenceItem) bool { return ev.Freshness == isms.Stale })
		return (theme == "" || strings.EqualFold(theme, e.Theme) || strings.EqualFold(theme, themeCite)) &&
			(status == "" || e.Status == status) &&
			(owner == "" || strings.EqualFold(owner, e.Owner)) &&
			(applicability == "" || applicabilityName(e.Applicability) == applicability) &&
			(flagged == nil || *flagged == (len(e.Flags) > 0)) &&
			(stale == nil || *stale == hasStale)
	}, nil
}

func (a *API) getSoA(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, soaFilterParams...); err != nil {
		return err
	}
	keep, err := soaFilter(r)
	if err != nil {
		return err
	}
	doc, err := a.svc.SoA(r.Context(), acc, r.PathValue("framework"), 0)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toSoADocumentJSON(doc, keep))
}

func (a *API) listSoAVersions(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	versions, err := a.svc.SoAVersions(r.Context(), acc, r.PathValue("framework"))
	if err != nil {
		return err
	}
	items := make([]soaVersionJSON, len(versions))
	for i, v := range versions {
		items[i] = toSoAVersionJSON(v)
	}
	return writeJSON(w, http.StatusOK, newList(items, ""))
}

type soaApproval struct {
	Note string `json:"note"`
}

func (a *API) approveSoA(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in soaApproval
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	fw := r.PathValue("framework")
	v, err := a.svc.ApproveSoA(r.Context(), acc, fw, in.Note)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/orgs/%s/soa/%s/versions/%d", Prefix, acc.Org.Slug, fw, v.Number))
	return writeJSON(w, http.StatusCreated, toSoAVersionJSON(v))
}

// versionNumber reads the number of an approved version in the path; a
// path that holds none names no version.
func versionNumber(r *http.Request) (int, error) {
	s := r.PathValue("n")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || strconv.Itoa(n) != s {
		return 0, fmt.Errorf("statement of applicability version %q: %w", s, isms.ErrNotFound)
	}
	return n, nil
}

func (a *API) getSoAVersion(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, soaFilterParams...); err != nil {
		return err
	}
	keep, err := soaFilter(r)
	if err != nil {
		return err
	}
	n, err := versionNumber(r)
	if err != nil {
		return err
	}
	doc, err := a.svc.SoA(r.Context(), acc, r.PathValue("framework"), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toSoADocumentJSON(doc, keep))
}

// queryVersion reads a version of a statement from the query: a number
// of an approved version, or 0 (the default) for the draft.
func queryVersion(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, malformed(name, "%q is not a version number; use 0 for the draft", v)
	}
	return n, nil
}

type soaDifferenceJSON struct {
	Control string `json:"control"`
	ID      string `json:"id"`
	Title   string `json:"title"`
	Field   string `json:"field"`
	Before  string `json:"before"`
	After   string `json:"after"`
}

type soaComparisonJSON struct {
	From        int                 `json:"from"`
	To          int                 `json:"to"`
	Differences []soaDifferenceJSON `json:"differences"`
}

func (a *API) compareSoA(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "from", "to"); err != nil {
		return err
	}
	if r.URL.Query().Get("from") == "" {
		return isms.Invalid("from", "is required: the version to compare from, 0 for the draft")
	}
	from, err := queryVersion(r, "from")
	if err != nil {
		return err
	}
	to, err := queryVersion(r, "to")
	if err != nil {
		return err
	}
	diffs, err := a.svc.CompareSoA(r.Context(), acc, r.PathValue("framework"), from, to)
	if err != nil {
		return err
	}
	out := soaComparisonJSON{From: from, To: to, Differences: make([]soaDifferenceJSON, len(diffs))}
	for i, d := range diffs {
		out.Differences[i] = soaDifferenceJSON{Control: d.Control, ID: d.ID, Title: d.Title, Field: d.Field, Before: d.Before, After: d.After}
	}
	return writeJSON(w, http.StatusOK, out)
}

// exportSoA downloads a statement as a spreadsheet (the default), CSV,
// PDF, HTML or an OSCAL document.
func (a *API) exportSoA(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "format", "version"); err != nil {
		return err
	}
	version, err := queryVersion(r, "version")
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = app.SoAFormatXLSX
	}
	exp, err := a.svc.ExportSoA(r.Context(), acc, r.PathValue("framework"), version, format)
	if err != nil {
		return err
	}
	sendBytes(w, exp.MediaType, exp.FileName, exp.Body)
	return nil
}
