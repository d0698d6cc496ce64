package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// mayEdit allows a change to a record: anyone who may write records, and
// a contributor for a record they own or look after.
func (a Access) mayEdit(what string, ownerIDs ...string) error {
	if a.Can(isms.PermWriteRecords) {
		return nil
	}
	if a.Role == isms.RoleContributor && a.Member.ID != "" && slices.Contains(ownerIDs, a.Member.ID) {
		return nil
	}
	if a.Role == isms.RoleContributor {
		return fmt.Errorf("a contributor may change only the %ss they own: %w", what, isms.ErrForbidden)
	}
	return a.require(isms.PermWriteRecords)
}

// checkMembers reports the fields that name someone who is not an active
// member of the organisation, or who may not own records.
func (s *Service) checkMembers(ctx context.Context, r interface {
	Member(context.Context, string, string) (isms.Member, error)
}, orgID string, v *isms.ValidationError, fields map[string]string) error {
	for _, field := range slices.Sorted(maps.Keys(fields)) {
		id := fields[field]
		if id == "" {
			continue
		}
		m, err := r.Member(ctx, orgID, id)
		if errors.Is(err, isms.ErrNotFound) || (err == nil && !m.Active(s.now())) {
			v.Add(field, "is not a member of this organisation")
			continue
		}
		if err != nil {
			return err
		}
		if m.Role == isms.RoleAuditor {
			// Auditors must stay independent of what they audit.
			v.Add(field, "%s is an auditor; auditors cannot own or look after ISMS records", m.Name)
		}
	}
	return nil
}

// AssetPage is a page of the asset inventory.
type AssetPage struct {
	Assets []store.StoredAsset
	Next   string
	Total  int
}

// ListAssets returns a page of the inventory in name order.
func (s *Service) ListAssets(ctx context.Context, a Access, f isms.AssetFilter) (AssetPage, error) {
	if err := a.require(isms.PermRead); err != nil {
		return AssetPage{}, err
	}
	if err := checkAssetFilter(f); err != nil {
		return AssetPage{}, err
	}
	var p AssetPage
	var err error
	p.Assets, p.Next, err = listPage(f.Cursor, f.Limit, func(after string, limit int) ([]store.StoredAsset, error) {
		name, id := "", ""
		if after != "" {
			i := strings.LastIndexByte(after, '\n')
			if i < 0 {
				return nil, isms.Invalid("cursor", "is not a cursor returned by this API")
			}
			name, id = after[:i], after[i+1:]
		}
		f.Limit = limit
		return s.db.ListAssets(ctx, a.Org.ID, f, name, id)
	}, func(x store.StoredAsset) string { return x.Name + "\n" + x.ID })
	if err != nil {
		return p, err
	}
	p.Total, err = s.countAssets(ctx, a.Org.ID, f)
	return p, err
}

func checkAssetFilter(f isms.AssetFilter) error {
	if f.Type != "" && !f.Type.IsValid() {
		return isms.Invalid("type", "%q is not an asset type", f.Type)
	}
	if f.Lifecycle != "" && !slices.Contains(isms.Lifecycles, f.Lifecycle) {
		return isms.Invalid("lifecycle", "%q is not a lifecycle state", f.Lifecycle)
	}
	return nil
}

// Asset returns one asset.
func (s *Service) Asset(ctx context.Context, a Access, id string) (store.StoredAsset, error) {
	if err := a.require(isms.PermRead); err != nil {
		return store.StoredAsset{}, err
	}
	return s.db.Asset(ctx, a.Org.ID, id)
}

// AssetLabels names the organisation's assets among ids (leaving out ids
// that are not its assets), or, when ids is nil, its first limit assets by
// name: what pickers and lists that only name assets need.
func (s *Service) AssetLabels(ctx context.Context, a Access, ids []string, limit int) ([]store.AssetLabel, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	if ids != nil && len(ids) == 0 {
		return nil, nil
	}
	return s.db.AssetLabels(ctx, a.Org.ID, ids, limit)
}

// Classifications returns the organisation's classification scheme.
func (s *Service) Classifications(ctx context.Context, a Access) ([]string, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	return s.db.Classifications(ctx, a.Org.ID)
}

// SetClassifications replaces the organisation's classification scheme,
// lowest first. A level still used by an asset cannot be dropped.
func (s *Service) SetClassifications(ctx context.Context, a Access, levels []string) ([]string, error) {
	if err := a.require(isms.PermManageOrg); err != nil {
		return nil, err
	}
	v := &isms.ValidationError{}
	var clean []string
	for i, l := range levels {
		l = strings.ToLower(strings.TrimSpace(l))
		switch {
		case l == "":
			continue
		case len(l) > 40 || strings.ContainsAny(l, ",;\n"):
			v.Add("classifications", "level %d: use up to 40 characters without commas or semicolons", i+1)
		case slices.Contains(clean, l):
			v.Add("classifications", "%q is listed twice", l)
		}
		clean = append(clean, l)
	}
	if len(clean) < 2 || len(clean) > 8 {
		v.Add("classifications", "needs 2 to 8 levels")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		current, err := tx.Classifications(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		for _, old := range current {
			if slices.Contains(clean, old) {
				continue
			}
			n, err := tx.CountAssets(ctx, a.Org.ID, isms.AssetFilter{Classification: old})
			if err != nil {
				return err
			}
			if n > 0 {
				return isms.Invalid("classifications", "%q is the classification of %d assets; reclassify them before dropping it", old, n)
			}
		}
		return tx.SetClassifications(ctx, a.Org.ID, clean)
	})
	return clean, err
}

// validateAsset checks an asset's fields and the people it names.
func (s *Service) validateAsset(ctx context.Context, tx *store.Tx, orgID string, in *isms.Asset) error {
	classes, err := tx.Classifications(ctx, orgID)
	if err != nil {
		return err
	}
	v := &isms.ValidationError{}
	if err := in.Validate(classes); err != nil {
		v.Fields = append(v.Fields, isms.FieldErrors(err)...)
	}
	if err := s.checkMembers(ctx, tx, orgID, v, map[string]string{"owner_id": in.OwnerID, "custodian_id": in.CustodianID}); err != nil {
		return err
	}
	return v.Err()
}

// CreateAsset adds an asset to the inventory.
func (s *Service) CreateAsset(ctx context.Context, a Access, in isms.Asset) (store.StoredAsset, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return store.StoredAsset{}, err
	}
	var out store.StoredAsset
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		in.OrgID = a.Org.ID
		in.SourceKey = ""
		if err := s.validateAsset(ctx, tx, a.Org.ID, &in); err != nil {
			return err
		}
		var err error
		out, err = tx.CreateAsset(ctx, store.StoredAsset{Asset: in})
		return err
	})
	return out, err
}

// UpdateAsset changes an asset. A contributor may change the assets they
// own or look after, but not who that is.
func (s *Service) UpdateAsset(ctx context.Context, a Access, id string, in isms.Asset) (store.StoredAsset, error) {
	var out store.StoredAsset
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		current, err := tx.Asset(ctx, a.Org.ID, id)
		if err != nil {
			return err
		}
		if err := a.mayEdit("asset", current.OwnerID, current.CustodianID); err != nil {
			return err
		}
		if !a.Can(isms.PermWriteRecords) && (in.OwnerID != current.OwnerID || in.CustodianID != current.CustodianID) {
			return fmt.Errorf("a contributor may not hand an asset to someone else: %w", isms.ErrForbidden)
		}
		in.ID, in.OrgID, in.SourceKey, in.CreatedAt = current.ID, current.OrgID, current.SourceKey, current.CreatedAt
		if err := s.validateAsset(ctx, tx, a.Org.ID, &in); err != nil {
			return err
		}
		out, err = tx.UpdateAsset(ctx, store.StoredAsset{Asset: in, ModelCard: current.ModelCard})
		return err
	})
	return out, err
}

// DeleteAsset removes an asset with its relations. An asset in the scope
// of a risk, or named by an obligation, stays: the registers must not lose
// what their records are about.
func (s *Service) DeleteAsset(ctx context.Context, a Access, id string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		if _, err := tx.Asset(ctx, a.Org.ID, id); err != nil {
			return err
		}
		n, err := tx.CountRisks(ctx, a.Org.ID, isms.RiskFilter{AssetID: id}, s.now())
		if err != nil {
			return err
		}
		if n > 0 {
			return &isms.ConflictError{Field: "asset", Detail: fmt.Sprintf("is in the scope of %d risks; take it out of them, or retire it instead", n)}
		}
		if n, err := tx.CountObligations(ctx, a.Org.ID, isms.ObligationFilter{AssetID: id}, s.now()); err != nil {
			return err
		} else if n > 0 {
			return &isms.ConflictError{Field: "asset", Detail: fmt.Sprintf("is named by %d obligations; take it out of them, or retire it instead", n)}
		}
		if n, err := tx.CountDependents(ctx, a.Org.ID, id); err != nil {
			return err
		} else if n > 0 {
			return &isms.ConflictError{Field: "asset", Detail: fmt.Sprintf("is a dependency of %d business impact analyses; remove it from them, or retire it instead", n)}
		}
		if n, err := tx.CountIncidentsOfAsset(ctx, a.Org.ID, id); err != nil {
			return err
		} else if n > 0 {
			return &isms.ConflictError{Field: "asset", Detail: fmt.Sprintf("was affected by %d incidents, whose records must keep it; retire it instead", n)}
		}
		if scanned, err := tx.AssetScanned(ctx, a.Org.ID, id); err != nil {
			return err
		} else if scanned {
			return &isms.ConflictError{Field: "asset", Detail: "vulnerability scans recorded findings on it; retire it instead, so its scan history stays"}
		}
		rels, err := tx.AssetRelations(ctx, a.Org.ID, []string{id})
		if err != nil {
			return err
		}
		for _, rel := range rels {
			if err := tx.RemoveAssetRelation(ctx, a.Org.ID, rel.ID); err != nil {
				return err
			}
		}
		links, err := tx.SupplierAssets(ctx, a.Org.ID, "")
		if err != nil {
			return err
		}
		for _, l := range links {
			if l.AssetID == id {
				if err := tx.UnlinkSupplierAsset(ctx, a.Org.ID, l.SupplierID, l.ID); err != nil {
					return err
				}
			}
		}
		return tx.DeleteAsset(ctx, a.Org.ID, id)
	})
}

// RelationInput links two assets.
type RelationInput struct {
	FromID string
	Kind   string
	ToID   string
}

// AddAssetRelation links two assets of the organisation.
func (s *Service) AddAssetRelation(ctx context.Context, a Access, in RelationInput) (isms.AssetRelation, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.AssetRelation{}, err
	}
	v := &isms.ValidationError{}
	kind := isms.RelationKind(in.Kind)
	if !kind.IsValid() {
		v.Add("kind", "%q is not a relation; use one of %s", in.Kind, relationNames())
	}
	if in.FromID == in.ToID {
		v.Add("to_id", "an asset cannot relate to itself")
	}
	var out isms.AssetRelation
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		for _, end := range [][2]string{{"from_id", in.FromID}, {"to_id", in.ToID}} {
			if _, err := tx.Asset(ctx, a.Org.ID, end[1]); errors.Is(err, isms.ErrNotFound) {
				v.Add(end[0], "is not an asset of this organisation")
			} else if err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		var err error
		out, err = tx.AddAssetRelation(ctx, isms.AssetRelation{OrgID: a.Org.ID, FromID: in.FromID, ToID: in.ToID, Kind: kind})
		if errors.Is(err, isms.ErrConflict) {
			return &isms.ConflictError{Field: "kind", Detail: "these assets are already related that way"}
		}
		return err
	})
	return out, err
}

func relationNames() string {
	names := make([]string, len(isms.RelationKinds))
	for i, k := range isms.RelationKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// RemoveAssetRelation unlinks two assets.
func (s *Service) RemoveAssetRelation(ctx context.Context, a Access, id string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		return tx.RemoveAssetRelation(ctx, a.Org.ID, id)
	})
}

// AssetGraph is an asset with its neighbourhood: the assets related to
// it within a number of steps, and the relations between them.
type AssetGraph struct {
	Center    string
	Assets    []store.StoredAsset
	Relations []isms.AssetRelation
}

// maxGraphAssets bounds a neighbourhood beyond the asset's own neighbours
// so that a hub asset (a cluster everything runs on) still draws a
// readable graph.
const maxGraphAssets = 60

// AssetGraph returns the neighbourhood of an asset, up to depth steps.
func (s *Service) AssetGraph(ctx context.Context, a Access, id string, depth int) (AssetGraph, error) {
	if err := a.require(isms.PermRead); err != nil {
		return AssetGraph{}, err
	}
	if _, err := s.db.Asset(ctx, a.Org.ID, id); err != nil {
		return AssetGraph{}, err
	}
	g := AssetGraph{Center: id}
	seen := map[string]bool{id: true}
	seenRel := map[string]bool{}
	frontier := []string{id}
	for step := 0; step < depth && len(frontier) > 0 && (step == 0 || len(seen) < maxGraphAssets); step++ {
		rels, err := s.db.AssetRelations(ctx, a.Org.ID, frontier)
		if err != nil {
			return g, err
		}
		frontier = nil
		for _, rel := range rels {
			if seenRel[rel.ID] {
				continue
			}
			for _, end := range []string{rel.FromID, rel.ToID} {
				// The centre's own neighbours are all there, so the graph
				// lists every relation of the asset; further steps stop at
				// the bound.
				if !seen[end] && (step == 0 || len(seen) < maxGraphAssets) {
					seen[end] = true
					frontier = append(frontier, end)
				}
			}
			if seen[rel.FromID] && seen[rel.ToID] {
				seenRel[rel.ID] = true
				g.Relations = append(g.Relations, rel)
			}
		}
	}
	ids := make([]string, 0, len(seen))
	for k := range seen {
		ids = append(ids, k)
	}
	var err error
	g.Assets, err = s.db.AssetsByID(ctx, a.Org.ID, ids)
	return g, err
}
