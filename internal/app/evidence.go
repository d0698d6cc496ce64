package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// ErrNoFileStore is returned for file evidence on a service started
// without an evidence folder.
var ErrNoFileStore = errors.New("this server keeps no evidence files: it was started without a data folder")

// EvidenceInput is an evidence item as entered. Links say what it
// supports; RequestID, when set, is the request it fulfils, whose control
// it is then linked to.
type EvidenceInput struct {
	Kind        string
	Title       string
	Description string
	URL         string
	Body        string
	FileName    string
	PeriodStart *time.Time
	PeriodEnd   *time.Time
	Cadence     string
	Links       []isms.EvidenceLinkTo
	RequestID   string
}

// EvidenceDetail is an evidence item with what it supports.
type EvidenceDetail struct {
	isms.Evidence
	Links []isms.EvidenceLinkTo
	// CollectedByName names the member who collected it.
	CollectedByName string
	// Stored says whether the upload added a file to the store; false when
	// the same content was already there.
	Stored bool
}

// AddEvidence records an evidence item. A file is written to the file
// store, hashed as it streams, before the row that names it, so a failed
// transaction leaves at most an unreferenced file and never a row that
// points to nothing. ISMS managers add any evidence; a contributor adds
// evidence for controls they own or requests assigned to them.
func (s *Service) AddEvidence(ctx context.Context, a Access, in EvidenceInput, file io.Reader) (EvidenceDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return EvidenceDetail{}, err
	}
	e, err := s.evidenceFields(isms.Evidence{OrgID: a.Org.ID, Kind: isms.EvidenceKind(in.Kind), CollectedBy: a.Member.ID}, in)
	if err != nil {
		return EvidenceDetail{}, err
	}
	lib, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return EvidenceDetail{}, err
	}
	// Check what can be checked before the file is stored.
	if err := s.checkEvidenceLinks(ctx, s.db.Reads, a, lib.lib, in.Links, in.RequestID); err != nil {
		return EvidenceDetail{}, err
	}
	var stored evidence.Stored
	if e.Kind == isms.EvidenceFile {
		if s.files == nil {
			return EvidenceDetail{}, ErrNoFileStore
		}
		if file == nil {
			return EvidenceDetail{}, isms.Invalid("file", "is required for file evidence")
		}
		if stored, err = s.files.Put(file); err != nil {
			switch {
			case errors.Is(err, evidence.ErrTooLarge), errors.Is(err, evidence.ErrEmpty):
				return EvidenceDetail{}, isms.Invalid("file", "%v", err)
			}
			return EvidenceDetail{}, fmt.Errorf("store evidence file: %w", err)
		}
		e.SHA256, e.Size, e.MediaType = stored.SHA256, stored.Size, stored.MediaType
	}
	if err := e.Validate(); err != nil {
		return EvidenceDetail{}, err
	}
	out := EvidenceDetail{Stored: stored.New}
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		links := slices.Clone(in.Links)
		if err := s.checkEvidenceLinks(ctx, tx, a, lib.lib, links, in.RequestID); err != nil {
			return err
		}
		var req isms.EvidenceRequest
		if in.RequestID != "" {
			var err error
			if req, err = tx.EvidenceRequest(ctx, a.Org.ID, in.RequestID); err != nil {
				return err
			}
			link := isms.EvidenceLinkTo{Target: isms.TargetControl, Ref: req.Control}
			if !slices.Contains(links, link) {
				links = append(links, link)
			}
		}
		saved, err := tx.SaveEvidence(ctx, e)
		if err != nil {
			return err
		}
		if err := tx.SetEvidenceLinks(ctx, a.Org.ID, saved.ID, links); err != nil {
			return err
		}
		if req.ID != "" {
			req.Status, req.EvidenceID = isms.RequestFulfilled, saved.ID
			if _, err := tx.SaveEvidenceRequest(ctx, req); err != nil {
				return err
			}
		}
		out.Evidence = saved
		out.Links, err = tx.EvidenceLinks(ctx, a.Org.ID, saved.ID)
		return err
	})
	if err != nil {
		return EvidenceDetail{}, err
	}
	return out, nil
}

// evidenceFields copies the entered fields onto e.
func (s *Service) evidenceFields(e isms.Evidence, in EvidenceInput) (isms.Evidence, error) {
	e.Title, e.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	e.URL, e.Body = strings.TrimSpace(in.URL), in.Body
	if e.Kind == isms.EvidenceFile && in.FileName != "" {
		// The name is kept only to offer it back on download; it is never a
		// path anywhere.
		name := filepath.Base(strings.ReplaceAll(in.FileName, `\`, "/"))
		if !utf8.ValidString(name) || name == "." || name == "/" {
			name = "evidence"
		}
		e.FileName = name
	}
	end := s.now()
	if in.PeriodEnd != nil {
		end = in.PeriodEnd.UTC()
	}
	start := end
	if in.PeriodStart != nil {
		start = in.PeriodStart.UTC()
	}
	e.PeriodStart, e.PeriodEnd = start, end
	var err error
	e.Cadence, err = isms.ParseCadence("cadence", in.Cadence)
	return e, err
}

type evidenceLinkReads interface {
	Control(ctx context.Context, orgID, ref string) (isms.Control, error)
	Risk(ctx context.Context, orgID, id string) (isms.Risk, error)
	EvidenceRequest(ctx context.Context, orgID, id string) (isms.EvidenceRequest, error)
}

// checkEvidenceLinks checks that every link names something of the
// organisation, and that a contributor owns every control the evidence is
// for or was asked for it.
func (s *Service) checkEvidenceLinks(ctx context.Context, r evidenceLinkReads, a Access, lib *framework.Library,
	links []isms.EvidenceLinkTo, requestID string) error {
	v := &isms.ValidationError{}
	owned := true
	for i, l := range links {
		field := fmt.Sprintf("links[%d]", i)
		switch l.Target {
		case isms.TargetControl:
			c, err := s.resolveControl(ctx, r, a, lib, l.Ref)
			if errors.Is(err, isms.ErrNotFound) {
				v.Add(field, "%q is not a control", l.Ref)
				continue
			}
			if err != nil {
				return err
			}
			owned = owned && c.OwnerID != "" && c.OwnerID == a.Member.ID
		case isms.TargetRequirement:
			pr, err := framework.ParseRef(l.Ref)
			if err != nil {
				v.Add(field, "%v", err)
				continue
			}
			if _, it, ok := lib.Resolve(pr); !ok || !it.Assessable {
				v.Add(field, "%q is not a requirement of the framework library", l.Ref)
			}
			owned = false
		case isms.TargetRisk:
			k, err := r.Risk(ctx, a.Org.ID, l.Ref)
			if errors.Is(err, isms.ErrNotFound) {
				v.Add(field, "%q is not a risk of this organisation", l.Ref)
				continue
			}
			if err != nil {
				return err
			}
			owned = owned && k.OwnerID == a.Member.ID
		default:
			v.Add(field+".target", "%q is not control, requirement or risk", l.Target)
		}
	}
	if requestID != "" {
		req, err := r.EvidenceRequest(ctx, a.Org.ID, requestID)
		if errors.Is(err, isms.ErrNotFound) {
			v.Add("request", "is not an evidence request of this organisation")
		} else if err != nil {
			return err
		} else {
			if req.Status != isms.RequestOpen {
				v.Add("request", "is %s, not open", req.Status)
			}
			owned = owned && req.AssigneeID == a.Member.ID
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if !a.Can(isms.PermWriteRecords) && (a.Role != isms.RoleContributor || !owned || len(links)+len(requestID) == 0) {
		return fmt.Errorf("a contributor may add evidence only for the controls and risks they own or the requests assigned to them: %w",
			isms.ErrForbidden)
	}
	return nil
}

// UpdateEvidence changes an item's description, period, cadence and
// links; the content of a file never changes.
func (s *Service) UpdateEvidence(ctx context.Context, a Access, id string, in EvidenceInput) (EvidenceDetail, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return EvidenceDetail{}, err
	}
	lib, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return EvidenceDetail{}, err
	}
	var out EvidenceDetail
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		e, err := tx.Evidence(ctx, a.Org.ID, id)
		if err != nil {
			return err
		}
		if in.Kind != "" && in.Kind != string(e.Kind) {
			return isms.Invalid("kind", "an item's kind cannot change; add a new item instead")
		}
		name := e.FileName
		if e, err = s.evidenceFields(e, in); err != nil {
			return err
		}
		e.FileName = name
		if err := e.Validate(); err != nil {
			return err
		}
		if err := s.checkEvidenceLinks(ctx, tx, a, lib.lib, in.Links, ""); err != nil {
			return err
		}
		if out.Evidence, err = tx.SaveEvidence(ctx, e); err != nil {
			return err
		}
		if err := tx.SetEvidenceLinks(ctx, a.Org.ID, id, in.Links); err != nil {
			return err
		}
		out.Links, err = tx.EvidenceLinks(ctx, a.Org.ID, id)
		return err
	})
	return out, err
}

// EvidenceItem returns an evidence item with what it supports.
func (s *Service) EvidenceItem(ctx context.Context, a Access, id string) (EvidenceDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return EvidenceDetail{}, err
	}
	e, err := s.db.Evidence(ctx, a.Org.ID, id)
	if err != nil {
		return EvidenceDetail{}, err
	}
	d := EvidenceDetail{Evidence: e}
	if d.Links, err = s.db.EvidenceLinks(ctx, a.Org.ID, id); err != nil {
		return d, err
	}
	if e.CollectedBy != "" {
		if m, err := s.db.Member(ctx, a.Org.ID, e.CollectedBy); err == nil {
			d.CollectedByName = m.Name
		}
	}
	return d, nil
}

// ListEvidence returns the organisation's evidence, newest period first.
func (s *Service) ListEvidence(ctx context.Context, a Access, f store.EvidenceFilter) ([]isms.Evidence, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	if f.Ref != "" && f.Target == "" {
		f.Target = isms.TargetControl
	}
	return s.db.ListEvidence(ctx, a.Org.ID, f)
}

// OpenEvidenceFile opens an item's stored file for download, after
// checking that the reader may see the organisation's records.
func (s *Service) OpenEvidenceFile(ctx context.Context, a Access, id string) (isms.Evidence, *os.File, error) {
	if err := a.require(isms.PermRead); err != nil {
		return isms.Evidence{}, nil, err
	}
	e, err := s.db.Evidence(ctx, a.Org.ID, id)
	if err != nil {
		return e, nil, err
	}
	if e.Kind != isms.EvidenceFile {
		return e, nil, fmt.Errorf("evidence %s holds no file: %w", id, isms.ErrNotFound)
	}
	if s.files == nil {
		return e, nil, ErrNoFileStore
	}
	f, err := s.files.Open(e.SHA256)
	if err != nil {
		return e, nil, fmt.Errorf("evidence %s: stored file %s: %w", id, e.SHA256, err)
	}
	return e, f, nil
}

// FileProblem is a stored file that is missing or altered, with the
// evidence items that refer to it.
type FileProblem struct {
	evidence.Problem
	Items []store.StoredFile
}

// FileCheck is the result of rehashing stored files.
type FileCheck struct {
	Files    int
	Items    int
	Problems []FileProblem
	// Unreferenced are stored files no evidence item names: left by an
	// upload whose transaction failed after the file was written. Only a
	// check of every organisation can tell.
	Unreferenced []string
}

// VerifyEvidenceFiles rehashes every file that the evidence of the
// organisation, or with a zero Access of an operator every organisation,
// refers to. Only operators may check every organisation.
func (s *Service) VerifyEvidenceFiles(ctx context.Context, a Access) (FileCheck, error) {
	orgID := a.Org.ID
	if orgID == "" && a.Principal.Operator == "" {
		return FileCheck{}, isms.ErrForbidden
	}
	if orgID != "" {
		if err := a.require(isms.PermRead); err != nil {
			return FileCheck{}, err
		}
	}
	if s.files == nil {
		return FileCheck{}, ErrNoFileStore
	}
	items, err := s.db.StoredFiles(ctx, orgID)
	if err != nil {
		return FileCheck{}, err
	}
	byHash := map[string][]store.StoredFile{}
	for _, it := range items {
		byHash[it.SHA256] = append(byHash[it.SHA256], it)
	}
	hashes := make([]string, 0, len(byHash))
	for h := range byHash {
		hashes = append(hashes, h)
	}
	problems, err := s.files.Verify(ctx, hashes)
	if err != nil {
		return FileCheck{}, err
	}
	out := FileCheck{Files: len(hashes), Items: len(items)}
	for _, p := range problems {
		out.Problems = append(out.Problems, FileProblem{Problem: p, Items: byHash[p.SHA256]})
	}
	if orgID == "" {
		err = s.files.Walk(func(sha string) error {
			if _, ok := byHash[sha]; !ok {
				out.Unreferenced = append(out.Unreferenced, sha)
			}
			return nil
		})
	}
	return out, err
}

// RequestEvidence asks a member to collect evidence for a control by a
// date; the request shows on their home page until it is fulfilled.
func (s *Service) RequestEvidence(ctx context.Context, a Access, ref, title, assigneeID string, due time.Time) (isms.EvidenceRequest, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.EvidenceRequest{}, err
	}
	lib, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return isms.EvidenceRequest{}, err
	}
	q := isms.EvidenceRequest{OrgID: a.Org.ID, Control: ref, Title: strings.TrimSpace(title), AssigneeID: assigneeID,
		DueDate: due.UTC(), Status: isms.RequestOpen}
	if err := q.Validate(); err != nil {
		return q, err
	}
	var out isms.EvidenceRequest
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		if _, err := s.resolveControl(ctx, tx, a, lib.lib, ref); err != nil {
			return err
		}
		v := &isms.ValidationError{}
		if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"assignee": assigneeID}); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		out, err = tx.SaveEvidenceRequest(ctx, q)
		return err
	})
	return out, err
}

// CancelEvidenceRequest withdraws an open request.
func (s *Service) CancelEvidenceRequest(ctx context.Context, a Access, id string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		q, err := tx.EvidenceRequest(ctx, a.Org.ID, id)
		if err != nil {
			return err
		}
		if q.Status != isms.RequestOpen {
			return &isms.ConflictError{Field: "status", Detail: fmt.Sprintf("the request is %s, not open", q.Status)}
		}
		q.Status = isms.RequestCancelled
		_, err = tx.SaveEvidenceRequest(ctx, q)
		return err
	})
}

// EvidenceRequests lists the organisation's requests.
func (s *Service) EvidenceRequests(ctx context.Context, a Access, f store.RequestFilter) ([]isms.EvidenceRequest, error) {
	if err := a.require(isms.PermRead); err != nil {
		return nil, err
	}
	return s.db.EvidenceRequests(ctx, a.Org.ID, f)
}

// MyWork is what the signed-in member is asked to do: open evidence
// requests and control tasks assigned to them.
type MyWork struct {
	Requests []isms.EvidenceRequest
	Tasks    []isms.ControlTask
	// TaskControls names the control reference of each task's control.
	TaskControls map[string]string
	// Actions are the unfinished corrective actions the member owns, and
	// ActionRecords the nonconformities they belong to, by id.
	Actions       []isms.CorrectiveAction
	ActionRecords map[string]isms.Nonconformity
	// Reviews are documents whose version in review waits for the
	// member's decision; ToRead the documents in force they have yet to
	// acknowledge.
	Reviews, ToRead []DocRow
}

// Work returns the member's open requests, tasks and corrective actions.
func (s *Service) Work(ctx context.Context, a Access) (MyWork, error) {
	var w MyWork
	if err := a.require(isms.PermRead); err != nil || a.Member.ID == "" {
		return w, err
	}
	var err error
	if w.Requests, err = s.db.EvidenceRequests(ctx, a.Org.ID, store.RequestFilter{AssigneeID: a.Member.ID, Status: isms.RequestOpen}); err != nil {
		return w, err
	}
	if w.Tasks, err = s.db.OpenTasksOf(ctx, a.Org.ID, a.Member.ID); err != nil {
		return w, err
	}
	if len(w.Tasks) > 0 {
		controls, err := s.db.Controls(ctx, a.Org.ID, "")
		if err != nil {
			return w, err
		}
		w.TaskControls = map[string]string{}
		for _, c := range controls {
			w.TaskControls[c.ID] = c.Control
		}
	}
	if w.Actions, err = s.db.OpenCorrectiveActionsOf(ctx, a.Org.ID, a.Member.ID); err != nil {
		return w, err
	}
	w.ActionRecords = map[string]isms.Nonconformity{}
	for _, c := range w.Actions {
		if _, ok := w.ActionRecords[c.NonconformityID]; ok {
			continue
		}
		n, err := s.db.Nonconformity(ctx, a.Org.ID, c.NonconformityID)
		if err != nil {
			return w, err
		}
		w.ActionRecords[n.ID] = n
	}
	docs, err := s.Documents(ctx, a, store.DocFilter{})
	if err != nil {
		return w, err
	}
	var published []string
	for _, d := range docs {
		if d.Published != nil && slices.Contains(d.Audience, a.Role) {
			published = append(published, d.Published.ID)
		}
	}
	acks, err := s.db.DocAcks(ctx, a.Org.ID, published...)
	if err != nil {
		return w, err
	}
	for _, d := range docs {
		if o := d.Open; o != nil && o.Status == isms.VersionInReview && slices.Contains(d.ApproverIDs, a.Member.ID) {
			approvals, err := s.db.DocApprovals(ctx, a.Org.ID, o.ID)
			if err != nil {
				return w, err
			}
			if !slices.ContainsFunc(approvals, func(ap isms.DocApproval) bool {
				return ap.ApproverID == a.Member.ID && ap.Approved && !ap.CreatedAt.Before(*o.SubmittedAt)
			}) {
				w.Reviews = append(w.Reviews, d)
			}
		}
		if d.Published != nil && slices.Contains(d.Audience, a.Role) && a.Role != isms.RoleAuditor {
			if _, ok := acks[d.Published.ID][a.Member.ID]; !ok {
				w.ToRead = append(w.ToRead, d)
			}
		}
	}
	return w, nil
}

// EvidenceMaxSize is the largest evidence file the store accepts, or 0
// when the server keeps no files.
func (s *Service) EvidenceMaxSize() int64 {
	if s.files == nil {
		return 0
	}
	return s.files.MaxSize()
}
