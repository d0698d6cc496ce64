package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// The ISMS context and the risk methodology are versioned documents: at
// most one version is in force (approved), at most one draft is being
// written, and every earlier version stays readable as superseded.

// approverID is who an approval is recorded against: the member, or the
// operator at the command line.
func (a Access) approverID() string {
	if a.Member.ID != "" {
		return a.Member.ID
	}
	return a.Principal.Actor()
}

// saveDraft stores content as the document's draft, starting a new draft
// when the latest version is approved or superseded.
func (s *Service) saveDraft(ctx context.Context, a Access, d store.Document, content any) (isms.Version, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Version{}, err
	}
	body, err := json.Marshal(content)
	if err != nil {
		return isms.Version{}, err
	}
	var out isms.Version
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		if err := tx.LockChain(ctx, a.Org.ID); err != nil {
			return err
		}
		latest, err := tx.LatestVersion(ctx, d, a.Org.ID)
		switch {
		case err == nil && latest.Status == isms.StatusDraft:
			if err := tx.UpdateDraft(ctx, d, a.Org.ID, latest.ID, body); err != nil {
				return err
			}
			out, err = tx.Version(ctx, d, a.Org.ID, latest.ID)
			return err
		case err != nil && !errors.Is(err, isms.ErrNotFound):
			return err
		}
		out, err = tx.CreateVersion(ctx, d, isms.Version{OrgID: a.Org.ID, Content: body, CreatedBy: a.approverID()})
		return err
	})
	return out, err
}

// approve puts a draft in force after check accepts its content.
func (s *Service) approve(ctx context.Context, a Access, d store.Document, id string, check func([]byte) error) error {
	if err := a.require(isms.PermManageOrg); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		v, err := tx.Version(ctx, d, a.Org.ID, id)
		if err != nil {
			return err
		}
		if v.Status != isms.StatusDraft {
			return &isms.ConflictError{Field: "version", Detail: fmt.Sprintf("%d is %s; only a draft can be approved", v.Number, v.Status)}
		}
		if err := check(v.Content); err != nil {
			return err
		}
		return tx.ApproveVersion(ctx, d, a.Org.ID, id, a.approverID())
	})
}

// discardDraft throws a draft away.
func (s *Service) discardDraft(ctx context.Context, a Access, d store.Document, id string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		return tx.DeleteDraft(ctx, d, a.Org.ID, id)
	})
}

// ContextVersion is one version of the ISMS context, read.
type ContextVersion struct {
	isms.Version
	Context isms.Context
}

// ContextDocument is the ISMS context as it stands: the version in force
// and the draft being written, either of which may be missing.
type ContextDocument struct {
	Approved *ContextVersion
	Draft    *ContextVersion
	Versions []isms.Version
}

func readContext(v isms.Version) (ContextVersion, error) {
	cv := ContextVersion{Version: v}
	if err := json.Unmarshal(v.Content, &cv.Context); err != nil {
		return cv, fmt.Errorf("read ISMS context version %d: %w", v.Number, err)
	}
	return cv, nil
}

// Context returns the ISMS context document.
func (s *Service) Context(ctx context.Context, a Access) (ContextDocument, error) {
	if err := a.require(isms.PermRead); err != nil {
		return ContextDocument{}, err
	}
	var doc ContextDocument
	var err error
	if doc.Versions, err = s.db.Versions(ctx, store.ContextDocument, a.Org.ID); err != nil {
		return doc, err
	}
	for _, v := range doc.Versions {
		if v.Status == isms.StatusSuperseded {
			continue
		}
		cv, err := readContext(v)
		if err != nil {
			return doc, err
		}
		if v.Status == isms.StatusDraft {
			doc.Draft = &cv
		} else {
			doc.Approved = &cv
		}
	}
	return doc, nil
}

// ContextVersionByID returns one version of the context.
func (s *Service) ContextVersionByID(ctx context.Context, a Access, id string) (ContextVersion, error) {
	if err := a.require(isms.PermRead); err != nil {
		return ContextVersion{}, err
	}
	v, err := s.db.Version(ctx, store.ContextDocument, a.Org.ID, id)
	if err != nil {
		return ContextVersion{}, err
	}
	return readContext(v)
}

// SaveContext stores the context as the draft.
func (s *Service) SaveContext(ctx context.Context, a Access, c isms.Context) (ContextVersion, error) {
	if err := c.Validate(false); err != nil {
		return ContextVersion{}, err
	}
	v := &isms.ValidationError{}
	if err := s.checkMembers(ctx, s.db, a.Org.ID, v, map[string]string{"objectives_owner_id": c.ObjectivesOwnerID}); err != nil {
		return ContextVersion{}, err
	}
	if err := v.Err(); err != nil {
		return ContextVersion{}, err
	}
	ver, err := s.saveDraft(ctx, a, store.ContextDocument, c)
	if err != nil {
		return ContextVersion{}, err
	}
	return ContextVersion{Version: ver, Context: c}, nil
}

// ApproveContext puts the draft context in force; it must be complete.
func (s *Service) ApproveContext(ctx context.Context, a Access, id string) error {
	return s.approve(ctx, a, store.ContextDocument, id, func(content []byte) error {
		var c isms.Context
		if err := json.Unmarshal(content, &c); err != nil {
			return err
		}
		return c.Validate(true)
	})
}

// DiscardContextDraft throws the draft context away.
func (s *Service) DiscardContextDraft(ctx context.Context, a Access, id string) error {
	return s.discardDraft(ctx, a, store.ContextDocument, id)
}

// MethodologyVersion is one version of the risk methodology, read. A
// version numbered 0 is the default an organisation has before it records
// its own.
type MethodologyVersion struct {
	isms.Version
	Methodology isms.Methodology
}

func readMethodology(v isms.Version) (MethodologyVersion, error) {
	mv := MethodologyVersion{Version: v}
	if err := json.Unmarshal(v.Content, &mv.Methodology); err != nil {
		return mv, fmt.Errorf("read risk methodology version %d: %w", v.Number, err)
	}
	return mv, nil
}

// MethodologyDocument is the risk methodology as it stands.
type MethodologyDocument struct {
	// Current is the version in force: the approved one, or the default
	// (number 0) until the organisation has one.
	Current  MethodologyVersion
	Draft    *MethodologyVersion
	Versions []isms.Version
	// Use counts the risks rated against each version, by version id.
	Use map[string]int
}

func defaultMethodologyVersion(orgID string) MethodologyVersion {
	return MethodologyVersion{Version: isms.Version{OrgID: orgID, Status: isms.StatusApproved}, Methodology: isms.DefaultMethodology()}
}

// Methodology returns the risk methodology document.
func (s *Service) Methodology(ctx context.Context, a Access) (MethodologyDocument, error) {
	if err := a.require(isms.PermRead); err != nil {
		return MethodologyDocument{}, err
	}
	doc := MethodologyDocument{Current: defaultMethodologyVersion(a.Org.ID)}
	var err error
	if doc.Versions, err = s.db.Versions(ctx, store.MethodologyDocument, a.Org.ID); err != nil {
		return doc, err
	}
	for _, v := range doc.Versions {
		if v.Status == isms.StatusSuperseded {
			continue
		}
		mv, err := readMethodology(v)
		if err != nil {
			return doc, err
		}
		if v.Status == isms.StatusDraft {
			doc.Draft = &mv
		} else {
			doc.Current = mv
		}
	}
	cells, err := s.riskCells(ctx, a.Org.ID, isms.RiskFilter{}, s.now())
	if err != nil {
		return doc, err
	}
	doc.Use = map[string]int{}
	for _, c := range cells {
		doc.Use[c.MethodologyID] += c.Count
	}
	return doc, nil
}

// MethodologyVersionByID returns one version of the methodology.
func (s *Service) MethodologyVersionByID(ctx context.Context, a Access, id string) (MethodologyVersion, error) {
	if err := a.require(isms.PermRead); err != nil {
		return MethodologyVersion{}, err
	}
	v, err := s.db.Version(ctx, store.MethodologyDocument, a.Org.ID, id)
	if err != nil {
		return MethodologyVersion{}, err
	}
	return readMethodology(v)
}

// SaveMethodology stores a methodology as the draft.
func (s *Service) SaveMethodology(ctx context.Context, a Access, m isms.Methodology) (MethodologyVersion, error) {
	if err := m.Validate(); err != nil {
		return MethodologyVersion{}, err
	}
	v, err := s.saveDraft(ctx, a, store.MethodologyDocument, m)
	return MethodologyVersion{Version: v, Methodology: m}, err
}

// ApproveMethodology puts the draft methodology in force. Risks keep the
// version they were rated against until they are rated again.
func (s *Service) ApproveMethodology(ctx context.Context, a Access, id string) error {
	return s.approve(ctx, a, store.MethodologyDocument, id, func(content []byte) error {
		var m isms.Methodology
		if err := json.Unmarshal(content, &m); err != nil {
			return err
		}
		return m.Validate()
	})
}

// DiscardMethodologyDraft throws the draft methodology away.
func (s *Service) DiscardMethodologyDraft(ctx context.Context, a Access, id string) error {
	return s.discardDraft(ctx, a, store.MethodologyDocument, id)
}

// methodologyInForce returns the approved methodology for rating a risk.
// An organisation that never recorded one adopts the default as version
// 1 the first time it rates a risk, so that every rating points at a
// version that stays readable; the ledger names who triggered it.
func (s *Service) methodologyInForce(ctx context.Context, tx *store.Tx, a Access) (MethodologyVersion, error) {
	v, err := tx.ApprovedVersion(ctx, store.MethodologyDocument, a.Org.ID)
	if err == nil {
		return readMethodology(v)
	}
	if !errors.Is(err, isms.ErrNotFound) {
		return MethodologyVersion{}, err
	}
	m := isms.DefaultMethodology()
	body, err := json.Marshal(m)
	if err != nil {
		return MethodologyVersion{}, err
	}
	v, err = tx.CreateVersion(ctx, store.MethodologyDocument, isms.Version{OrgID: a.Org.ID, Content: body,
		CreatedBy: a.approverID(), Status: isms.StatusApproved})
	return MethodologyVersion{Version: v, Methodology: m}, err
}

// methodologies reads the versions risks were rated against, by id.
type methodologies struct {
	orgID string
	byID  map[string]MethodologyVersion
}

func (s *Service) methodologyCache(orgID string) *methodologies {
	return &methodologies{orgID: orgID, byID: map[string]MethodologyVersion{}}
}

func (m *methodologies) get(ctx context.Context, r interface {
	Version(context.Context, store.Document, string, string) (isms.Version, error)
}, id string) (MethodologyVersion, error) {
	if mv, ok := m.byID[id]; ok {
		return mv, nil
	}
	v, err := r.Version(ctx, store.MethodologyDocument, m.orgID, id)
	if err != nil {
		return MethodologyVersion{}, err
	}
	mv, err := readMethodology(v)
	if err != nil {
		return mv, err
	}
	m.byID[id] = mv
	return mv, nil
}
