package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/isms-dev/isms/internal/framework"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/soa"
	"github.com/isms-dev/isms/internal/store"
)

// ControlInput changes an organisation's record of a control. Nil fields
// stay as they are, so the statement's inline editing can send one field.
type ControlInput struct {
	Applicability   *string
	ExclusionReason *string
	Status          *string
	OwnerID         *string
	Implementation  *string
	ReviewCadence   *string
	EvidenceCadence *string
	Notes           *string
	Links           *[]isms.Link
	// Reviewed records that the control was reviewed now.
	Reviewed bool
	// Title and Description apply to the organisation's own controls.
	Title       *string
	Description *string
}

// resolveControl checks that ref names an annex control of a framework the
// library holds, or one of the organisation's own, and returns its record
// (empty, not stored, when nobody has touched it yet).
func (s *Service) resolveControl(ctx context.Context, r interface {
	Control(ctx context.Context, orgID, ref string) (isms.Control, error)
}, a Access, lib *framework.Library, ref string) (isms.Control, error) {
	c, err := r.Control(ctx, a.Org.ID, ref)
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, isms.ErrNotFound) {
		return c, err
	}
	pr, perr := framework.ParseRef(ref)
	if perr != nil {
		return c, fmt.Errorf("control %q: %w", ref, isms.ErrNotFound)
	}
	if pr.Framework == isms.CustomFramework {
		return c, fmt.Errorf("control %q: %w", ref, isms.ErrNotFound)
	}
	_, it, ok := lib.Resolve(pr)
	if !ok || it.Kind != framework.ItemControl {
		return c, fmt.Errorf("control %q: %w", ref, isms.ErrNotFound)
	}
	return isms.Control{OrgID: a.Org.ID, Control: ref, Status: isms.NotStarted, Links: []isms.Link{}}, nil
}

// UpdateControl changes the record of a control. ISMS managers and above
// change any control; a contributor only the controls they own, and not
// whom they belong to.
func (s *Service) UpdateControl(ctx context.Context, a Access, ref string, in ControlInput) (isms.Control, error) {
	lib, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return isms.Control{}, err
	}
	var out isms.Control
	err = s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		c, err := s.resolveControl(ctx, tx, a, lib.lib, ref)
		if err != nil {
			return err
		}
		if err := a.mayEdit("control", c.OwnerID); err != nil {
			return err
		}
		if !a.Can(isms.PermWriteRecords) && (in.OwnerID != nil && *in.OwnerID != c.OwnerID || in.Applicability != nil) {
			return fmt.Errorf("a contributor may not change a control's owner or applicability: %w", isms.ErrForbidden)
		}
		v := &isms.ValidationError{}
		if err := applyControlInput(&c, in, v, s.now()); err != nil {
			return err
		}
		if in.OwnerID != nil {
			if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"owner": c.OwnerID}); err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
		out, err = tx.SaveControl(ctx, c)
		return err
	})
	return out, err
}

func applyControlInput(c *isms.Control, in ControlInput, v *isms.ValidationError, now time.Time) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	if in.Applicability != nil {
		c.Applicability = isms.Applicability(strings.TrimSpace(*in.Applicability))
		if c.Applicability != isms.Excluded && in.ExclusionReason == nil {
			c.ExclusionReason = ""
		}
	}
	set(&c.ExclusionReason, in.ExclusionReason)
	if in.Status != nil {
		c.Status = isms.ImplementationStatus(strings.TrimSpace(*in.Status))
	}
	set(&c.OwnerID, in.OwnerID)
	set(&c.Implementation, in.Implementation)
	set(&c.Notes, in.Notes)
	if in.Title != nil || in.Description != nil {
		if !c.IsCustom() {
			v.Add("title", "the title and description of a standard's control are the standard's; write the organisation's own text in implementation")
		}
		set(&c.Title, in.Title)
		set(&c.Description, in.Description)
	}
	var err error
	if in.ReviewCadence != nil {
		if c.ReviewCadence, err = isms.ParseCadence("review_cadence", *in.ReviewCadence); err != nil {
			return err
		}
	}
	if in.EvidenceCadence != nil {
		if c.EvidenceCadence, err = isms.ParseCadence("evidence_cadence", *in.EvidenceCadence); err != nil {
			return err
		}
	}
	if in.Links != nil {
		c.Links = *in.Links
	}
	if in.Reviewed {
		c.LastReviewed = &now
	}
	return nil
}

var customCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// CreateCustomControl adds one of the organisation's own controls, which
// appears in every statement after the annex.
func (s *Service) CreateCustomControl(ctx context.Context, a Access, code, title, description string) (isms.Control, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.Control{}, err
	}
	code = strings.TrimSpace(code)
	if !customCode.MatchString(code) {
		return isms.Control{}, isms.Invalid("code", "%q must be 1 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit", code)
	}
	c := isms.Control{OrgID: a.Org.ID, Control: isms.CustomFramework + ":" + code, Title: strings.TrimSpace(title),
		Description: strings.TrimSpace(description), Applicability: isms.Included, Status: isms.NotStarted, Links: []isms.Link{}}
	if err := c.Validate(); err != nil {
		return c, err
	}
	var out isms.Control
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		var err error
		out, err = tx.SaveControl(ctx, c)
		return err
	})
	return out, err
}

// savedControl returns the stored record of a control, creating an empty
// one for a control nobody has touched, so reasons and tasks have a row to
// belong to.
func (s *Service) savedControl(ctx context.Context, tx *store.Tx, a Access, ref string) (isms.Control, error) {
	lib, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return isms.Control{}, err
	}
	c, err := s.resolveControl(ctx, tx, a, lib.lib, ref)
	if err != nil || c.ID != "" {
		return c, err
	}
	return tx.SaveControl(ctx, c)
}

// AddControlReason records a legal, contractual or business reason to
// include a control, with the link to where it is written down.
func (s *Service) AddControlReason(ctx context.Context, a Access, ref string, kind, title, url string) (isms.ControlReason, error) {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return isms.ControlReason{}, err
	}
	rs := isms.ControlReason{OrgID: a.Org.ID, Kind: isms.ReasonKind(strings.TrimSpace(kind)), Title: strings.TrimSpace(title),
		URL: strings.TrimSpace(url)}
	if err := rs.Validate(); err != nil {
		return rs, err
	}
	var out isms.ControlReason
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		c, err := s.savedControl(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		rs.ControlID = c.ID
		out, err = tx.AddControlReason(ctx, rs)
		return err
	})
	return out, err
}

// RemoveControlReason deletes a documented reason of a control.
func (s *Service) RemoveControlReason(ctx context.Context, a Access, ref, id string) error {
	if err := a.require(isms.PermWriteRecords); err != nil {
		return err
	}
	return s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		c, err := tx.Control(ctx, a.Org.ID, ref)
		if err != nil {
			return err
		}
		return tx.RemoveControlReason(ctx, a.Org.ID, c.ID, id)
	})
}

// TaskInput is an implementation task as entered.
type TaskInput struct {
	Title      string
	AssigneeID string
	DueDate    *time.Time
	Status     string
}

// SaveControlTask adds an implementation task to a control, or changes
// one when id is set. The control's owner may manage its tasks.
func (s *Service) SaveControlTask(ctx context.Context, a Access, ref, id string, in TaskInput) (isms.ControlTask, error) {
	var out isms.ControlTask
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		var err error
		out, err = s.saveControlTask(ctx, tx, a, ref, id, in)
		return err
	})
	return out, err
}

// saveControlTask is SaveControlTask inside a transaction, for use cases
// that add a task together with other changes.
func (s *Service) saveControlTask(ctx context.Context, tx *store.Tx, a Access, ref, id string, in TaskInput) (isms.ControlTask, error) {
	c, err := s.savedControl(ctx, tx, a, ref)
	if err != nil {
		return isms.ControlTask{}, err
	}
	if err := a.mayEdit("control", c.OwnerID); err != nil {
		return isms.ControlTask{}, err
	}
	t := isms.ControlTask{OrgID: a.Org.ID, ControlID: c.ID, Status: isms.TaskOpen}
	if id != "" {
		if t, err = tx.ControlTask(ctx, a.Org.ID, c.ID, id); err != nil {
			return t, err
		}
	}
	t.Title, t.AssigneeID, t.DueDate = strings.TrimSpace(in.Title), strings.TrimSpace(in.AssigneeID), in.DueDate
	if in.Status != "" {
		t.Status = isms.TaskStatus(in.Status)
	}
	v := &isms.ValidationError{}
	if err := s.checkMembers(ctx, tx, a.Org.ID, v, map[string]string{"assignee": t.AssigneeID}); err != nil {
		return t, err
	}
	if err := v.Err(); err != nil {
		return t, err
	}
	if err := t.Validate(); err != nil {
		return t, err
	}
	return tx.SaveControlTask(ctx, t)
}

// ControlDetail answers the auditor's "show me how you do A.8.8": the
// requirement, the organisation's statement, owners, the risks it treats,
// the evidence, the tasks and open evidence requests.
type ControlDetail struct {
	Framework *framework.Framework
	// Item is the standard's text; nil for the organisation's own controls.
	Item     *framework.Item
	Record   isms.Control
	Entry    soa.Entry
	Reasons  []isms.ControlReason
	Tasks    []isms.ControlTask
	Requests []isms.EvidenceRequest
	// Members names the organisation's members by membership id.
	Members map[string]string
}

// Control returns everything the organisation records about a control.
func (s *Service) Control(ctx context.Context, a Access, ref string) (ControlDetail, error) {
	if err := a.require(isms.PermRead); err != nil {
		return ControlDetail{}, err
	}
	c, err := s.library(ctx, a.Org.ID)
	if err != nil {
		return ControlDetail{}, err
	}
	var d ControlDetail
	if d.Record, err = s.resolveControl(ctx, s.db.Reads, a, c.lib, ref); err != nil {
		return d, err
	}
	pr, _ := framework.ParseRef(ref)
	fwID := pr.Framework
	if d.Record.IsCustom() {
		fwID = framework.ISO27001v2022
	} else {
		d.Framework, d.Item, _ = c.lib.Resolve(pr)
	}
	fw, lib, err := s.soaFramework(ctx, a, fwID)
	if err != nil {
		if !errors.Is(err, isms.ErrNotFound) || d.Framework == nil {
			return d, err
		}
		// A control of a framework the organisation does not run still
		// gets its entry, derived the same way, so the page can show it.
		fw, lib = d.Framework, c.lib
	}
	doc, err := s.buildSoA(ctx, s.db.Reads, a, fw, lib)
	if err != nil {
		return d, err
	}
	for _, e := range doc.Entries {
		if e.Control == ref {
			d.Entry = e
		}
	}
	if d.Record.ID != "" {
		reasons, err := s.db.ControlReasons(ctx, a.Org.ID)
		if err != nil {
			return d, err
		}
		d.Reasons = reasons[d.Record.ID]
		if d.Tasks, err = s.db.ControlTasks(ctx, a.Org.ID, d.Record.ID); err != nil {
			return d, err
		}
	}
	if d.Requests, err = s.db.EvidenceRequests(ctx, a.Org.ID, store.RequestFilter{Control: ref}); err != nil {
		return d, err
	}
	members, err := s.db.AllMembers(ctx, a.Org.ID)
	if err != nil {
		return d, err
	}
	d.Members = map[string]string{}
	for _, m := range members {
		d.Members[m.ID] = m.Name
	}
	return d, nil
}
