package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// CycleInput is a certification cycle as entered. On an update, nil
// fields stay as they are; the Set flags let an update clear a date.
type CycleInput struct {
	Body, Scope, Standard, CertificateNumber *string
	Stage1Date, Stage2Date, IssuedOn         *time.Time
	SetStage1, SetStage2, SetIssued          bool
	// ExpiresOn defaults to three years after issue when not given.
	ExpiresOn    *time.Time
	SetExpiresOn bool
}

// StartCertCycle starts a new certification cycle, which becomes the
// current one; the previous cycle stays as history.
func (s *Service) StartCertCycle(ctx context.Context, a Access, in CycleInput) (isms.CertCycle, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.CertCycle{}, err
	}
	c := isms.CertCycle{OrgID: a.Org.ID, Standard: isms.DefaultStandard}
	applyCycleInput(&c, in)
	if err := c.Validate(); err != nil {
		return c, err
	}
	var out isms.CertCycle
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		var err error
		out, err = tx.SaveCertCycle(ctx, c)
		return err
	})
	return out, err
}

// UpdateCertCycle changes a cycle; only the current one changes, because
// the others record certificates that have been replaced.
func (s *Service) UpdateCertCycle(ctx context.Context, a Access, id string, in CycleInput) (isms.CertCycle, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.CertCycle{}, err
	}
	var out isms.CertCycle
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		c, err := currentCycle(ctx, tx.Reads, a.Org.ID, id)
		if err != nil {
			return err
		}
		applyCycleInput(&c, in)
		if err := c.Validate(); err != nil {
			return err
		}
		out, err = tx.SaveCertCycle(ctx, c)
		return err
	})
	return out, err
}

func applyCycleInput(c *isms.CertCycle, in CycleInput) {
	for _, f := range []struct {
		dst *string
		src *string
	}{{&c.Body, in.Body}, {&c.Scope, in.Scope}, {&c.Standard, in.Standard}, {&c.CertificateNumber, in.CertificateNumber}} {
		if f.src != nil {
			*f.dst = strings.TrimSpace(*f.src)
		}
	}
	if in.SetStage1 {
		c.Stage1Date = in.Stage1Date
	}
	if in.SetStage2 {
		c.Stage2Date = in.Stage2Date
	}
	if in.SetIssued {
		c.IssuedOn = in.IssuedOn
	}
	if in.SetExpiresOn {
		c.ExpiresOn = in.ExpiresOn
	}
	if c.IssuedOn != nil && c.ExpiresOn == nil {
		e := c.IssuedOn.AddDate(isms.CertificateYears, 0, 0)
		c.ExpiresOn = &e
	}
}

// currentCycle returns the cycle id names, refusing any but the current.
func currentCycle(ctx context.Context, r store.Reads, orgID, id string) (isms.CertCycle, error) {
	cycles, err := r.CertCycles(ctx, orgID)
	if err != nil {
		return isms.CertCycle{}, err
	}
	for i, c := range cycles {
		if c.ID != id {
			continue
		}
		if i > 0 {
			return c, &isms.ConflictError{Field: "cycle", Detail: "is an earlier certification cycle; only the current one changes"}
		}
		return c, nil
	}
	return isms.CertCycle{}, fmt.Errorf("certification cycle %s: %w", id, isms.ErrNotFound)
}

// ExternalAuditInput is an external audit as entered; nil fields stay, and the
// Set flags let an update clear a date.
type ExternalAuditInput struct {
	Kind                  *string
	PlannedDate, DoneDate *time.Time
	SetPlanned, SetDone   bool
	LeadAuditor, Result   *string
}

// SaveExternalAudit records an audit of the current cycle, or changes one
// when auditID is set.
func (s *Service) SaveExternalAudit(ctx context.Context, a Access, auditID string, in ExternalAuditInput) (isms.ExternalAudit, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.ExternalAudit{}, err
	}
	var out isms.ExternalAudit
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		var au isms.ExternalAudit
		if auditID == "" {
			cycles, err := tx.CertCycles(ctx, a.Org.ID)
			if err != nil {
				return err
			}
			if len(cycles) == 0 {
				return &isms.ConflictError{Field: "cycle", Detail: "there is no certification cycle yet: record the certification body and scope first"}
			}
			au = isms.ExternalAudit{OrgID: a.Org.ID, CycleID: cycles[0].ID}
		} else {
			var err error
			if au, err = tx.ExternalAudit(ctx, a.Org.ID, auditID); err != nil {
				return err
			}
			if _, err := currentCycle(ctx, tx.Reads, a.Org.ID, au.CycleID); err != nil {
				return err
			}
		}
		if in.Kind != nil {
			au.Kind = isms.AuditKind(strings.TrimSpace(*in.Kind))
		}
		if in.SetPlanned {
			au.PlannedDate = in.PlannedDate
		}
		if in.SetDone {
			au.DoneDate = in.DoneDate
		}
		if in.LeadAuditor != nil {
			au.LeadAuditor = strings.TrimSpace(*in.LeadAuditor)
		}
		if in.Result != nil {
			au.Result = strings.TrimSpace(*in.Result)
		}
		if err := au.Validate(s.now()); err != nil {
			return err
		}
		var err error
		out, err = tx.SaveExternalAudit(ctx, au)
		return err
	})
	return out, err
}

// RaiseAuditFinding records a finding of an external audit in the
// nonconformity register, with the certification body as its source, and
// keeps the link to the audit, in one transaction. A finding is a
// nonconformity graded by the body, or an opportunity for improvement.
func (s *Service) RaiseAuditFinding(ctx context.Context, a Access, auditID string, in NCInput) (isms.Nonconformity, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Nonconformity{}, err
	}
	var out isms.Nonconformity
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		au, err := tx.ExternalAudit(ctx, a.Org.ID, auditID)
		if err != nil {
			return err
		}
		if !au.Done() {
			return &isms.ConflictError{Field: "audit", Detail: "has not taken place: record its date done before raising its findings"}
		}
		in.Source = string(isms.SourceExternalAudit)
		if out, err = s.raiseNonconformity(ctx, tx, a, in); err != nil {
			return err
		}
		return tx.LinkAuditFinding(ctx, a.Org.ID, au.ID, out.ID)
	})
	return out, err
}

// AuditView is an external audit with the records raised from it.
type AuditView struct {
	isms.ExternalAudit
	Findings []isms.Nonconformity
}

// Certification is the organisation's certification: the current cycle
// with its audits and calendar, and the cycles before it.
type Certification struct {
	// Current is nil until a cycle is recorded.
	Current  *isms.CertCycle
	Audits   []AuditView
	Calendar []isms.DueAudit
	// Next is the first audit of the calendar not yet done.
	Next    *isms.DueAudit
	History []isms.CertCycle
}

// Certification returns the certification as it stands now.
func (s *Service) Certification(ctx context.Context, a Access) (Certification, error) {
	if err := a.require(isms.PermRead); err != nil {
		return Certification{}, err
	}
	cycles, err := s.db.CertCycles(ctx, a.Org.ID)
	if err != nil || len(cycles) == 0 {
		return Certification{}, err
	}
	c := Certification{Current: &cycles[0], History: cycles[1:]}
	audits, err := s.db.ExternalAudits(ctx, a.Org.ID, c.Current.ID)
	if err != nil {
		return c, err
	}
	ids := make([]string, len(audits[c.Current.ID]))
	for i, au := range audits[c.Current.ID] {
		ids[i] = au.ID
	}
	findings, err := s.db.AuditFindings(ctx, a.Org.ID, ids...)
	if err != nil {
		return c, err
	}
	for _, au := range audits[c.Current.ID] {
		c.Audits = append(c.Audits, AuditView{ExternalAudit: au, Findings: findings[au.ID]})
	}
	c.Calendar = c.Current.Calendar(audits[c.Current.ID], s.now())
	c.Next = isms.Next(c.Calendar)
	return c, nil
}
