package httpapi

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/obligation"
)

// obligationJSON is an obligation of the register.
type obligationJSON struct {
	ID                  string                `json:"id"`
	Ref                 string                `json:"ref"`
	Kind                isms.ObligationKind   `json:"kind"`
	ReasonKind          isms.ReasonKind       `json:"reason_kind"`
	Title               string                `json:"title"`
	Source              string                `json:"source"`
	SourceURL           *string               `json:"source_url"`
	Jurisdiction        string                `json:"jurisdiction"`
	OwnerID             *string               `json:"owner_id"`
	Applicability       string                `json:"applicability"`
	AIRiskClass         *isms.AIRiskClass     `json:"ai_risk_class"`
	AssetIDs            []string              `json:"asset_ids"`
	Controls            []string              `json:"controls"`
	ReviewDate          *string               `json:"review_date"`
	ReviewOverdue       bool                  `json:"review_overdue"`
	Status              isms.ObligationStatus `json:"status"`
	NotApplicableReason *string               `json:"not_applicable_reason"`
	CreatedAt           time.Time             `json:"created_at"`
	UpdatedAt           time.Time             `json:"updated_at"`
}

func toObligationJSON(o isms.Obligation, now time.Time) obligationJSON {
	out := obligationJSON{ID: o.ID, Ref: o.Ref(), Kind: o.Kind, ReasonKind: o.Kind.Reason(), Title: o.Title, Source: o.Source,
		SourceURL: nullable(o.SourceURL), Jurisdiction: o.Jurisdiction, OwnerID: nullable(o.OwnerID), Applicability: o.Applicability,
		AssetIDs: o.AssetIDs, Controls: o.Controls, ReviewDate: formatDate(o.ReviewDate), ReviewOverdue: o.Overdue(now),
		Status: o.Status, NotApplicableReason: nullable(o.NotApplicableReason), CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
	if o.AIRiskClass != isms.NoAIRiskClass {
		out.AIRiskClass = &o.AIRiskClass
	}
	if out.AssetIDs == nil {
		out.AssetIDs = []string{}
	}
	if out.Controls == nil {
		out.Controls = []string{}
	}
	return out
}

// obligationList is a page of the register with the number the filter
// selects.
type obligationList struct {
	list[obligationJSON]
	Total int `json:"total"`
}

var obligationFilterParams = []string{"kind", "status", "owner_id", "ai_risk_class", "control", "asset_id", "overdue", "q"}

// obligationFilter reads the filters the list and the export share.
func obligationFilter(r *http.Request) (isms.ObligationFilter, error) {
	q := r.URL.Query()
	overdue, err := queryBool(r, "overdue")
	if err != nil {
		return isms.ObligationFilter{}, err
	}
	f := isms.ObligationFilter{Kind: isms.ObligationKind(q.Get("kind")), Status: isms.ObligationStatus(q.Get("status")),
		OwnerID: q.Get("owner_id"), AIRiskClass: isms.AIRiskClass(q.Get("ai_risk_class")), Control: q.Get("control"),
		AssetID: q.Get("asset_id"), Overdue: overdue != nil && *overdue, Query: q.Get("q")}
	return f, f.Check()
}

func (a *API) listObligations(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(obligationFilterParams, "cursor", "limit")...); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	f, err := obligationFilter(r)
	if err != nil {
		return err
	}
	f.Cursor, f.Limit = r.URL.Query().Get("cursor"), limit
	p, err := a.svc.ListObligations(r.Context(), acc, f)
	if err != nil {
		return err
	}
	now := a.now()
	items := make([]obligationJSON, len(p.Obligations))
	for i, o := range p.Obligations {
		items[i] = toObligationJSON(o, now)
	}
	return writeJSON(w, http.StatusOK, obligationList{list: newList(items, p.Next), Total: p.Total})
}

// obligationWrite is the body of POST and PUT. PUT replaces every field,
// so a field left out is cleared.
type obligationWrite struct {
	Kind                string   `json:"kind"`
	Title               string   `json:"title"`
	Source              string   `json:"source"`
	SourceURL           *string  `json:"source_url"`
	Jurisdiction        string   `json:"jurisdiction"`
	OwnerID             *string  `json:"owner_id"`
	Applicability       string   `json:"applicability"`
	AIRiskClass         *string  `json:"ai_risk_class"`
	AssetIDs            []string `json:"asset_ids"`
	Controls            []string `json:"controls"`
	ReviewDate          *string  `json:"review_date"`
	Status              string   `json:"status"`
	NotApplicableReason *string  `json:"not_applicable_reason"`
}

func (in obligationWrite) input() (app.ObligationInput, error) {
	review, err := parseDate("review_date", in.ReviewDate)
	if err != nil {
		return app.ObligationInput{}, err
	}
	return app.ObligationInput{Kind: in.Kind, Title: in.Title, Source: in.Source, SourceURL: deref(in.SourceURL),
		Jurisdiction: in.Jurisdiction, OwnerID: deref(in.OwnerID), Applicability: in.Applicability,
		AIRiskClass: deref(in.AIRiskClass), AssetIDs: in.AssetIDs, Controls: in.Controls, ReviewDate: review,
		Status: in.Status, NotApplicableReason: deref(in.NotApplicableReason)}, nil
}

func (a *API) createObligation(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var body obligationWrite
	if err := a.decode(w, r, &body); err != nil {
		return err
	}
	in, err := body.input()
	if err != nil {
		return err
	}
	o, err := a.svc.CreateObligation(r.Context(), acc, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/obligations/"+o.ID)
	return writeJSON(w, http.StatusCreated, toObligationJSON(o, a.now()))
}

func (a *API) getObligation(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o, err := a.svc.Obligation(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toObligationJSON(o, a.now()))
}

func (a *API) putObligation(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var body obligationWrite
	if err := a.decode(w, r, &body); err != nil {
		return err
	}
	in, err := body.input()
	if err != nil {
		return err
	}
	o, err := a.svc.UpdateObligation(r.Context(), acc, id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toObligationJSON(o, a.now()))
}

func (a *API) deleteObligation(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteObligation(r.Context(), acc, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// exportObligations downloads the register a filter selects as the CSV
// the import reads, or as a spreadsheet.
func (a *API) exportObligations(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(obligationFilterParams, "format")...); err != nil {
		return err
	}
	f, err := obligationFilter(r)
	if err != nil {
		return err
	}
	day := a.now().UTC().Format(dateLayout)
	switch format := r.URL.Query().Get("format"); format {
	case "", "csv":
		return sendFile(w, csvType, "obligations-"+acc.Org.Slug+"-"+day+".csv", func(out io.Writer) error {
			return a.svc.ExportObligationsCSV(r.Context(), acc, f, out)
		})
	case "xlsx":
		return sendFile(w, xlsxType, "obligations-"+acc.Org.Slug+"-"+day+".xlsx", func(out io.Writer) error {
			return a.svc.ExportObligationsXLSX(r.Context(), acc, f, out)
		})
	default:
		return isms.Invalid("format", "%q is not an export format; use csv or xlsx", format)
	}
}

// obligationImportJSON is what an import did, or would do on a dry run.
type obligationImportJSON struct {
	DryRun  bool     `json:"dry_run"`
	Created int      `json:"created"`
	Updated int      `json:"updated"`
	IDs     []string `json:"obligation_ids"`
}

// importObligations takes the obligations CSV as the request body.
func (a *API) importObligations(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "name", "dry_run"); err != nil {
		return err
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "text/csv" {
		return &mediaTypeError{got: ct, want: []string{"text/csv"}}
	}
	dryRun, err := queryBool(r, "dry_run")
	if err != nil {
		return err
	}
	name, err := fileName(r, "upload.csv")
	if err != nil {
		return err
	}
	data, err := readFile(w, r, obligation.MaxBytes, "obligations CSV")
	if err != nil {
		return err
	}
	res, err := a.svc.ImportObligations(r.Context(), acc, name, bytes.NewReader(data), dryRun != nil && *dryRun)
	if err != nil {
		return err
	}
	out := obligationImportJSON{DryRun: res.DryRun, Created: res.Created, Updated: res.Updated, IDs: []string{}}
	if !res.DryRun {
		for _, o := range res.Obligations {
			out.IDs = append(out.IDs, o.ID)
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// obligationTemplate downloads the CSV layout with example rows.
func (a *API) obligationTemplate(w http.ResponseWriter, r *http.Request, _ app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	return sendFile(w, csvType, "isms-obligations-template.csv", func(out io.Writer) error {
		_, err := out.Write(app.ObligationCSVTemplate())
		return err
	})
}

// starterKeys is the body of a request to add starter obligations.
type starterKeys struct {
	Keys []string `json:"keys"`
}

// addStarterObligations adds common obligations in one step; those the
// register already cites are skipped, so the answer lists only what was
// added.
func (a *API) addStarterObligations(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var body starterKeys
	if err := a.decode(w, r, &body); err != nil {
		return err
	}
	added, err := a.svc.AddStarterObligations(r.Context(), acc, body.Keys)
	if err != nil {
		return err
	}
	now := a.now()
	items := make([]obligationJSON, len(added))
	for i, o := range added {
		items[i] = toObligationJSON(o, now)
	}
	return writeJSON(w, http.StatusOK, newList(items, ""))
}
