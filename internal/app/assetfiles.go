package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/isms-dev/isms/internal/aibom"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/report"
	"github.com/isms-dev/isms/internal/store"
)

// Asset file formats, as the CLI's --format and the API's format name
// them; empty means: tell from the content.
const (
	AssetFormatCSV       = "csv"
	AssetFormatCycloneDX = "cyclonedx"
	AssetFormatHF        = "hf"
	AssetFormatSPDX      = "spdx"
)

// AssetFormats lists the formats an import may name.
var AssetFormats = []string{AssetFormatCSV, AssetFormatCycloneDX, AssetFormatHF, AssetFormatSPDX}

// formatsOf maps a named format to what the parsers report.
var formatsOf = map[string][]string{
	AssetFormatCSV:       {aibom.FormatCSV},
	AssetFormatCycloneDX: {aibom.FormatCycloneDXJSON, aibom.FormatCycloneDXXML},
	AssetFormatHF:        {aibom.FormatModelCard, aibom.FormatDatasetCard},
	AssetFormatSPDX:      {aibom.FormatSPDX3},
}

// AssetFile is an uploaded asset file.
type AssetFile struct {
	Name   string
	Format string
	Data   []byte
}

// AssetImport is the outcome of an import.
type AssetImport struct {
	// Format is what the file turned out to be (aibom.Format…).
	Format    string
	Created   int
	Updated   int
	Unchanged int
	// Relations counts the relations added; Unresolved those whose
	// target is in neither the file nor the inventory.
	Relations  int
	Unresolved int
	Warnings   []string
	// Assets are the assets of the file as stored (as they would be, on
	// a dry run, where assets that would be new have no id), in the
	// file's order.
	Assets []store.StoredAsset
	DryRun bool
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

func parseAssetFile(in AssetFile) (aibom.Result, error) {
	if in.Format != "" && !slices.Contains(AssetFormats, in.Format) {
		return aibom.Result{}, isms.Invalid("format", "%q is not an asset file format; use one of %s", in.Format, strings.Join(AssetFormats, ", "))
	}
	res, err := aibom.Parse(in.Name, in.Data)
	if err != nil {
		return res, err
	}
	if in.Format != "" && !slices.Contains(formatsOf[in.Format], res.Format) {
		return res, aibom.Problems{{File: in.Name, Message: fmt.Sprintf("the file is %s, not %s", res.Format, in.Format)}}
	}
	return res, nil
}

// ImportAssets adds the assets a file describes to the inventory, or
// updates those an earlier import of the same source made, then links
// them as the file relates them. The import is whole or not at all: any
// problem leaves the inventory as it was. A dry run checks everything and
// reports what would happen without keeping it.
func (s *Service) ImportAssets(ctx context.Context, a Access, in AssetFile, dryRun bool) (AssetImport, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return AssetImport{}, err
	}
	res, err := parseAssetFile(in)
	if err != nil {
		return AssetImport{}, err
	}
	members, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return AssetImport{}, err
	}
	byEmail := map[string]isms.Member{}
	for _, m := range members {
		if m.Active(s.now()) {
			byEmail[strings.ToLower(m.Email)] = m
		}
	}
	var out AssetImport
	var fresh []bool // by index in out.Assets: made by this import
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		out = AssetImport{Format: res.Format, Warnings: res.Warnings, DryRun: dryRun}
		fresh = nil
		classes, err := tx.Classifications(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		var problems aibom.Problems
		ids := map[string]string{}
		for _, x := range res.Assets {
			current, err := tx.AssetBySourceKey(ctx, a.Org.ID, x.Key)
			isNew := errors.Is(err, isms.ErrNotFound)
			if err != nil && !isNew {
				return err
			}
			next := cloneAsset(current)
			if isNew {
				next = store.StoredAsset{Asset: isms.Asset{OrgID: a.Org.ID, SourceKey: x.Key}}
			}
			fieldProblems := applyImported(&next, x, byEmail)
			if err := next.Validate(classes); err != nil {
				fieldProblems = append(fieldProblems, isms.FieldErrors(err)...)
			}
			for _, fe := range fieldProblems {
				problems = append(problems, aibom.Problem{File: in.Name, Line: x.Line, Field: fe.Field, Message: fe.Detail})
			}
			if len(fieldProblems) > 0 {
				continue
			}
			switch {
			case isNew:
				next, err = tx.CreateAsset(ctx, next)
				out.Created++
			case reflect.DeepEqual(current, next):
				out.Unchanged++
			default:
				next, err = tx.UpdateAsset(ctx, next)
				out.Updated++
			}
			if err != nil {
				return err
			}
			ids[x.Key] = next.ID
			out.Assets = append(out.Assets, next)
			fresh = append(fresh, isNew)
		}
		if len(problems) > 0 {
			return problems
		}
		if err := s.linkImported(ctx, tx, a, res, ids, &out); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if err == nil && out.Created >= 1000 {
		// A large import changes what the planner should know.
		if oerr := s.db.Optimize(ctx); oerr != nil {
			s.log.WarnContext(ctx, "refresh database statistics after an import", "err", oerr)
		}
	}
	if errors.Is(err, errDryRun) {
		// The new assets of a dry run were never kept, nor their ids.
		for i := range out.Assets {
			if fresh[i] {
				out.Assets[i].ID = ""
			}
		}
		err = nil
	}
	return out, err
}

func cloneAsset(a store.StoredAsset) store.StoredAsset {
	a.Tags = slices.Clone(a.Tags)
	a.Attributes = maps.Clone(a.Attributes)
	return a
}

// applyImported sets what a file says about an asset. Descriptive fields
// follow the file; tags and attributes the organisation added stay. Who
// owns the asset and how it is classified follow the file only when it
// says so (the isms CSV); BOMs and cards leave them alone.
func applyImported(next *store.StoredAsset, x aibom.Asset, byEmail map[string]isms.Member) []isms.FieldError {
	var problems []isms.FieldError
	if next.Type != x.Type {
		next.Attributes = nil
	}
	next.Name, next.Type = x.Name, x.Type
	if x.Description != "" {
		next.Description = x.Description
	}
	if x.ModelCard != "" {
		next.ModelCard = x.ModelCard
	}
	if next.Attributes == nil {
		next.Attributes = map[string]string{}
	}
	maps.Copy(next.Attributes, x.Attributes)
	for _, t := range x.Tags {
		if !slices.Contains(next.Tags, t) {
			next.Tags = append(next.Tags, t)
		}
	}
	g := x.Governance
	if g == nil {
		return nil
	}
	member := func(field, email string) string {
		if email == "" {
			return ""
		}
		m, ok := byEmail[strings.ToLower(email)]
		if !ok {
			problems = append(problems, isms.FieldError{Field: field, Detail: fmt.Sprintf("%s is not a member of this organisation", email)})
		}
		return m.ID
	}
	next.OwnerID = member("owner", g.Owner)
	next.CustodianID = member("custodian", g.Custodian)
	next.Classification = g.Classification
	next.Confidentiality, next.Integrity, next.Availability = g.Confidentiality, g.Integrity, g.Availability
	next.Location = g.Location
	if g.Lifecycle != "" {
		next.Lifecycle = g.Lifecycle
	}
	next.DisposalDate, next.DisposalMethod = nil, g.DisposalMethod
	if !g.DisposalDate.IsZero() {
		d := g.DisposalDate
		next.DisposalDate = &d
	}
	return problems
}

// linkImported adds the relations of a file whose two ends are known.
func (s *Service) linkImported(ctx context.Context, tx *store.Tx, a Access, res aibom.Result, ids map[string]string, out *AssetImport) error {
	resolve := func(key string) (string, error) {
		if id, ok := ids[key]; ok {
			return id, nil
		}
		other, err := tx.AssetBySourceKey(ctx, a.Org.ID, key)
		if errors.Is(err, isms.ErrNotFound) {
			return "", nil
		}
		ids[key] = other.ID
		return other.ID, err
	}
	for _, x := range res.Assets {
		from := ids[x.Key]
		if len(x.Relations) == 0 {
			continue
		}
		existing, err := tx.AssetRelations(ctx, a.Org.ID, []string{from})
		if err != nil {
			return err
		}
		for _, rel := range x.Relations {
			to, err := resolve(rel.TargetKey)
			if err != nil {
				return err
			}
			if to == "" || to == from {
				out.Unresolved++
				out.Warnings = append(out.Warnings, fmt.Sprintf("%s %s %s: %s is not in the file or the inventory; import it and this import again to link them",
					x.Name, rel.Kind.Label(), rel.TargetKey, rel.TargetKey))
				continue
			}
			if slices.ContainsFunc(existing, func(r isms.AssetRelation) bool { return r.FromID == from && r.ToID == to && r.Kind == rel.Kind }) {
				continue
			}
			added, err := tx.AddAssetRelation(ctx, isms.AssetRelation{OrgID: a.Org.ID, FromID: from, ToID: to, Kind: rel.Kind})
			if err != nil {
				return err
			}
			existing = append(existing, added)
			out.Relations++
		}
	}
	return nil
}

// AssetCSVTemplate is the CSV layout with two example rows.
func AssetCSVTemplate() []byte { return aibom.CSVTemplate() }

// inventory reads the whole inventory a filter selects with the relations
// among it, page by page.
func (s *Service) inventory(ctx context.Context, a Access, f isms.AssetFilter) ([]store.StoredAsset, []isms.AssetRelation, map[string]isms.Member, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, nil, nil, err
	}
	if err := checkAssetFilter(f); err != nil {
		return nil, nil, nil, err
	}
	var all []store.StoredAsset
	name, id := "", ""
	for {
		f.Limit = store.MaxLimit
		batch, err := s.db.ListAssets(ctx, a.Org.ID, f, name, id)
		if err != nil {
			return nil, nil, nil, err
		}
		all = append(all, batch...)
		if len(batch) < store.MaxLimit {
			break
		}
		last := batch[len(batch)-1]
		name, id = last.Name, last.ID
	}
	rels, err := s.db.OrgAssetRelations(ctx, a.Org.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	list, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	members := map[string]isms.Member{}
	for _, m := range list {
		members[m.ID] = m
	}
	return all, rels, members, nil
}

// exportKey is how an export names an asset for relations and re-import:
// its source key, or its id.
func exportKey(x store.StoredAsset) string {
	if x.SourceKey != "" {
		return x.SourceKey
	}
	return x.ID
}

// ExportAssetsCSV writes the inventory in the isms asset CSV layout,
// which ImportAssets reads back.
func (s *Service) ExportAssetsCSV(ctx context.Context, a Access, f isms.AssetFilter, w io.Writer) error {
	assets, rels, members, err := s.inventory(ctx, a, f)
	if err != nil {
		return err
	}
	keys := map[string]string{}
	for _, x := range assets {
		keys[x.ID] = exportKey(x)
	}
	out := map[string][]aibom.Relation{}
	for _, r := range rels {
		if to, ok := keys[r.ToID]; ok {
			out[r.FromID] = append(out[r.FromID], aibom.Relation{Kind: r.Kind, TargetKey: to})
		}
	}
	rows := make([]aibom.CSVRow, 0, len(assets))
	for _, x := range assets {
		g := aibom.Governance{Owner: members[x.OwnerID].Email, Custodian: members[x.CustodianID].Email, Classification: x.Classification,
			Confidentiality: x.Confidentiality, Integrity: x.Integrity, Availability: x.Availability, Location: x.Location,
			Lifecycle: x.Lifecycle, DisposalMethod: x.DisposalMethod}
		if x.DisposalDate != nil {
			g.DisposalDate = *x.DisposalDate
		}
		rows = append(rows, aibom.CSVRow{Key: exportKey(x), Name: x.Name, Type: x.Type, Description: x.Description, Governance: g,
			Tags: x.Tags, Attributes: x.Attributes, Relations: out[x.ID]})
	}
	return aibom.WriteCSV(w, rows)
}

// ExportAssetsXLSX writes the inventory as a spreadsheet.
func (s *Service) ExportAssetsXLSX(ctx context.Context, a Access, f isms.AssetFilter, w io.Writer) error {
	assets, rels, members, err := s.inventory(ctx, a, f)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, x := range assets {
		names[x.ID] = x.Name
	}
	described := map[string][]string{}
	for _, r := range rels {
		if to, ok := names[r.ToID]; ok {
			described[r.FromID] = append(described[r.FromID], r.Kind.Label()+" "+to)
		}
	}
	rows := make([]report.Asset, 0, len(assets))
	for _, x := range assets {
		rows = append(rows, report.Asset{Name: x.Name, Type: x.Type.Label(), Owner: members[x.OwnerID].Name, Custodian: members[x.CustodianID].Name,
			Classification: x.Classification, Confidentiality: x.Confidentiality, Integrity: x.Integrity, Availability: x.Availability,
			Location: x.Location, Lifecycle: string(x.Lifecycle), Tags: x.Tags, Attributes: x.Attributes, Relations: described[x.ID]})
	}
	return report.AssetsXLSX(w, a.Org.Name, s.now(), rows)
}
