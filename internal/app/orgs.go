package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// OrgInput is a new organisation.
type OrgInput struct {
	Slug string
	Name string
}

// CreateOrg adds an organisation. Instance admins and operators may; a
// user who creates one becomes its owner.
func (s *Service) CreateOrg(ctx context.Context, p Principal, in OrgInput) (isms.Organization, error) {
	switch {
	case p.Operator != "" && p.User == nil:
	case p.User == nil:
		return isms.Organization{}, isms.ErrUnauthenticated
	case p.Token != nil || !p.User.InstanceAdmin:
		return isms.Organization{}, fmt.Errorf("create organisation: only instance administrators may: %w", isms.ErrForbidden)
	}
	v := &isms.ValidationError{}
	if err := isms.ValidateSlug("slug", in.Slug); err != nil {
		v.Fields = append(v.Fields, isms.FieldErrors(err)...)
	}
	name := isms.NormalizeName(v, "name", in.Name, 200)
	if err := v.Err(); err != nil {
		return isms.Organization{}, err
	}
	var org isms.Organization
	err := s.db.InTx(ctx, p.Actor(), func(tx *store.Tx) error {
		var err error
		org, err = tx.CreateOrg(ctx, in.Slug, name)
		if err != nil {
			return err
		}
		if p.User != nil {
			_, err = tx.AddMember(ctx, org.ID, p.User.ID, isms.RoleOwner, nil)
		}
		return err
	})
	if errors.Is(err, isms.ErrConflict) {
		return isms.Organization{}, &isms.ConflictError{Field: "slug", Detail: fmt.Sprintf("%q is already taken", in.Slug)}
	}
	if err != nil {
		return isms.Organization{}, fmt.Errorf("create organisation %q: %w", in.Slug, err)
	}
	s.log.InfoContext(ctx, "organisation created", "org_id", org.ID, "actor", p.Actor())
	return org, nil
}

// RenameOrg changes the organisation's display name.
func (s *Service) RenameOrg(ctx context.Context, a Access, name string) (isms.Organization, error) {
	if err := a.require(isms.PermManageOrg); err != nil {
		return isms.Organization{}, err
	}
	v := &isms.ValidationError{}
	name = isms.NormalizeName(v, "name", name, 200)
	if err := v.Err(); err != nil {
		return isms.Organization{}, err
	}
	var org isms.Organization
	err := s.db.InTx(ctx, a.Principal.Actor(), func(tx *store.Tx) error {
		var err error
		org, err = tx.RenameOrg(ctx, a.Org.ID, name)
		return err
	})
	return org, err
}

// ListAllOrgs lists every organisation of the instance, for instance
// administrators and operators.
func (s *Service) ListAllOrgs(ctx context.Context, p Principal, afterSlug string, limit int) ([]isms.Organization, error) {
	if p.Operator == "" && (p.User == nil || p.Token != nil || !p.User.InstanceAdmin) {
		return nil, fmt.Errorf("list organisations: only instance administrators may: %w", isms.ErrForbidden)
	}
	return s.db.ListOrgs(ctx, afterSlug, limit)
}

// OrgSummary counts what an organisation holds, for its overview page.
type OrgSummary struct {
	Members       int
	LedgerEntries int64
}

// Summary returns the organisation's figures.
func (s *Service) Summary(ctx context.Context, a Access) (OrgSummary, error) {
	if err := a.require(isms.PermRead); err != nil {
		return OrgSummary{}, err
	}
	members, err := s.db.CountMembers(ctx, a.Org.ID)
	if err != nil {
		return OrgSummary{}, err
	}
	head, err := s.db.LedgerHead(ctx, a.Org.ID)
	if err != nil {
		return OrgSummary{}, err
	}
	return OrgSummary{Members: members, LedgerEntries: head.Seq}, nil
}
