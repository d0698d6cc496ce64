package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
)

const assetColumns = `a.id, a.org_id, a.name, a.type, a.description, a.owner_id, a.custodian_id, a.classification,
	a.confidentiality, a.integrity, a.availability, a.location, a.lifecycle, a.disposal_date, a.disposal_method,
	a.tags, a.attributes, a.model_card, a.source_key, a.created_at, a.updated_at`

// StoredAsset is an asset with the fields only the store holds.
type StoredAsset struct {
	isms.Asset
	ModelCard string
}

func scanAsset(row interface{ Scan(...any) error }) (StoredAsset, error) {
	var (
		a                  StoredAsset
		owner, custodian   *string
		disposal           nullTime
		tags, attrs, atype string
		lifecycle          string
	)
	err := row.Scan(&a.ID, &a.OrgID, &a.Name, &atype, &a.Description, &owner, &custodian, &a.Classification,
		&a.Confidentiality, &a.Integrity, &a.Availability, &a.Location, &lifecycle, &disposal, &a.DisposalMethod,
		&tags, &attrs, &a.ModelCard, &a.SourceKey, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.Type, a.Lifecycle = isms.AssetType(atype), isms.Lifecycle(lifecycle)
	a.OwnerID, a.CustodianID = deref(owner), deref(custodian)
	a.DisposalDate = disposal.ptr()
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	if tags != "" {
		if err := json.Unmarshal([]byte(tags), &a.Tags); err != nil {
			return a, fmt.Errorf("asset %s tags: %w", a.ID, err)
		}
	}
	a.Attributes = map[string]string{}
	if err := json.Unmarshal([]byte(attrs), &a.Attributes); err != nil {
		return a, fmt.Errorf("asset %s attributes: %w", a.ID, err)
	}
	return a, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// assetValues are the column values of an asset after the id.
func assetValues(a StoredAsset) ([]any, error) {
	tags := ""
	if len(a.Tags) > 0 {
		b, err := json.Marshal(a.Tags)
		if err != nil {
			return nil, err
		}
		tags = string(b)
	}
	attrs := a.Attributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	// encoding/json sorts map keys, so the stored text, and the ledger
	// entry holding it, is the same for the same attributes.
	ab, err := json.Marshal(attrs)
	if err != nil {
		return nil, err
	}
	return []any{a.Name, string(a.Type), a.Description, nullString(a.OwnerID), nullString(a.CustodianID), a.Classification,
		a.Confidentiality, a.Integrity, a.Availability, a.Location, string(a.Lifecycle), a.DisposalDate, a.DisposalMethod,
		tags, string(ab), a.ModelCard, a.SourceKey}, nil
}

// CreateAsset adds an asset.
func (tx *Tx) CreateAsset(ctx context.Context, a StoredAsset) (StoredAsset, error) {
	a.ID = NewID()
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	vals, err := assetValues(a)
	if err != nil {
		return a, fmt.Errorf("create asset: %w", err)
	}
	args := append(append([]any{a.ID, a.OrgID}, vals...), a.CreatedAt, a.UpdatedAt)
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO assets (id, org_id, name, type, description, owner_id, custodian_id, classification,
		confidentiality, integrity, availability, location, lifecycle, disposal_date, disposal_method, tags, attributes, model_card,
		source_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
		$19, $20, $21)`, args...)
	if err != nil {
		return a, conflict(err, "create asset "+a.Name)
	}
	if err := tx.setAssetTags(ctx, a); err != nil {
		return a, err
	}
	return a, tx.record(ctx, RecordAsset, a.ID, ledger.ActionCreate)
}

// UpdateAsset replaces an asset's fields.
func (tx *Tx) UpdateAsset(ctx context.Context, a StoredAsset) (StoredAsset, error) {
	a.UpdatedAt = tx.now
	vals, err := assetValues(a)
	if err != nil {
		return a, fmt.Errorf("update asset: %w", err)
	}
	args := append(append([]any{a.OrgID, a.ID}, vals...), a.UpdatedAt)
	res, err := tx.tx.ExecContext(ctx, `UPDATE assets SET name = $3, type = $4, description = $5, owner_id = $6, custodian_id = $7,
		classification = $8, confidentiality = $9, integrity = $10, availability = $11, location = $12, lifecycle = $13,
		disposal_date = $14, disposal_method = $15, tags = $16, attributes = $17, model_card = $18, source_key = $19, updated_at = $20
		WHERE org_id = $1 AND id = $2`, args...)
	if err := mustAffect(res, err, "update asset "+a.ID); err != nil {
		return a, conflictOr(err)
	}
	if err := tx.setAssetTags(ctx, a); err != nil {
		return a, err
	}
	return a, tx.record(ctx, RecordAsset, a.ID, ledger.ActionUpdate)
}

func conflictOr(err error) error {
	if c := conflict(err, "asset"); c != nil && strings.Contains(c.Error(), isms.ErrConflict.Error()) {
		return c
	}
	return err
}

func (tx *Tx) setAssetTags(ctx context.Context, a StoredAsset) error {
	if err := tx.setAssetIdentities(ctx, a); err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM asset_tags WHERE asset_id = $1`, a.ID); err != nil {
		return fmt.Errorf("asset tags: %w", err)
	}
	for _, t := range a.Tags {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO asset_tags (org_id, tag, asset_id) VALUES ($1, $2, $3)`, a.OrgID, t, a.ID); err != nil {
			return fmt.Errorf("asset tags: %w", err)
		}
	}
	return nil
}

// setAssetIdentities keeps the asset's host identities, lowercased, where
// scan imports look them up.
func (tx *Tx) setAssetIdentities(ctx context.Context, a StoredAsset) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM asset_identities WHERE asset_id = $1`, a.ID); err != nil {
		return fmt.Errorf("asset identities: %w", err)
	}
	for _, kind := range isms.HostIdentityKeys {
		seen := map[string]bool{}
		for _, v := range strings.Split(a.Attributes[kind], ",") {
			v = strings.ToLower(strings.TrimSpace(v))
			if v == "" || seen[v] {
				continue
			}
			seen[v] = true
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO asset_identities (org_id, kind, value, asset_id) VALUES ($1, $2, $3, $4)`,
				a.OrgID, kind, v, a.ID); err != nil {
				return fmt.Errorf("asset identities: %w", err)
			}
		}
	}
	return nil
}

// DeleteAsset removes an asset that nothing refers to any more.
func (tx *Tx) DeleteAsset(ctx context.Context, orgID, id string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM asset_identities WHERE asset_id = $1`, id); err != nil {
		return fmt.Errorf("delete asset identities: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM asset_tags WHERE asset_id = $1`, id); err != nil {
		return fmt.Errorf("delete asset tags: %w", err)
	}
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM assets WHERE org_id = $1 AND id = $2`, orgID, id)
	if err := mustAffect(res, err, "delete asset "+id); err != nil {
		return err
	}
	return tx.recordDeletion(ctx, orgID, RecordAsset, id)
}

// Asset returns an organisation's asset.
func (r Reads) Asset(ctx context.Context, orgID, id string) (StoredAsset, error) {
	a, err := scanAsset(r.q.QueryRowContext(ctx, `SELECT `+assetColumns+` FROM assets a WHERE a.org_id = $1 AND a.id = $2`, orgID, id))
	if err != nil {
		return a, notFound(err, "asset "+id)
	}
	return a, nil
}

// AssetBySourceKey finds the asset an earlier import made from the same
// source entry.
func (r Reads) AssetBySourceKey(ctx context.Context, orgID, key string) (StoredAsset, error) {
	a, err := scanAsset(r.q.QueryRowContext(ctx, `SELECT `+assetColumns+` FROM assets a WHERE a.org_id = $1 AND a.source_key = $2`, orgID, key))
	if err != nil {
		return a, notFound(err, "asset with source key "+key)
	}
	return a, nil
}

// AssetLabel is what a page shows of an asset it only names.
type AssetLabel struct {
	ID   string
	Name string
	Type isms.AssetType
}

// AssetLabelsByName returns the organisation's assets named any of names,
// which an import resolves names with; a name may belong to several.
func (r Reads) AssetLabelsByName(ctx context.Context, orgID string, names []string) ([]AssetLabel, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	w.in("name", names)
	rows, err := r.q.QueryContext(ctx, `SELECT id, name, type FROM assets WHERE `+w.sql()+` ORDER BY name, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("assets by name: %w", err)
	}
	defer rows.Close()
	var out []AssetLabel
	for rows.Next() {
		var l AssetLabel
		var typ string
		if err := rows.Scan(&l.ID, &l.Name, &typ); err != nil {
			return nil, fmt.Errorf("assets by name: %w", err)
		}
		l.Type = isms.AssetType(typ)
		out = append(out, l)
	}
	return out, rows.Err()
}

// AssetLabels names the organisation's assets among ids, or, when ids is
// nil, its first limit assets by name.
func (r Reads) AssetLabels(ctx context.Context, orgID string, ids []string, limit int) ([]AssetLabel, error) {
	w := newWhere()
	w.add("org_id = $%d", orgID)
	if ids != nil {
		w.in("id", ids)
	}
	q := `SELECT id, name, type FROM assets WHERE ` + w.sql() + ` ORDER BY name, id`
	if ids == nil {
		q += ` LIMIT ` + w.arg(limit)
	}
	rows, err := r.q.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("asset names: %w", err)
	}
	defer rows.Close()
	var out []AssetLabel
	for rows.Next() {
		var l AssetLabel
		var typ string
		if err := rows.Scan(&l.ID, &l.Name, &typ); err != nil {
			return nil, fmt.Errorf("asset names: %w", err)
		}
		l.Type = isms.AssetType(typ)
		out = append(out, l)
	}
	return out, rows.Err()
}

// AssetsByID returns the organisation's assets with the given ids.
func (r Reads) AssetsByID(ctx context.Context, orgID string, ids []string) ([]StoredAsset, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	w := newWhere()
	w.add("a.org_id = $%d", orgID)
	w.in("a.id", ids)
	rows, err := r.q.QueryContext(ctx, `SELECT `+assetColumns+` FROM assets a WHERE `+w.sql()+` ORDER BY a.name, a.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("assets by id: %w", err)
	}
	return collectAssets(rows)
}

func collectAssets(rows rowsScanner) ([]StoredAsset, error) {
	defer rows.Close()
	var out []StoredAsset
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, fmt.Errorf("read assets: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// assetWhere builds the conditions of an asset filter.
func (r Reads) assetWhere(orgID string, f isms.AssetFilter) *where {
	w := newWhere()
	w.add("a.org_id = $%d", orgID)
	if f.Type != "" {
		w.add("a.type = $%d", string(f.Type))
	}
	if f.OwnerID != "" {
		w.add("a.owner_id = $%d", f.OwnerID)
	}
	if f.Classification != "" {
		w.add("a.classification = $%d", f.Classification)
	}
	if f.Lifecycle != "" {
		w.add("a.lifecycle = $%d", string(f.Lifecycle))
	}
	if f.Tag != "" {
		w.add("a.id IN (SELECT asset_id FROM asset_tags WHERE org_id = a.org_id AND tag = $%d)", strings.ToLower(f.Tag))
	}
	if f.Query != "" {
		w.add(r.contains("a.name", 1), likePattern(f.Query))
	}
	return w
}

// ListAssets returns a page of assets by name; the cursor is the name and
// id of the last asset of the previous page.
func (r Reads) ListAssets(ctx context.Context, orgID string, f isms.AssetFilter, afterName, afterID string) ([]StoredAsset, error) {
	w := r.assetWhere(orgID, f)
	if afterID != "" {
		w.add("(a.name > $%[1]d OR (a.name = $%[1]d AND a.id > $%[2]d))", afterName, afterID)
	}
	limit := w.arg(clampLimit(f.Limit))
	rows, err := r.q.QueryContext(ctx, `SELECT `+assetColumns+` FROM assets a WHERE `+w.sql()+` ORDER BY a.name, a.id LIMIT `+limit, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list assets: %w", err)
	}
	return collectAssets(rows)
}

// CountAssets counts the assets a filter selects.
func (r Reads) CountAssets(ctx context.Context, orgID string, f isms.AssetFilter) (int, error) {
	w := r.assetWhere(orgID, f)
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM assets a WHERE `+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count assets: %w", err)
	}
	return n, nil
}

const relationColumns = `id, org_id, from_id, to_id, kind, created_at`

func scanRelation(row interface{ Scan(...any) error }) (isms.AssetRelation, error) {
	var (
		rel  isms.AssetRelation
		kind string
	)
	err := row.Scan(&rel.ID, &rel.OrgID, &rel.FromID, &rel.ToID, &kind, &rel.CreatedAt)
	rel.Kind = isms.RelationKind(kind)
	rel.CreatedAt = rel.CreatedAt.UTC()
	return rel, err
}

// AddAssetRelation links two assets.
func (tx *Tx) AddAssetRelation(ctx context.Context, rel isms.AssetRelation) (isms.AssetRelation, error) {
	rel.ID = NewID()
	rel.CreatedAt = tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO asset_relations (`+relationColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		rel.ID, rel.OrgID, rel.FromID, rel.ToID, string(rel.Kind), rel.CreatedAt)
	if err != nil {
		return rel, conflict(err, "relate assets")
	}
	return rel, tx.record(ctx, RecordAssetRelation, rel.ID, ledger.ActionCreate)
}

// RemoveAssetRelation unlinks two assets.
func (tx *Tx) RemoveAssetRelation(ctx context.Context, orgID, id string) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM asset_relations WHERE org_id = $1 AND id = $2`, orgID, id)
	if err := mustAffect(res, err, "remove asset relation "+id); err != nil {
		return err
	}
	return tx.recordDeletion(ctx, orgID, RecordAssetRelation, id)
}

// AssetRelations returns the relations from and to the given assets.
func (r Reads) AssetRelations(ctx context.Context, orgID string, assetIDs []string) ([]isms.AssetRelation, error) {
	if len(assetIDs) == 0 {
		return nil, nil
	}
	w := newWhere()
	w.add("org_id = $%d", orgID)
	ids := w.list(assetIDs)
	rows, err := r.q.QueryContext(ctx, `SELECT `+relationColumns+` FROM asset_relations WHERE `+w.sql()+
		` AND (from_id IN `+ids+` OR to_id IN `+ids+`) ORDER BY created_at, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("asset relations: %w", err)
	}
	return collectRelations(rows)
}

// OrgAssetRelations returns every relation of an organisation's assets.
func (r Reads) OrgAssetRelations(ctx context.Context, orgID string) ([]isms.AssetRelation, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+relationColumns+` FROM asset_relations WHERE org_id = $1 ORDER BY created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("asset relations: %w", err)
	}
	return collectRelations(rows)
}

func collectRelations(rows rowsScanner) ([]isms.AssetRelation, error) {
	defer rows.Close()
	var out []isms.AssetRelation
	for rows.Next() {
		rel, err := scanRelation(rows)
		if err != nil {
			return nil, fmt.Errorf("asset relations: %w", err)
		}
		out = append(out, rel)
	}
	return out, rows.Err()
}

// AssetRelation returns one relation.
func (r Reads) AssetRelation(ctx context.Context, orgID, id string) (isms.AssetRelation, error) {
	rel, err := scanRelation(r.q.QueryRowContext(ctx, `SELECT `+relationColumns+` FROM asset_relations WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return rel, notFound(err, "asset relation "+id)
	}
	return rel, nil
}

// Classifications returns the organisation's classification scheme, or
// the default when it has set none.
func (r Reads) Classifications(ctx context.Context, orgID string) ([]string, error) {
	var raw string
	err := r.q.QueryRowContext(ctx, `SELECT classifications FROM org_settings WHERE id = $1`, orgID).Scan(&raw)
	if errNoRows(err) {
		return isms.DefaultClassifications, nil
	}
	if err != nil {
		return nil, fmt.Errorf("classifications: %w", err)
	}
	var out []string
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, fmt.Errorf("classifications: %w", err)
	}
	return out, nil
}

// SetClassifications records the organisation's classification scheme.
func (tx *Tx) SetClassifications(ctx context.Context, orgID string, levels []string) error {
	b, err := json.Marshal(levels)
	if err != nil {
		return err
	}
	res, err := tx.tx.ExecContext(ctx, `UPDATE org_settings SET classifications = $2, updated_at = $3 WHERE id = $1`, orgID, string(b), tx.now)
	if err != nil {
		return fmt.Errorf("set classifications: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return tx.record(ctx, RecordOrgSettings, orgID, ledger.ActionUpdate)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO org_settings (id, org_id, classifications, updated_at) VALUES ($1, $1, $2, $3)`,
		orgID, string(b), tx.now); err != nil {
		return fmt.Errorf("set classifications: %w", err)
	}
	return tx.record(ctx, RecordOrgSettings, orgID, ledger.ActionCreate)
}

// CountOwnedBy counts the assets, risks, open actions and obligations a
// membership owns or looks after, which must be handed over before the
// member leaves.
func (r Reads) CountOwnedBy(ctx context.Context, orgID, memberID string) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM assets WHERE org_id = $1 AND (owner_id = $2 OR custodian_id = $2)) +
		(SELECT COUNT(*) FROM risks WHERE org_id = $1 AND owner_id = $2) +
		(SELECT COUNT(*) FROM risk_actions WHERE org_id = $1 AND owner_id = $2 AND status = 'open') +
		(SELECT COUNT(*) FROM obligations WHERE org_id = $1 AND owner_id = $2)`, orgID, memberID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count what a member owns: %w", err)
	}
	return n, nil
}

// rowsScanner is *sql.Rows, named for the helpers that read it.
type rowsScanner interface {
	Next() bool
	Scan(...any) error
	Close() error
	Err() error
}

// timeArg passes an optional time as a parameter.
func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
