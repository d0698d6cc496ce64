package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/supplier"
)

// supplierJSON is a supplier as lists show it: its fields and what it is
// judged on.
type supplierJSON struct {
	ID            string              `json:"id"`
	Name          string              `json:"name"`
	Kind          isms.SupplierKind   `json:"kind"`
	Services      string              `json:"services"`
	Criticality   isms.Criticality    `json:"criticality"`
	Status        isms.SupplierStatus `json:"status"`
	OwnerID       *string             `json:"owner_id"`
	Website       string              `json:"website"`
	Contact       string              `json:"contact"`
	DataShared    []isms.DataCategory `json:"data_shared"`
	DataLocation  string              `json:"data_location"`
	Clauses       []string            `json:"clauses"`
	IncidentHours int                 `json:"incident_hours"`
	ContractEnds  *string             `json:"contract_ends"`
	ReviewCadence isms.Cadence        `json:"review_cadence"`
	LastReviewed  *string             `json:"last_reviewed"`
	NextReview    string              `json:"next_review"`
	ExitPlan      string              `json:"exit_plan"`
	Notes         string              `json:"notes"`
	Flags         []isms.Flag         `json:"flags"`
	Assets        int                 `json:"assets"`
	CreatedAt     time.Time           `json:"created_at"`
	UpdatedAt     time.Time           `json:"updated_at"`
}

func toSupplierJSON(r app.SupplierRow) supplierJSON {
	s := r.Supplier
	out := supplierJSON{ID: s.ID, Name: s.Name, Kind: s.Kind, Services: s.Services, Criticality: s.Criticality, Status: s.Status,
		OwnerID: nullable(s.OwnerID), Website: s.Website, Contact: s.Contact, DataShared: s.DataShared, DataLocation: s.DataLocation,
		Clauses: s.Clauses, IncidentHours: s.IncidentHours, ContractEnds: formatDate(s.ContractEnds), ReviewCadence: s.ReviewCadence,
		LastReviewed: formatDate(s.LastReviewed), NextReview: s.NextReview().Format(dateLayout), ExitPlan: s.ExitPlan, Notes: s.Notes,
		Flags: r.Flags, Assets: r.Assets, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	if out.DataShared == nil {
		out.DataShared = []isms.DataCategory{}
	}
	if out.Clauses == nil {
		out.Clauses = []string{}
	}
	if out.Flags == nil {
		out.Flags = []isms.Flag{}
	}
	return out
}

type certificationJSON struct {
	ID         string                 `json:"id"`
	Kind       isms.CertificationKind `json:"kind"`
	Reference  string                 `json:"reference"`
	Issuer     string                 `json:"issuer"`
	Scope      string                 `json:"scope"`
	IssuedOn   *string                `json:"issued_on"`
	ValidUntil string                 `json:"valid_until"`
	CreatedAt  time.Time              `json:"created_at"`
}

func toCertificationJSON(c isms.Certification) certificationJSON {
	return certificationJSON{ID: c.ID, Kind: c.Kind, Reference: c.Reference, Issuer: c.Issuer, Scope: c.Scope,
		IssuedOn: formatDate(c.IssuedOn), ValidUntil: c.ValidUntil.UTC().Format(dateLayout), CreatedAt: c.CreatedAt}
}

type assessmentJSON struct {
	ID         string                `json:"id"`
	AssessedOn string                `json:"assessed_on"`
	Assessor   string                `json:"assessor"`
	Result     isms.AssessmentResult `json:"result"`
	Summary    string                `json:"summary"`
	Answers    []isms.Answer         `json:"answers"`
	CreatedAt  time.Time             `json:"created_at"`
}

func toAssessmentJSON(x isms.Assessment) assessmentJSON {
	out := assessmentJSON{ID: x.ID, AssessedOn: x.AssessedOn.UTC().Format(dateLayout), Assessor: x.Assessor, Result: x.Result,
		Summary: x.Summary, Answers: x.Answers, CreatedAt: x.CreatedAt}
	if out.Answers == nil {
		out.Answers = []isms.Answer{}
	}
	return out
}

type supplierAssetJSON struct {
	ID      string         `json:"id"`
	AssetID string         `json:"asset_id"`
	Name    string         `json:"name"`
	Type    isms.AssetType `json:"type"`
}

// supplierDetailJSON is one supplier with its certifications, assessments
// and the assets that depend on it.
type supplierDetailJSON struct {
	supplierJSON
	Certifications  []certificationJSON `json:"certifications"`
	Assessments     []assessmentJSON    `json:"assessments"`
	DependentAssets []supplierAssetJSON `json:"dependent_assets"`
}

func toSupplierDetailJSON(d app.SupplierDetail) supplierDetailJSON {
	out := supplierDetailJSON{supplierJSON: toSupplierJSON(d.SupplierRow), Certifications: []certificationJSON{},
		Assessments: []assessmentJSON{}, DependentAssets: []supplierAssetJSON{}}
	for _, c := range d.Certifications {
		out.Certifications = append(out.Certifications, toCertificationJSON(c))
	}
	for _, x := range d.Assessments {
		out.Assessments = append(out.Assessments, toAssessmentJSON(x))
	}
	for _, l := range d.Assets {
		out.DependentAssets = append(out.DependentAssets, supplierAssetJSON{ID: l.LinkID, AssetID: l.ID, Name: l.Name, Type: l.Type})
	}
	return out
}

type supplierList struct {
	list[supplierJSON]
	Total   int `json:"total"`
	Flagged int `json:"flagged"`
}

var supplierFilterParams = []string{"kind", "criticality", "status", "owner_id", "data_shared", "flag", "flagged", "q"}

// supplierFilter reads the filters the supplier list and export share.
func supplierFilter(r *http.Request) (isms.SupplierFilter, error) {
	q := r.URL.Query()
	f := isms.SupplierFilter{Kind: isms.SupplierKind(q.Get("kind")), Criticality: isms.Criticality(q.Get("criticality")),
		Status: isms.SupplierStatus(q.Get("status")), OwnerID: q.Get("owner_id"), DataShared: isms.DataCategory(q.Get("data_shared")),
		Flag: isms.FlagKind(q.Get("flag")), Query: q.Get("q")}
	flagged, err := queryBool(r, "flagged")
	if err != nil {
		return f, err
	}
	f.Flagged = flagged != nil && *flagged
	return f, f.Validate()
}

func (a *API) listSuppliers(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(supplierFilterParams, "cursor", "limit")...); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	f, err := supplierFilter(r)
	if err != nil {
		return err
	}
	f.Cursor, f.Limit = r.URL.Query().Get("cursor"), limit
	p, err := a.svc.ListSuppliers(r.Context(), acc, f)
	if err != nil {
		return err
	}
	items := make([]supplierJSON, len(p.Suppliers))
	for i, x := range p.Suppliers {
		items[i] = toSupplierJSON(x)
	}
	return writeJSON(w, http.StatusOK, supplierList{list: newList(items, p.Next), Total: p.Total, Flagged: p.Flagged})
}

// supplierWrite is the body of POST and PUT. PUT replaces every field, so
// one left out is cleared.
type supplierWrite struct {
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`
	Services      string   `json:"services"`
	Criticality   string   `json:"criticality"`
	Status        string   `json:"status"`
	OwnerID       *string  `json:"owner_id"`
	Website       string   `json:"website"`
	Contact       string   `json:"contact"`
	DataShared    []string `json:"data_shared"`
	DataLocation  string   `json:"data_location"`
	Clauses       []string `json:"clauses"`
	IncidentHours int      `json:"incident_hours"`
	ContractEnds  *string  `json:"contract_ends"`
	ReviewCadence string   `json:"review_cadence"`
	LastReviewed  *string  `json:"last_reviewed"`
	ExitPlan      string   `json:"exit_plan"`
	Notes         string   `json:"notes"`
}

func (in supplierWrite) supplier() (isms.Supplier, error) {
	ends, err := parseDate("contract_ends", in.ContractEnds)
	if err != nil {
		return isms.Supplier{}, err
	}
	reviewed, err := parseDate("last_reviewed", in.LastReviewed)
	if err != nil {
		return isms.Supplier{}, err
	}
	s := isms.Supplier{Name: in.Name, Kind: isms.SupplierKind(in.Kind), Services: in.Services, Criticality: isms.Criticality(in.Criticality),
		Status: isms.SupplierStatus(in.Status), OwnerID: deref(in.OwnerID), Website: in.Website, Contact: in.Contact,
		DataLocation: in.DataLocation, Clauses: in.Clauses, IncidentHours: in.IncidentHours, ContractEnds: ends,
		ReviewCadence: isms.Cadence(in.ReviewCadence), LastReviewed: reviewed, ExitPlan: in.ExitPlan, Notes: in.Notes}
	for _, d := range in.DataShared {
		s.DataShared = append(s.DataShared, isms.DataCategory(d))
	}
	return s, nil
}

func (a *API) supplierPath(acc app.Access, id string) string {
	return Prefix + "/orgs/" + acc.Org.Slug + "/suppliers/" + id
}

// writeSupplier answers with the supplier as it now stands.
func (a *API) writeSupplier(w http.ResponseWriter, r *http.Request, acc app.Access, status int, id string) error {
	d, err := a.svc.Supplier(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, status, toSupplierDetailJSON(d))
}

func (a *API) createSupplier(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in supplierWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	s, err := in.supplier()
	if err != nil {
		return err
	}
	created, err := a.svc.CreateSupplier(r.Context(), acc, s)
	if err != nil {
		return err
	}
	w.Header().Set("Location", a.supplierPath(acc, created.ID))
	return a.writeSupplier(w, r, acc, http.StatusCreated, created.ID)
}

func (a *API) getSupplier(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writeSupplier(w, r, acc, http.StatusOK, id)
}

func (a *API) putSupplier(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in supplierWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	s, err := in.supplier()
	if err != nil {
		return err
	}
	s.ID = id
	if _, err := a.svc.UpdateSupplier(r.Context(), acc, s); err != nil {
		return err
	}
	return a.writeSupplier(w, r, acc, http.StatusOK, id)
}

func (a *API) deleteSupplier(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteSupplier(r.Context(), acc, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// reviewSupplier records that the supplier was reviewed today.
func (a *API) reviewSupplier(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := knownQuery(r); err != nil {
		return err
	}
	if _, err := a.svc.ReviewSupplier(r.Context(), acc, id); err != nil {
		return err
	}
	return a.writeSupplier(w, r, acc, http.StatusOK, id)
}

// subID returns the id of a supplier's record named in the path.
func subID(r *http.Request, name string) (string, error) {
	id := r.PathValue(name)
	if !usableText(id) {
		return "", fmt.Errorf("%s %q: %w", name, id, isms.ErrNotFound)
	}
	return id, nil
}

type supplierAssetWrite struct {
	AssetID string `json:"asset_id"`
}

func (a *API) linkSupplierAsset(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in supplierAssetWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if _, err := a.svc.LinkSupplierAsset(r.Context(), acc, id, in.AssetID); err != nil {
		return err
	}
	return a.writeSupplier(w, r, acc, http.StatusCreated, id)
}

func (a *API) unlinkSupplierAsset(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	return a.removeSupplierRecord(w, r, "link", func(id, sub string) error { return a.svc.UnlinkSupplierAsset(r.Context(), acc, id, sub) })
}

// removeSupplierRecord removes one record of a supplier named by the path
// parameter param.
func (a *API) removeSupplierRecord(w http.ResponseWriter, r *http.Request, param string, remove func(id, sub string) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sub, err := subID(r, param)
	if err != nil {
		return err
	}
	if err := remove(id, sub); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type certificationWrite struct {
	Kind       string  `json:"kind"`
	Reference  string  `json:"reference"`
	Issuer     string  `json:"issuer"`
	Scope      string  `json:"scope"`
	IssuedOn   *string `json:"issued_on"`
	ValidUntil string  `json:"valid_until"`
}

func (a *API) addCertification(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in certificationWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	issued, err := parseDate("issued_on", in.IssuedOn)
	if err != nil {
		return err
	}
	until, err := parseDate("valid_until", &in.ValidUntil)
	if err != nil {
		return err
	}
	c, err := a.svc.AddCertification(r.Context(), acc, isms.Certification{SupplierID: id, Kind: isms.CertificationKind(in.Kind),
		Reference: in.Reference, Issuer: in.Issuer, Scope: in.Scope, IssuedOn: issued, ValidUntil: *until})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toCertificationJSON(c))
}

func (a *API) removeCertification(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	return a.removeSupplierRecord(w, r, "cert", func(id, sub string) error { return a.svc.RemoveCertification(r.Context(), acc, id, sub) })
}

type assessmentWrite struct {
	AssessedOn string        `json:"assessed_on"`
	Assessor   string        `json:"assessor"`
	Result     string        `json:"result"`
	Summary    string        `json:"summary"`
	Answers    []isms.Answer `json:"answers"`
}

func (a *API) addAssessment(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in assessmentWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	on, err := parseDate("assessed_on", &in.AssessedOn)
	if err != nil {
		return err
	}
	x, err := a.svc.AddAssessment(r.Context(), acc, isms.Assessment{SupplierID: id, AssessedOn: *on, Assessor: in.Assessor,
		Result: isms.AssessmentResult(in.Result), Summary: in.Summary, Answers: in.Answers})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toAssessmentJSON(x))
}

func (a *API) removeAssessment(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	return a.removeSupplierRecord(w, r, "assessment", func(id, sub string) error { return a.svc.RemoveAssessment(r.Context(), acc, id, sub) })
}

// exportSuppliers downloads the suppliers a filter selects as the
// supplier CSV, which imports again, or as a spreadsheet.
func (a *API) exportSuppliers(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(supplierFilterParams, "format")...); err != nil {
		return err
	}
	f, err := supplierFilter(r)
	if err != nil {
		return err
	}
	day := a.now().UTC().Format(dateLayout)
	switch format := r.URL.Query().Get("format"); format {
	case "", "csv":
		return sendFile(w, csvType, "suppliers-"+acc.Org.Slug+"-"+day+".csv", func(out io.Writer) error {
			return a.svc.ExportSuppliersCSV(r.Context(), acc, f, out)
		})
	case "xlsx":
		return sendFile(w, xlsxType, "suppliers-"+acc.Org.Slug+"-"+day+".xlsx", func(out io.Writer) error {
			return a.svc.ExportSuppliersXLSX(r.Context(), acc, f, out)
		})
	default:
		return isms.Invalid("format", "%q is not an export format; use csv or xlsx", format)
	}
}

type supplierImportJSON struct {
	DryRun  bool     `json:"dry_run"`
	Created []string `json:"created"`
	Updated []string `json:"updated"`
}

// importSuppliers takes the supplier CSV as the request body and imports
// every row or none.
func (a *API) importSuppliers(w http.ResponseWriter, r *http.Request, acc app.Access) error {
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
	name, err := fileName(r, "suppliers.csv")
	if err != nil {
		return err
	}
	data, err := readFile(w, r, supplier.MaxBytes, "supplier CSV")
	if err != nil {
		return err
	}
	res, err := a.svc.ImportSuppliers(r.Context(), acc, name, bytes.NewReader(data), dryRun != nil && *dryRun)
	if err != nil {
		return err
	}
	out := supplierImportJSON{DryRun: res.DryRun, Created: res.Created, Updated: res.Updated}
	if out.Created == nil {
		out.Created = []string{}
	}
	if out.Updated == nil {
		out.Updated = []string{}
	}
	return writeJSON(w, http.StatusOK, out)
}
