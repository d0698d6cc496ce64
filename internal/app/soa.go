package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/report"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// SoAFrameworks lists the frameworks the organisation runs that have
// controls to state applicability for, 27001:2022 first.
func (s *Service) SoAFrameworks(ctx context.Context, a Access) ([]FrameworkView, error) {
	views, _, err := s.views(ctx, a)
	if err != nil {
		return nil, err
	}
	var out []FrameworkView
	for _, v := range views {
		if v.Enabled && v.Kind == framework.KindStandard && len(soa.Controls(v.Framework)) > 0 {
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(x, y FrameworkView) int {
		if (x.ID == framework.ISO27001v2022) != (y.ID == framework.ISO27001v2022) {
			if x.ID == framework.ISO27001v2022 {
				return -1
			}
			return 1
		}
		return strings.Compare(x.ID, y.ID)
	})
	return out, nil
}

// soaFramework returns a framework the organisation runs a statement for.
func (s *Service) soaFramework(ctx context.Context, a Access, id string) (*framework.Framework, *framework.Library, error) {
	fws, err := s.SoAFrameworks(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	for _, v := range fws {
		if v.ID == id {
			c, err := s.library(ctx, a.Org.ID)
			return v.Framework, c.lib, err
		}
	}
	return nil, nil, fmt.Errorf("statement of applicability for %q: the organisation does not run it: %w", id, isms.ErrNotFound)
}

// soaReads is what a statement is read from: the store outside or inside
// a transaction.
type soaReads interface {
	Controls(ctx context.Context, orgID, prefix string) ([]isms.Control, error)
	ControlReasons(ctx context.Context, orgID string) (map[string][]isms.ControlReason, error)
	RiskSelections(ctx context.Context, orgID string) ([]store.Selection, error)
	ObligationRequirements(ctx context.Context, orgID string) ([]store.Requirement, error)
	EvidenceOf(ctx context.Context, orgID string, target isms.EvidenceTarget) (map[string][]isms.Evidence, error)
	AllMembers(ctx context.Context, orgID string) ([]isms.Member, error)
	SoAVersions(ctx context.Context, orgID, fw string) ([]store.SoAVersion, error)
}

// buildSoA makes the draft statement from the records as they are.
func (s *Service) buildSoA(ctx context.Context, r soaReads, a Access, fw *framework.Framework, lib *framework.Library) (soa.Document, error) {
	records, err := r.Controls(ctx, a.Org.ID, "")
	if err != nil {
		return soa.Document{}, err
	}
	in := soa.Input{Org: a.Org, Framework: fw, Library: lib, Controls: map[string]isms.Control{}, Now: s.now(),
		Owners: map[string]string{}}
	for _, c := range records {
		in.Controls[c.Control] = c
		if c.IsCustom() {
			in.Custom = append(in.Custom, c)
		}
	}
	if in.Reasons, err = r.ControlReasons(ctx, a.Org.ID); err != nil {
		return soa.Document{}, err
	}
	sels, err := r.RiskSelections(ctx, a.Org.ID)
	if err != nil {
		return soa.Document{}, err
	}
	for _, sel := range sels {
		ref := fmt.Sprintf("R-%03d", sel.RefNum)
		in.Selections = append(in.Selections, soa.Selection{Control: sel.Control, RiskRef: ref, Title: sel.Title,
			URL: "/o/" + a.Org.Slug + "/risks/" + ref})
	}
	reqs, err := r.ObligationRequirements(ctx, a.Org.ID)
	if err != nil {
		return soa.Document{}, err
	}
	for _, q := range reqs {
		// The title carries the reference, so every export and page that
		// lists a reason by its title cites the obligation.
		ref := isms.FormatObligationRef(q.RefNum)
		in.Requirements = append(in.Requirements, soa.Requirement{Control: q.Control, Kind: q.Kind.Reason(),
			Ref: ref, Title: ref + " " + q.Title, URL: obligationURL(a.Org.Slug, q.ObligationID)})
	}
	if in.Evidence, err = r.EvidenceOf(ctx, a.Org.ID, isms.TargetControl); err != nil {
		return soa.Document{}, err
	}
	members, err := r.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return soa.Document{}, err
	}
	for _, m := range members {
		in.Owners[m.ID] = m.Name
	}
	doc := soa.Build(in)
	versions, err := r.SoAVersions(ctx, a.Org.ID, fw.ID)
	if err != nil {
		return soa.Document{}, err
	}
	doc.History = history(versions)
	return doc, nil
}

func history(versions []store.SoAVersion) []soa.VersionInfo {
	out := make([]soa.VersionInfo, 0, len(versions))
	for _, v := range slices.Backward(versions) {
		out = append(out, soa.VersionInfo{Version: v.Number, ApprovedBy: v.Approver, ApprovedAt: v.CreatedAt, Note: v.Note,
			ContentHash: v.ContentHash})
	}
	return out
}

// SoA returns a framework's statement: version 0 is the draft as the
// records stand now, any other number an approved, frozen version.
func (s *Service) SoA(ctx context.Context, a Access, fwID string, version int) (soa.Document, error) {
	if err := a.require(isms.PermRead); err != nil {
		return soa.Document{}, err
	}
	fw, lib, err := s.soaFramework(ctx, a, fwID)
	if err != nil {
		return soa.Document{}, err
	}
	if version == 0 {
		return s.buildSoA(ctx, s.db.Reads, a, fw, lib)
	}
	v, err := s.db.SoAVersion(ctx, a.Org.ID, fw.ID, version)
	if err != nil {
		return soa.Document{}, err
	}
	if sum := sha256.Sum256(v.Content); hex.EncodeToString(sum[:]) != v.ContentHash {
		return soa.Document{}, fmt.Errorf("statement of applicability version %d: its content no longer matches the hash recorded at approval", version)
	}
	doc, err := soa.Decode(v.Content)
	if err != nil {
		return soa.Document{}, fmt.Errorf("statement of applicability version %d: %w", version, err)
	}
	return doc, nil
}

// SoAVersions lists a framework's approved statements, newest first.
func (s *Service) SoAVersions(ctx context.Context, a Access, fwID string) ([]store.SoAVersion, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	if _, _, err := s.soaFramework(ctx, a, fwID); err != nil {
		return nil, err
	}
	return s.db.SoAVersions(ctx, a.Org.ID, fwID)
}

// ApproveSoA freezes the draft statement as the next numbered version,
// with the approver, the date and the content's hash in the ledger. A
// statement that leaves a control undecided, or excludes one that a risk
// treatment selects, cannot be approved: it would not be a statement of
// applicability.
func (s *Service) ApproveSoA(ctx context.Context, a Access, fwID, note string) (store.SoAVersion, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return store.SoAVersion{}, err
	}
	if len([]rune(note)) > 2000 {
		return store.SoAVersion{}, isms.Invalid("note", "is longer than 2000 characters")
	}
	fw, lib, err := s.soaFramework(ctx, a, fwID)
	if err != nil {
		return store.SoAVersion{}, err
	}
	var out store.SoAVersion
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		doc, err := s.buildSoA(ctx, tx, a, fw, lib)
		if err != nil {
			return err
		}
		if err := approvable(doc); err != nil {
			return err
		}
		approver := a.Principal.Actor()
		if a.Member.ID != "" {
			approver = a.Member.Name
		}
		now := tx.Now()
		doc.Version = len(doc.History) + 1
		doc.ApprovedBy, doc.ApprovedAt, doc.Note, doc.GeneratedAt = approver, &now, note, now
		doc.History = append(doc.History, soa.VersionInfo{Version: doc.Version, ApprovedBy: approver, ApprovedAt: now, Note: note})
		content, err := soa.Encode(doc)
		if err != nil {
			return fmt.Errorf("freeze the statement: %w", err)
		}
		sum := sha256.Sum256(content)
		out, err = tx.AddSoAVersion(ctx, store.SoAVersion{OrgID: a.Org.ID, Framework: fw.ID, ApprovedBy: a.Member.ID,
			Approver: approver, Note: note, Content: content, ContentHash: hex.EncodeToString(sum[:])})
		if err == nil && out.Number != doc.Version {
			err = fmt.Errorf("statement of applicability: numbered %d while frozen as %d: %w", out.Number, doc.Version, isms.ErrConflict)
		}
		return err
	})
	return out, err
}

// approvable refuses a statement with controls undecided, or excluded
// against a risk treatment or an applicable obligation, naming the first
// few.
func approvable(doc soa.Document) error {
	blocking := map[soa.FlagKind][]string{}
	for _, e := range doc.Entries {
		for _, f := range e.Flags {
			if f.Kind == soa.FlagUndecided || f.Kind == soa.FlagExcludedButSelected || f.Kind == soa.FlagExcludedButRequired {
				blocking[f.Kind] = append(blocking[f.Kind], e.ID)
			}
		}
	}
	if len(blocking) == 0 {
		return nil
	}
	v := &isms.ValidationError{}
	for _, k := range slices.Sorted(maps.Keys(blocking)) {
		ids := blocking[k]
		list := strings.Join(ids[:min(len(ids), 8)], ", ")
		if len(ids) > 8 {
			list += fmt.Sprintf(" and %d more", len(ids)-8)
		}
		switch k {
		case soa.FlagUndecided:
			v.Add("applicability", "%d controls are neither included nor excluded: %s", len(ids), list)
		case soa.FlagExcludedButSelected:
			v.Add("applicability", "%d excluded controls are selected by risk treatments: %s", len(ids), list)
		case soa.FlagExcludedButRequired:
			v.Add("applicability", "%d excluded controls are needed by applicable obligations: %s", len(ids), list)
		}
	}
	return v
}

// CompareSoA lists what changed between two versions of a statement;
// version 0 is the draft.
func (s *Service) CompareSoA(ctx context.Context, a Access, fwID string, from, to int) ([]soa.Difference, error) {
	before, err := s.SoA(ctx, a, fwID, from)
	if err != nil {
		return nil, err
	}
	after, err := s.SoA(ctx, a, fwID, to)
	if err != nil {
		return nil, err
	}
	return soa.Compare(before, after), nil
}

// The formats a statement exports to.
const (
	SoAFormatXLSX  = "xlsx"
	SoAFormatCSV   = "csv"
	SoAFormatPDF   = "pdf"
	SoAFormatHTML  = "html"
	SoAFormatOSCAL = "oscal"
)

// SoAFormats lists the export formats with their media types and file
// extensions.
var SoAFormats = []struct{ Name, MediaType, Ext string }{
	{SoAFormatXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
	{SoAFormatCSV, "text/csv; charset=utf-8", "csv"},
	{SoAFormatPDF, "application/pdf", "pdf"},
	{SoAFormatHTML, "text/html; charset=utf-8", "html"},
	{SoAFormatOSCAL, "application/json", "oscal.json"},
}

// SoAExport is a rendered statement.
type SoAExport struct {
	Body      []byte
	MediaType string
	// FileName is what a download is offered as.
	FileName string
}

// ExportSoA renders version (0 for the draft) of a framework's statement
// in a format.
func (s *Service) ExportSoA(ctx context.Context, a Access, fwID string, version int, format string) (SoAExport, error) {
	i := slices.IndexFunc(SoAFormats, func(f struct{ Name, MediaType, Ext string }) bool { return f.Name == format })
	if i < 0 {
		return SoAExport{}, isms.Invalid("format", "%q is not one of xlsx, csv, pdf, html, oscal", format)
	}
	doc, err := s.SoA(ctx, a, fwID, version)
	if err != nil {
		return SoAExport{}, err
	}
	var buf bytes.Buffer
	switch format {
	case SoAFormatXLSX:
		err = report.SoAXLSX(&buf, doc)
	case SoAFormatCSV:
		err = soa.WriteCSV(&buf, doc)
	case SoAFormatPDF:
		err = report.SoAPDF(&buf, doc)
	case SoAFormatHTML:
		err = soa.WriteHTML(&buf, doc)
	case SoAFormatOSCAL:
		err = soa.WriteOSCAL(&buf, doc)
	}
	if err != nil {
		return SoAExport{}, fmt.Errorf("export the statement of applicability as %s: %w", format, err)
	}
	ver := "draft"
	if version > 0 {
		ver = fmt.Sprintf("v%d", version)
	}
	f := SoAFormats[i]
	return SoAExport{Body: buf.Bytes(), MediaType: f.MediaType,
		FileName: fmt.Sprintf("%s-soa-%s-%s.%s", a.Org.Slug, fwID, ver, f.Ext)}, nil
}
