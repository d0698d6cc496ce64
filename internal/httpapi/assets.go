package httpapi

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// assetJSON is an asset as lists show it.
type assetJSON struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	Type            isms.AssetType    `json:"type"`
	TypeLabel       string            `json:"type_label"`
	AI              bool              `json:"ai"`
	Description     string            `json:"description"`
	OwnerID         *string           `json:"owner_id"`
	CustodianID     *string           `json:"custodian_id"`
	Classification  *string           `json:"classification"`
	Confidentiality int               `json:"confidentiality"`
	Integrity       int               `json:"integrity"`
	Availability    int               `json:"availability"`
	Location        string            `json:"location"`
	Lifecycle       isms.Lifecycle    `json:"lifecycle"`
	DisposalDate    *string           `json:"disposal_date"`
	DisposalMethod  string            `json:"disposal_method"`
	Tags            []string          `json:"tags"`
	Attributes      map[string]string `json:"attributes"`
	SourceKey       *string           `json:"source_key"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
}

// assetDetailJSON is one asset with the summary of its model or dataset
// card, which lists leave out for size.
type assetDetailJSON struct {
	assetJSON
	ModelCard string `json:"model_card"`
}

// nullable returns nil for "", so that an absent reference reads null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toAssetJSON(x store.StoredAsset) assetJSON {
	info, _ := x.Type.Info()
	out := assetJSON{ID: x.ID, Name: x.Name, Type: x.Type, TypeLabel: x.Type.Label(), AI: info.AI, Description: x.Description,
		OwnerID: nullable(x.OwnerID), CustodianID: nullable(x.CustodianID), Classification: nullable(x.Classification),
		Confidentiality: x.Confidentiality, Integrity: x.Integrity, Availability: x.Availability, Location: x.Location,
		Lifecycle: x.Lifecycle, DisposalDate: formatDate(x.DisposalDate), DisposalMethod: x.DisposalMethod, Tags: x.Tags,
		Attributes: x.Attributes, SourceKey: nullable(x.SourceKey), CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if out.Attributes == nil {
		out.Attributes = map[string]string{}
	}
	return out
}

func toAssetDetailJSON(x store.StoredAsset) assetDetailJSON {
	return assetDetailJSON{assetJSON: toAssetJSON(x), ModelCard: x.ModelCard}
}

// assetList is a page of assets with the number the filter selects.
type assetList struct {
	list[assetJSON]
	Total int `json:"total"`
}

// assetFilter reads the filters the asset list and export share.
func assetFilter(r *http.Request) isms.AssetFilter {
	q := r.URL.Query()
	return isms.AssetFilter{Type: isms.AssetType(q.Get("type")), OwnerID: q.Get("owner_id"), Classification: q.Get("classification"),
		Lifecycle: isms.Lifecycle(q.Get("lifecycle")), Tag: q.Get("tag"), Query: q.Get("q")}
}

// checkedAssetFilter reads the filters and refuses a type or lifecycle
// that does not exist, which would select nothing.
func checkedAssetFilter(r *http.Request) (isms.AssetFilter, error) {
	f := assetFilter(r)
	v := &isms.ValidationError{}
	if f.Type != "" && !f.Type.IsValid() {
		v.Add("type", "%q is not an asset type", f.Type)
	}
	if f.Lifecycle != "" && !slices.Contains(isms.Lifecycles, f.Lifecycle) {
		v.Add("lifecycle", "%q is not a lifecycle state", f.Lifecycle)
	}
	return f, v.Err()
}

var assetFilterParams = []string{"type", "owner_id", "classification", "lifecycle", "tag", "q"}

func (a *API) listAssets(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(assetFilterParams, "cursor", "limit")...); err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	f := assetFilter(r)
	f.Cursor, f.Limit = r.URL.Query().Get("cursor"), limit
	p, err := a.svc.ListAssets(r.Context(), acc, f)
	if err != nil {
		return err
	}
	items := make([]assetJSON, len(p.Assets))
	for i, x := range p.Assets {
		items[i] = toAssetJSON(x)
	}
	return writeJSON(w, http.StatusOK, assetList{list: newList(items, p.Next), Total: p.Total})
}

// assetWrite is the body of POST and PUT: every field a person edits. PUT
// replaces them all, so a field left out is cleared.
type assetWrite struct {
	Name            string            `json:"name"`
	Type            string            `json:"type"`
	Description     string            `json:"description"`
	OwnerID         *string           `json:"owner_id"`
	CustodianID     *string           `json:"custodian_id"`
	Classification  *string           `json:"classification"`
	Confidentiality int               `json:"confidentiality"`
	Integrity       int               `json:"integrity"`
	Availability    int               `json:"availability"`
	Location        string            `json:"location"`
	Lifecycle       string            `json:"lifecycle"`
	DisposalDate    *string           `json:"disposal_date"`
	DisposalMethod  string            `json:"disposal_method"`
	Tags            []string          `json:"tags"`
	Attributes      map[string]string `json:"attributes"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (in assetWrite) asset() (isms.Asset, error) {
	disposal, err := parseDate("disposal_date", in.DisposalDate)
	if err != nil {
		return isms.Asset{}, err
	}
	return isms.Asset{Name: in.Name, Type: isms.AssetType(in.Type), Description: in.Description, OwnerID: deref(in.OwnerID),
		CustodianID: deref(in.CustodianID), Classification: deref(in.Classification), Confidentiality: in.Confidentiality,
		Integrity: in.Integrity, Availability: in.Availability, Location: in.Location, Lifecycle: isms.Lifecycle(in.Lifecycle),
		DisposalDate: disposal, DisposalMethod: in.DisposalMethod, Tags: in.Tags, Attributes: in.Attributes}, nil
}

func (a *API) assetPath(acc app.Access, id string) string {
	return Prefix + "/orgs/" + acc.Org.Slug + "/assets/" + id
}

func (a *API) createAsset(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in assetWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	x, err := in.asset()
	if err != nil {
		return err
	}
	created, err := a.svc.CreateAsset(r.Context(), acc, x)
	if err != nil {
		return err
	}
	w.Header().Set("Location", a.assetPath(acc, created.ID))
	return writeJSON(w, http.StatusCreated, toAssetDetailJSON(created))
}

func (a *API) getAsset(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	x, err := a.svc.Asset(r.Context(), acc, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAssetDetailJSON(x))
}

func (a *API) putAsset(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in assetWrite
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	x, err := in.asset()
	if err != nil {
		return err
	}
	updated, err := a.svc.UpdateAsset(r.Context(), acc, id, x)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAssetDetailJSON(updated))
}

func (a *API) deleteAsset(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteAsset(r.Context(), acc, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type relationJSON struct {
	ID        string            `json:"id"`
	FromID    string            `json:"from_id"`
	Kind      isms.RelationKind `json:"kind"`
	Label     string            `json:"label"`
	ToID      string            `json:"to_id"`
	CreatedAt time.Time         `json:"created_at"`
}

func toRelationJSON(rel isms.AssetRelation) relationJSON {
	return relationJSON{ID: rel.ID, FromID: rel.FromID, Kind: rel.Kind, Label: rel.Kind.Label(), ToID: rel.ToID, CreatedAt: rel.CreatedAt}
}

type graphJSON struct {
	Center    string         `json:"center"`
	Depth     int            `json:"depth"`
	Assets    []assetJSON    `json:"assets"`
	Relations []relationJSON `json:"relations"`
}

// maxGraphDepth is the most steps a neighbourhood reaches.
const maxGraphDepth = 3

func (a *API) assetGraph(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "depth"); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	depth, err := queryInt(r, "depth")
	if err != nil {
		return err
	}
	switch {
	case depth == 0:
		depth = 1
	case depth > maxGraphDepth:
		return isms.Invalid("depth", "must be 1 to %d steps", maxGraphDepth)
	}
	g, err := a.svc.AssetGraph(r.Context(), acc, id, depth)
	if err != nil {
		return err
	}
	out := graphJSON{Center: g.Center, Depth: depth, Assets: make([]assetJSON, len(g.Assets)), Relations: make([]relationJSON, len(g.Relations))}
	for i, x := range g.Assets {
		out.Assets[i] = toAssetJSON(x)
	}
	for i, rel := range g.Relations {
		out.Relations[i] = toRelationJSON(rel)
	}
	return writeJSON(w, http.StatusOK, out)
}

type relationCreate struct {
	Kind string `json:"kind"`
	ToID string `json:"to_id"`
}

func (a *API) addRelation(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in relationCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	// The asset in the path must exist: 404, not a complaint about a
	// field of the body.
	if _, err := a.svc.Asset(r.Context(), acc, id); err != nil {
		return err
	}
	rel, err := a.svc.AddAssetRelation(r.Context(), acc, app.RelationInput{FromID: id, Kind: in.Kind, ToID: in.ToID})
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/orgs/"+acc.Org.Slug+"/asset-relations/"+rel.ID)
	return writeJSON(w, http.StatusCreated, toRelationJSON(rel))
}

func (a *API) removeRelation(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.RemoveAssetRelation(r.Context(), acc, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type classificationsJSON struct {
	Levels []string `json:"levels"`
}

func (a *API) getClassifications(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	levels, err := a.svc.Classifications(r.Context(), acc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, classificationsJSON{Levels: levels})
}

func (a *API) putClassifications(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	var in classificationsJSON
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if in.Levels == nil {
		return isms.Invalid("levels", "is required: the classification levels, lowest first")
	}
	levels, err := a.svc.SetClassifications(r.Context(), acc, in.Levels)
	if err != nil {
		return renameFields(err, map[string]string{"classifications": "levels"})
	}
	return writeJSON(w, http.StatusOK, classificationsJSON{Levels: levels})
}

// renameFields names the fields of a validation error or conflict as the
// request names them, where the application's name differs.
func renameFields(err error, names map[string]string) error {
	var invalid *isms.ValidationError
	if errors.As(err, &invalid) {
		out := &isms.ValidationError{}
		for _, fe := range invalid.Fields {
			if n, ok := names[fe.Field]; ok {
				fe.Field = n
			}
			out.Fields = append(out.Fields, fe)
		}
		return out
	}
	var conflict *isms.ConflictError
	if errors.As(err, &conflict) {
		if n, ok := names[conflict.Field]; ok {
			return &isms.ConflictError{Field: n, Detail: conflict.Detail}
		}
	}
	return err
}
