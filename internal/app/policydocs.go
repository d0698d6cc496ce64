package app

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/policy"
	"github.com/isms-dev/isms/internal/report"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// DocInput is a document's own fields as entered. On an update, nil
// fields stay as they are.
type DocInput struct {
	Kind           *string
	Title          *string
	Summary        *string
	OwnerID        *string
	Classification *string
	ReviewMonths   *int
	ApproverIDs    *[]string
	Controls       *[]string
	Audience       *[]string
}

func (s *Service) applyDocInput(ctx context.Context, tx *store.Tx, a Access, d *isms.Document, in DocInput) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	var kind string
	set(&kind, in.Kind)
	if in.Kind != nil {
		d.Kind = isms.DocKind(kind)
	}
	set(&d.Title, in.Title)
	set(&d.Summary, in.Summary)
	set(&d.OwnerID, in.OwnerID)
	set(&d.Classification, in.Classification)
	if in.ReviewMonths != nil {
		d.ReviewMonths = *in.ReviewMonths
	}
	if in.ApproverIDs != nil {
		d.ApproverIDs = nonEmpty(*in.ApproverIDs)
	}
	v := &isms.ValidationError{}
	if in.Controls != nil {
		lib, err := s.library(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		d.Controls = d.Controls[:0]
		for _, ref := range nonEmpty(*in.Controls) {
			if got := requirementRef(lib.lib, v, "controls", ref); !slices.Contains(d.Controls, got) {
				d.Controls = append(d.Controls, got)
			}
		}
	}
	if in.Audience != nil {
		d.Audience = nil
		for _, r := range nonEmpty(*in.Audience) {
			role, err := isms.ParseRole("audience", r)
			if err != nil || role == isms.RoleAuditor {
				v.Add("audience", "%q is not a role whose members acknowledge policies", r)
				continue
			}
			d.Audience = append(d.Audience, role)
		}
	}
	if d.Classification != "" {
		classes, err := s.db.Classifications(ctx, a.Org.ID)
		if err != nil {
			return err
		}
		if !slices.Contains(classes, d.Classification) {
			v.Add("classification", "%q is not in the organisation's scheme (%s)", d.Classification, strings.Join(classes, ", "))
		}
	}
	people := map[string]string{"owner": d.OwnerID}
	for i, id := range d.ApproverIDs {
		people["approvers."+strconv.Itoa(i)] = id
	}
	if err := s.checkMembers(ctx, tx, a.Org.ID, v, people); err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		v.Fields = append(v.Fields, isms.FieldErrors(err)...)
	}
	return v.Err()
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// CreateDocument adds a document to the register, without a version yet.
func (s *Service) CreateDocument(ctx context.Context, a Access, in DocInput) (isms.Document, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Document{}, err
	}
	d := isms.Document{OrgID: a.Org.ID, Kind: isms.DocPolicy, OwnerID: a.Member.ID, ReviewMonths: 12}
	if in.OwnerID != nil && strings.TrimSpace(*in.OwnerID) == "" {
		in.OwnerID = nil
	}
	var out isms.Document
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		if err := s.applyDocInput(ctx, tx, a, &d, in); err != nil {
			return err
		}
		var err error
		out, err = tx.CreateDocument(ctx, d)
		return err
	})
	return out, err
}

// UpdateDocument changes a document's own fields. The document's owner
// may, as may ISMS managers; only they hand it on or name its approvers.
func (s *Service) UpdateDocument(ctx context.Context, a Access, ref string, in DocInput) (isms.Document, error) {
	var out isms.Document
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		d, err := docByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if err := a.mayEdit("document", d.OwnerID); err != nil {
			return err
		}
		if !a.Can(isms.PermWriteRecords) && (in.OwnerID != nil && *in.OwnerID != d.OwnerID || in.ApproverIDs != nil) {
			return fmt.Errorf("only an ISMS manager hands a document on or names its approvers: %w", isms.ErrForbidden)
		}
		if err := s.applyDocInput(ctx, tx, a, &d, in); err != nil {
			return err
		}
		out, err = tx.UpdateDocument(ctx, d)
		return err
	})
	return out, err
}

// RetireDocument withdraws a document: it stays in the register, with its
// versions, but is no longer in force.
func (s *Service) RetireDocument(ctx context.Context, a Access, ref string) (isms.Document, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Document{}, err
	}
	var out isms.Document
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		d, err := docByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if d.RetiredAt != nil {
			return &isms.ConflictError{Field: "status", Detail: d.Ref() + " is already retired"}
		}
		now := s.now()
		d.RetiredAt = &now
		out, err = tx.UpdateDocument(ctx, d)
		return err
	})
	return out, err
}

func docByRef(ctx context.Context, r store.Reads, orgID, ref string) (isms.Document, error) {
	if rest, ok := strings.CutPrefix(strings.ToUpper(ref), "DOC-"); ok {
		if n, err := strconv.Atoi(rest); err == nil && n > 0 {
			return r.DocumentByRef(ctx, orgID, n)
		}
	}
	return r.Document(ctx, orgID, ref)
}

// openVersion is the version being written, reviewed or waiting to be
// published, if any: at most one exists at a time.
func openVersion(versions []isms.DocVersion) (isms.DocVersion, bool) {
	for _, v := range versions {
		switch v.Status {
		case isms.VersionDraft, isms.VersionInReview, isms.VersionApproved:
			return v, true
		}
	}
	return isms.DocVersion{}, false
}

func publishedVersion(versions []isms.DocVersion) (isms.DocVersion, bool) {
	for _, v := range versions {
		if v.Status == isms.VersionPublished {
			return v, true
		}
	}
	return isms.DocVersion{}, false
}

// DraftInput is the content of a new or changed draft. Major starts a new
// major version; otherwise the draft is the next minor one.
type DraftInput struct {
	Body       string
	ChangeNote string
	Major      bool
	// File, when set, is an uploaded document (PDF or DOCX) instead of a
	// written one; FileName names it.
	File     io.Reader
	FileName string
}

// SaveDraft writes the draft version of a document: a new one, numbered
// after the newest, or the open draft changed. A version in review or
// approved is not a draft: reject it, or publish it, first.
func (s *Service) SaveDraft(ctx context.Context, a Access, ref string, in DraftInput) (isms.DocVersion, error) {
	d, err := docByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return isms.DocVersion{}, err
	}
	if err := a.mayEdit("document", d.OwnerID); err != nil {
		return isms.DocVersion{}, err
	}
	v := isms.DocVersion{OrgID: a.Org.ID, DocumentID: d.ID, Format: isms.FormatMarkdown, Body: in.Body,
		ChangeNote: strings.TrimSpace(in.ChangeNote), Status: isms.VersionDraft, AuthorID: a.Member.ID}
	if in.File != nil {
		stored, err := s.storeDocFile(in.File, in.FileName)
		if err != nil {
			return v, err
		}
		v.Format, v.Body, v.FileSHA256, v.FileName, v.MediaType, v.FileSize = isms.FormatFile, "", stored.SHA256,
			sanitizeFileName(in.FileName), stored.MediaType, stored.Size
	}
	var out isms.DocVersion
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		d, err := tx.Document(ctx, a.Org.ID, d.ID)
		if err != nil {
			return err
		}
		if d.RetiredAt != nil {
			return &isms.ConflictError{Field: "status", Detail: d.Ref() + " is retired"}
		}
		all, err := tx.DocVersions(ctx, a.Org.ID, d.ID)
		if err != nil {
			return err
		}
		versions := all[d.ID]
		if open, ok := openVersion(versions); ok {
			if open.Status != isms.VersionDraft {
				return &isms.ConflictError{Field: "status", Detail: fmt.Sprintf("version %s is %s; it must be rejected, or published, "+
					"before a new draft", open.Number(), strings.ToLower(open.Status.Label()))}
			}
			v.ID, v.Major, v.Minor, v.CreatedAt = open.ID, open.Major, open.Minor, open.CreatedAt
		} else {
			v.Major, v.Minor = 1, 0
			if len(versions) > 0 {
				v.Major, v.Minor = versions[0].Major, versions[0].Minor+1
				if in.Major {
					v.Major, v.Minor = versions[0].Major+1, 0
				}
			}
		}
		if err := v.Validate(); err != nil {
			return err
		}
		out, err = tx.SaveDocVersion(ctx, v)
		return err
	})
	return out, err
}

// docMediaTypes are the uploads a document version may be: PDF and Word.
var docMediaTypes = map[string]string{".pdf": "application/pdf",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

func (s *Service) storeDocFile(r io.Reader, name string) (evidence.Stored, error) {
	if s.files == nil {
		return evidence.Stored{}, ErrNoFileStore
	}
	ext := strings.ToLower(name[strings.LastIndexByte(name, '.')+1:])
	want, ok := docMediaTypes["."+ext]
	if !strings.Contains(name, ".") || !ok {
		return evidence.Stored{}, isms.Invalid("file", "%q is not a PDF or Word (.docx) file", name)
	}
	stored, err := s.files.Put(r)
	switch {
	case errors.Is(err, evidence.ErrTooLarge), errors.Is(err, evidence.ErrEmpty):
		return stored, isms.Invalid("file", "%v", err)
	case err != nil:
		return stored, fmt.Errorf("store document file: %w", err)
	}
	// The content decides, not the name: a .docx is a zip archive.
	sniffed := stored.MediaType
	if want == docMediaTypes[".docx"] && sniffed == "application/zip" || sniffed == want {
		stored.MediaType = want
		return stored, nil
	}
	return stored, isms.Invalid("file", "%q holds %s, not what its name says", name, sniffed)
}

func sanitizeFileName(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' {
			return '_'
		}
		return r
	}, name)
}

// SubmitForReview sends the draft to the document's approvers.
func (s *Service) SubmitForReview(ctx context.Context, a Access, ref string) (isms.DocVersion, error) {
	return s.moveVersion(ctx, a, ref, func(tx *store.Tx, d isms.Document, v *isms.DocVersion) error {
		if err := a.mayEdit("document", d.OwnerID); err != nil {
			return err
		}
		if v.Status != isms.VersionDraft {
			return &isms.ConflictError{Field: "status", Detail: "only a draft goes to review"}
		}
		if len(d.ApproverIDs) == 0 {
			return isms.Invalid("approvers", "name at least one approver of %s first", d.Ref())
		}
		if slices.Contains(d.ApproverIDs, v.AuthorID) {
			return isms.Invalid("approvers", "include the author of version %s; someone else approves what they wrote", v.Number())
		}
		now := s.now()
		v.Status, v.SubmittedAt = isms.VersionInReview, &now
		return nil
	})
}

// DecideOnVersion records a named approver's approval or rejection of the
// version in review. When every approver has approved, the version is
// approved; a rejection sends it back to draft.
func (s *Service) DecideOnVersion(ctx context.Context, a Access, ref string, approve bool, note string) (isms.DocVersion, error) {
	return s.moveVersion(ctx, a, ref, func(tx *store.Tx, d isms.Document, v *isms.DocVersion) error {
		if a.Member.ID == "" || !slices.Contains(d.ApproverIDs, a.Member.ID) || a.Role == isms.RoleAuditor {
			return fmt.Errorf("only the approvers named on %s decide on its versions: %w", d.Ref(), isms.ErrForbidden)
		}
		if v.Status != isms.VersionInReview {
			return &isms.ConflictError{Field: "status", Detail: "no version of " + d.Ref() + " is in review"}
		}
		note = strings.TrimSpace(note)
		if !approve && note == "" {
			return isms.Invalid("note", "is required to reject: say what must change")
		}
		approved, err := roundApprovals(ctx, tx, *v)
		if err != nil {
			return err
		}
		if approved[a.Member.ID] {
			return &isms.ConflictError{Field: "approval", Detail: "you have already approved version " + v.Number()}
		}
		if _, err := tx.AddDocApproval(ctx, isms.DocApproval{OrgID: a.Org.ID, VersionID: v.ID, ApproverID: a.Member.ID, Approved: approve,
			Note: note}); err != nil {
			return err
		}
		now := s.now()
		if !approve {
			v.Status, v.SubmittedAt = isms.VersionDraft, nil
			return nil
		}
		approved[a.Member.ID] = true
		for _, id := range d.ApproverIDs {
			if !approved[id] {
				return nil
			}
		}
		v.Status, v.ApprovedAt = isms.VersionApproved, &now
		return nil
	})
}

// roundApprovals returns who has approved the version since it was last
// submitted: a rejection starts a new round.
func roundApprovals(ctx context.Context, tx *store.Tx, v isms.DocVersion) (map[string]bool, error) {
	all, err := tx.DocApprovals(ctx, v.OrgID, v.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, ap := range all {
		if ap.Approved && v.SubmittedAt != nil && !ap.CreatedAt.Before(*v.SubmittedAt) {
			out[ap.ApproverID] = true
		}
	}
	return out, nil
}

// PublishVersion puts the approved version in force: the one published
// before is superseded, and the next review falls one cycle ahead.
func (s *Service) PublishVersion(ctx context.Context, a Access, ref string) (isms.DocVersion, error) {
	return s.moveVersion(ctx, a, ref, func(tx *store.Tx, d isms.Document, v *isms.DocVersion) error {
		if err := a.mayEdit("document", d.OwnerID); err != nil {
			return err
		}
		if v.Status != isms.VersionApproved {
			return &isms.ConflictError{Field: "status", Detail: fmt.Sprintf("version %s is %s; only an approved version is published",
				v.Number(), strings.ToLower(v.Status.Label()))}
		}
		all, err := tx.DocVersions(ctx, a.Org.ID, d.ID)
		if err != nil {
			return err
		}
		if old, ok := publishedVersion(all[d.ID]); ok {
			old.Status = isms.VersionSuperseded
			if _, err := tx.SaveDocVersion(ctx, old); err != nil {
				return err
			}
		}
		now := s.now()
		v.Status, v.PublishedAt, v.PublishedBy = isms.VersionPublished, &now, a.Member.ID
		if d.ReviewMonths > 0 {
			next := now.AddDate(0, d.ReviewMonths, 0)
			d.NextReview = &next
			if _, err := tx.UpdateDocument(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// moveVersion applies a step of the workflow to the document's open
// version in one transaction.
func (s *Service) moveVersion(ctx context.Context, a Access, ref string, step func(*store.Tx, isms.Document, *isms.DocVersion) error) (isms.DocVersion, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.DocVersion{}, err
	}
	var out isms.DocVersion
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		d, err := docByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		if d.RetiredAt != nil {
			return &isms.ConflictError{Field: "status", Detail: d.Ref() + " is retired"}
		}
		all, err := tx.DocVersions(ctx, a.Org.ID, d.ID)
		if err != nil {
			return err
		}
		v, ok := openVersion(all[d.ID])
		if !ok {
			return &isms.ConflictError{Field: "status", Detail: d.Ref() + " has no version being written or reviewed"}
		}
		if err := step(tx, d, &v); err != nil {
			return err
		}
		out, err = tx.SaveDocVersion(ctx, v)
		return err
	})
	return out, err
}

// Acknowledge records that the caller has read the published version of a
// document that applies to them.
func (s *Service) Acknowledge(ctx context.Context, a Access, ref string) (isms.DocAck, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.DocAck{}, err
	}
	if a.Member.ID == "" || a.Role == isms.RoleAuditor {
		return isms.DocAck{}, fmt.Errorf("members of staff acknowledge policies: %w", isms.ErrForbidden)
	}
	var out isms.DocAck
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		d, err := docByRef(ctx, tx.Reads, a.Org.ID, ref)
		if err != nil {
			return err
		}
		all, err := tx.DocVersions(ctx, a.Org.ID, d.ID)
		if err != nil {
			return err
		}
		v, ok := publishedVersion(all[d.ID])
		if !ok || d.RetiredAt != nil {
			return &isms.ConflictError{Field: "status", Detail: d.Ref() + " has no version in force"}
		}
		if !slices.Contains(d.Audience, a.Role) {
			return &isms.ConflictError{Field: "audience", Detail: d.Ref() + " does not ask your role to acknowledge it"}
		}
		out, err = tx.AddDocAck(ctx, isms.DocAck{OrgID: a.Org.ID, DocumentID: d.ID, VersionID: v.ID, MemberID: a.Member.ID})
		if errors.Is(err, isms.ErrConflict) {
			return &isms.ConflictError{Field: "acknowledgement", Detail: "you have already acknowledged version " + v.Number()}
		}
		return err
	})
	return out, err
}

// DocReader is someone a published document asks to acknowledge it.
type DocReader struct {
	Member isms.Member
	Ack    *isms.DocAck
}

// DocDetail is a document with its versions, the approvals of the version
// under way and who has acknowledged the version in force.
type DocDetail struct {
	isms.Document
	Versions  []isms.DocVersion
	Published *isms.DocVersion
	Open      *isms.DocVersion
	// Approvals are the decisions on the open version, every round.
	Approvals []isms.DocApproval
	// Approved are the approvers who approved in the current round.
	Approved map[string]bool
	// Readers are the members in the audience, with their acknowledgement
	// of the published version.
	Readers []DocReader
	Members map[string]string
}

// Document returns a document of the register by id or reference.
func (s *Service) Document(ctx context.Context, a Access, ref string) (DocDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return DocDetail{}, err
	}
	d, err := docByRef(ctx, s.db.Reads, a.Org.ID, ref)
	if err != nil {
		return DocDetail{}, err
	}
	all, err := s.db.DocVersions(ctx, a.Org.ID, d.ID)
	if err != nil {
		return DocDetail{}, err
	}
	out := DocDetail{Document: d, Versions: all[d.ID], Approved: map[string]bool{}}
	if v, ok := publishedVersion(out.Versions); ok {
		out.Published = &v
	}
	if v, ok := openVersion(out.Versions); ok {
		out.Open = &v
		if out.Approvals, err = s.db.DocApprovals(ctx, a.Org.ID, v.ID); err != nil {
			return out, err
		}
		for _, ap := range out.Approvals {
			if ap.Approved && v.SubmittedAt != nil && !ap.CreatedAt.Before(*v.SubmittedAt) {
				out.Approved[ap.ApproverID] = true
			}
		}
	}
	if out.Published != nil && len(d.Audience) > 0 {
		acks, err := s.db.DocAcks(ctx, a.Org.ID, out.Published.ID)
		if err != nil {
			return out, err
		}
		members, err := s.db.AllMembers(ctx, a.Org.ID)
		if err != nil {
			return out, err
		}
		now := s.now()
		for _, m := range members {
			if !m.Active(now) || !slices.Contains(d.Audience, m.Role) {
				continue
			}
			r := DocReader{Member: m}
			if ack, ok := acks[out.Published.ID][m.ID]; ok {
				r.Ack = &ack
			}
			out.Readers = append(out.Readers, r)
		}
	}
	out.Members, err = s.memberNames(ctx, a.Org.ID)
	return out, err
}

// DocRow is a line of the register.
type DocRow struct {
	isms.Document
	Published *isms.DocVersion
	Open      *isms.DocVersion
	// Acknowledged and Readers count the published version's
	// acknowledgements against its audience.
	Acknowledged, Readers int
}

// Documents lists the register.
func (s *Service) Documents(ctx context.Context, a Access, f store.DocFilter) ([]DocRow, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	docs, err := s.db.Documents(ctx, a.Org.ID, f)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	versions, err := s.db.DocVersions(ctx, a.Org.ID, ids...)
	if err != nil {
		return nil, err
	}
	rows := make([]DocRow, len(docs))
	var published []string
	for i, d := range docs {
		rows[i] = DocRow{Document: d}
		if v, ok := publishedVersion(versions[d.ID]); ok {
			rows[i].Published = &v
			published = append(published, v.ID)
		}
		if v, ok := openVersion(versions[d.ID]); ok {
			rows[i].Open = &v
		}
	}
	acks, err := s.db.DocAcks(ctx, a.Org.ID, published...)
	if err != nil {
		return nil, err
	}
	members, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for i, r := range rows {
		if r.Published == nil {
			continue
		}
		for _, m := range members {
			if m.Active(now) && slices.Contains(r.Audience, m.Role) {
				rows[i].Readers++
				if _, ok := acks[r.Published.ID][m.ID]; ok {
					rows[i].Acknowledged++
				}
			}
		}
	}
	return rows, nil
}

// DocumentFile opens the uploaded file of a version, by id or number.
func (s *Service) DocumentFile(ctx context.Context, a Access, ref, version string) (isms.DocVersion, *os.File, error) {
	d, err := s.Document(ctx, a, ref)
	if err != nil {
		return isms.DocVersion{}, nil, err
	}
	v, ok := d.VersionOf(version)
	if !ok || v.Format != isms.FormatFile {
		return isms.DocVersion{}, nil, fmt.Errorf("file of version %s: %w", version, isms.ErrNotFound)
	}
	if s.files == nil {
		return isms.DocVersion{}, nil, ErrNoFileStore
	}
	f, err := s.files.Open(v.FileSHA256)
	return v, f, err
}

// DocTemplateFields fills the starter templates from the organisation's
// records: its name, the scope of the context in force, its ISMS manager
// and its AI systems.
func (s *Service) DocTemplateFields(ctx context.Context, a Access) (policy.Fields, error) {
	f := policy.Fields{Org: a.Org.Name, Date: s.now().Format(time.DateOnly)}
	c, err := s.Context(ctx, a)
	if err != nil {
		return f, err
	}
	if c.Approved != nil {
		f.Scope = c.Approved.Context.Scope
	}
	members, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return f, err
	}
	now := s.now()
	for _, m := range members {
		if m.Role == isms.RoleISMSManager && m.Active(now) {
			f.ISMSManager = m.Name
			break
		}
	}
	if a.Member.ID != "" {
		f.Owner = a.Member.Name
	}
	assets, err := s.db.ListAssets(ctx, a.Org.ID, isms.AssetFilter{Limit: store.MaxLimit}, "", "")
	if err != nil {
		return f, err
	}
	for _, as := range assets {
		if as.Type == isms.AssetAISystem || as.Type == isms.AssetModel {
			f.AISystems = append(f.AISystems, as.Name)
		}
	}
	return f, nil
}

// CreateFromTemplate starts a document from a starter template: the
// document, with the controls the template addresses, and its first draft
// filled from the organisation's records. ownerID names its owner; empty,
// the caller owns it.
func (s *Service) CreateFromTemplate(ctx context.Context, a Access, id, ownerID string) (isms.Document, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Document{}, err
	}
	t, ok := policy.Find(id)
	if !ok {
		return isms.Document{}, isms.Invalid("template", "%q is not a starter template", id)
	}
	fields, err := s.DocTemplateFields(ctx, a)
	if err != nil {
		return isms.Document{}, err
	}
	body, err := t.Render(fields)
	if err != nil {
		return isms.Document{}, err
	}
	kind, title, controls := t.Kind, t.Title, t.Controls
	owner := cmp.Or(ownerID, a.Member.ID)
	if owner == "" {
		return isms.Document{}, isms.Invalid("owner", "is required: name who keeps the document")
	}
	var out isms.Document
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		d := isms.Document{OrgID: a.Org.ID, OwnerID: owner, ReviewMonths: 12, Audience: []isms.Role{}}
		if err := s.applyDocInput(ctx, tx, a, &d, DocInput{Kind: &kind, Title: &title, Controls: &controls}); err != nil {
			return err
		}
		if d.Kind == isms.DocPolicy || d.Kind == isms.DocTopicPolicy {
			d.Audience = []isms.Role{isms.RoleOwner, isms.RoleAdmin, isms.RoleISMSManager, isms.RoleContributor, isms.RoleViewer}
		}
		var err error
		if out, err = tx.CreateDocument(ctx, d); err != nil {
			return err
		}
		_, err = tx.SaveDocVersion(ctx, isms.DocVersion{OrgID: a.Org.ID, DocumentID: out.ID, Major: 1, Format: isms.FormatMarkdown,
			Body: body, ChangeNote: "Started from the isms template " + t.ID + ".", Status: isms.VersionDraft, AuthorID: a.Member.ID})
		return err
	})
	return out, err
}

// DocumentsOf returns the documents in force that address a control, for
// its page.
func (s *Service) DocumentsOf(ctx context.Context, a Access, control string) ([]DocRow, error) {
	rows, err := s.Documents(ctx, a, store.DocFilter{Control: control})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rows, func(r DocRow) bool { return r.Published == nil }), nil
}

// VersionOf finds a version of a document by id or number (1.2).
func (d DocDetail) VersionOf(ref string) (isms.DocVersion, bool) {
	i := slices.IndexFunc(d.Versions, func(v isms.DocVersion) bool { return v.ID == ref || v.Number() == ref })
	if i < 0 {
		return isms.DocVersion{}, false
	}
	return d.Versions[i], true
}

// DocumentPDF writes a version of a document as a controlled PDF: the
// title block with its number and state, the text laid out from its
// Markdown, and the record of who approved and published it. An uploaded
// version is not converted: the PDF is a record sheet naming the file and
// its SHA-256, and the file itself is the document.
func (s *Service) DocumentPDF(ctx context.Context, a Access, ref, version string, w io.Writer) (isms.DocVersion, error) {
	d, err := s.Document(ctx, a, ref)
	if err != nil {
		return isms.DocVersion{}, err
	}
	v, ok := d.VersionOf(version)
	if !ok {
		return v, fmt.Errorf("version %s of %s: %w", version, d.Ref(), isms.ErrNotFound)
	}
	approvals, err := s.db.DocApprovals(ctx, a.Org.ID, v.ID)
	if err != nil {
		return v, err
	}
	doc := report.Document{Title: d.Title, Subtitle: d.Ref() + " · " + d.Kind.Label(), Organisation: a.Org.Name, VersionLabel: v.Number(),
		Status: v.Status.Label(), GeneratedAt: s.now(), GeneratedBy: a.Principal.Actor()}
	var approvers []string
	rows := [][]string{}
	for _, ap := range approvals {
		decision := "Rejected"
		if ap.Approved {
			decision = "Approved"
			approvers = append(approvers, d.Members[ap.ApproverID])
		}
		rows = append(rows, []string{d.Members[ap.ApproverID], decision, ap.CreatedAt.Format("2006-01-02 15:04 UTC"), ap.Note})
	}
	if v.ApprovedAt != nil {
		doc.ApprovedBy, doc.ApprovedAt = strings.Join(approvers, ", "), v.ApprovedAt
	}
	if v.Format == isms.FormatMarkdown {
		doc.Sections = report.MarkdownSections(v.Body)
	} else {
		doc.Sections = []report.Section{{Heading: "The document", Paragraphs: []string{
			fmt.Sprintf("This version is the uploaded file %s (%s, %d bytes), kept unchanged in the evidence store. "+
				"Its SHA-256 is %s; the file itself is the controlled document.", v.FileName, v.MediaType, v.FileSize, v.FileSHA256)}}}
	}
	record := report.Section{Heading: "Document control", Table: &report.Table{Header: []string{"", ""}, Rows: [][]string{
		{"Document", d.Ref() + " " + d.Title},
		{"Version", v.Number() + " (" + v.Status.Label() + ")"},
		{"Owner", d.Members[d.OwnerID]},
		{"Author", d.Members[v.AuthorID]},
		{"Change", v.ChangeNote},
	}}}
	if v.PublishedAt != nil {
		record.Table.Rows = append(record.Table.Rows, []string{"Published", v.PublishedAt.Format(time.DateOnly) + " by " + d.Members[v.PublishedBy]})
	}
	doc.Sections = append(doc.Sections, record)
	if len(rows) > 0 {
		doc.Sections = append(doc.Sections, report.Section{Heading: "Approvers' decisions",
			Table: &report.Table{Header: []string{"Approver", "Decision", "When", "Note"}, Rows: rows}})
	}
	return v, report.DocumentPDF(w, doc)
}

// DocApprovalView is an approver's decision on a version, named.
type DocApprovalView struct {
	Approver string
	Approved bool
	Note     string
	At       time.Time
}

// DocApprovalViews lists every decision on a version, oldest first.
func (s *Service) DocApprovalViews(ctx context.Context, a Access, d DocDetail, v isms.DocVersion) ([]DocApprovalView, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	list, err := s.db.DocApprovals(ctx, a.Org.ID, v.ID)
	if err != nil {
		return nil, err
	}
	out := make([]DocApprovalView, len(list))
	for i, ap := range list {
		out[i] = DocApprovalView{Approver: d.Members[ap.ApproverID], Approved: ap.Approved, Note: ap.Note, At: ap.CreatedAt}
	}
	return out, nil
}

// ExportDocuments writes the register, retired documents included, as
// csv or xlsx.
func (s *Service) ExportDocuments(ctx context.Context, a Access, format string, w io.Writer) error {
	if format != "csv" && format != "xlsx" {
		return isms.Invalid("format", "%q is not an export format; use csv or xlsx", format)
	}
	rows, err := s.Documents(ctx, a, store.DocFilter{Retired: true})
	if err != nil {
		return err
	}
	names, err := s.memberNames(ctx, a.Org.ID)
	if err != nil {
		return err
	}
	now := s.now()
	out := make([]report.DocumentRow, len(rows))
	for i, r := range rows {
		d := report.DocumentRow{Ref: r.Ref(), Kind: r.Kind.Label(), Title: r.Title, Owner: names[r.OwnerID], Classification: r.Classification,
			NextReview: r.NextReview, ReviewOverdue: r.ReviewOverdue(now), Controls: r.Controls, Acknowledged: r.Acknowledged,
			Readers: r.Readers, Retired: r.RetiredAt != nil}
		if r.Published != nil {
			d.InForce, d.InForceSince = r.Published.Number(), r.Published.PublishedAt.Format(time.DateOnly)
		}
		if r.Open != nil {
			d.UnderWay = r.Open.Number() + " " + strings.ToLower(r.Open.Status.Label())
		}
		for _, id := range r.ApproverIDs {
			d.Approvers = append(d.Approvers, names[id])
		}
		out[i] = d
	}
	if format == "xlsx" {
		return report.DocumentsXLSX(w, a.Org.Name, now, out)
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"ref", "kind", "title", "owner", "classification", "version_in_force", "in_force_since", "under_way", "next_review",
		"review_overdue", "approvers", "controls", "acknowledged", "readers", "retired"})
	for _, d := range out {
		next := ""
		if d.NextReview != nil {
			next = d.NextReview.Format(time.DateOnly)
		}
		cells := []string{d.Ref, d.Kind, d.Title, d.Owner, d.Classification, d.InForce, d.InForceSince, d.UnderWay, next,
			strconv.FormatBool(d.ReviewOverdue), strings.Join(d.Approvers, "; "), strings.Join(d.Controls, "; "), strconv.Itoa(d.Acknowledged),
			strconv.Itoa(d.Readers), strconv.FormatBool(d.Retired)}
		for i := range cells {
			cells[i] = soa.Neutralise(cells[i])
		}
		_ = cw.Write(cells)
	}
	cw.Flush()
	return cw.Error()
}
