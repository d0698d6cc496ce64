package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

type memberForm struct {
	Email, Name, Role, ExpiresAt, Password string
}

type membersPage struct {
	Page
	Members []isms.Member
	Next    string
	Filter  isms.MemberFilter
	Roles   []isms.Role
	Form    memberForm
	Errors  map[string]string
	// Added reports a new account's generated first password, shown once.
	Added *app.MemberAdded
}

func (u *UI) listMembers(q *request, page *membersPage) error {
	query := q.r.URL.Query()
	page.Title, page.Section = "Members", "members"
	page.Roles = grantable(q.access.Role)
	page.Filter = isms.MemberFilter{Role: isms.Role(query.Get("role")), Query: query.Get("q"), Cursor: query.Get("cursor")}
	members, next, err := u.svc.ListMembers(q.r.Context(), q.access, page.Filter)
	if err != nil {
		return err
	}
	page.Members, page.Next = members, next
	return nil
}

// grantable lists the roles a member with role may hand out.
func grantable(role isms.Role) []isms.Role {
	var out []isms.Role
	for _, r := range isms.Roles {
		if (r != isms.RoleOwner || role.Can(isms.PermManageOwners)) && role.AtLeast(r) {
			out = append(out, r)
		}
	}
	return out
}

func (u *UI) membersPage(q *request) error {
	page := &membersPage{Form: memberForm{Role: string(isms.RoleContributor)}}
	if err := u.listMembers(q, page); err != nil {
		return err
	}
	return u.render(q, http.StatusOK, "members", page)
}

// parseDate reads a date input (YYYY-MM-DD) as the end of that day in UTC,
// so an expiry "on 31 January" lasts through that day.
func parseDate(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return nil, isms.Invalid(field, "%q is not a date", s)
	}
	end := d.Add(24*time.Hour - time.Microsecond)
	return &end, nil
}

func (u *UI) addMember(q *request) error {
	f := memberForm{
		Email: q.r.PostFormValue("email"), Name: q.r.PostFormValue("name"), Role: q.r.PostFormValue("role"),
		ExpiresAt: q.r.PostFormValue("expires_at"), Password: q.r.PostFormValue("password"),
	}
	expires, err := parseDate("expires_at", f.ExpiresAt)
	var added app.MemberAdded
	if err == nil {
		added, err = u.svc.AddMember(q.r.Context(), q.access, app.MemberInput{
			Email: f.Email, Name: f.Name, Role: f.Role, ExpiresAt: expires, Password: f.Password,
		})
	}
	var conflict *isms.ConflictError
	if fields := isms.FieldErrors(err); fields != nil || errors.As(err, &conflict) {
		f.Password = ""
		page := &membersPage{Form: f, Errors: fieldMap(fields)}
		if conflict != nil {
			page.Errors = map[string]string{conflict.Field: conflict.Detail}
		}
		if err := u.listMembers(q, page); err != nil {
			return err
		}
		return u.render(q, http.StatusUnprocessableEntity, "members", page)
	}
	if err != nil {
		return err
	}
	if added.GeneratedPassword != "" {
		// Shown on this response only: never stored, never redirected.
		page := &membersPage{Added: &added, Form: memberForm{Role: string(isms.RoleContributor)}}
		if err := u.listMembers(q, page); err != nil {
			return err
		}
		return u.render(q, http.StatusCreated, "members", page)
	}
	return u.redirect(q, q.orgPath("members"), added.Member.Email+" is now a member with the "+added.Member.Role.Label()+" role.")
}

type memberPage struct {
	Page
	Member  isms.Member
	Roles   []isms.Role
	Form    memberForm
	Errors  map[string]string
	History []entryView
	IsSelf  bool
}

func (u *UI) showMember(q *request, status int, m isms.Member, form memberForm, errs map[string]string) error {
	entries, err := u.recordHistory(q, "member", m.ID)
	if err != nil {
		return err
	}
	if form.Role == "" {
		form.Role = string(m.Role)
		form.ExpiresAt = formatDate(m.ExpiresAt)
	}
	return u.render(q, status, "member", &memberPage{
		Page:   Page{Title: m.Name, Section: "members"},
		Member: m, Roles: grantable(q.access.Role), Form: form, Errors: errs, History: entries,
		IsSelf: m.ID == q.access.Member.ID,
	})
}

func (u *UI) memberPage(q *request) error {
	m, err := u.svc.Member(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.showMember(q, http.StatusOK, m, memberForm{}, nil)
}

func (u *UI) updateMember(q *request) error {
	m, err := u.svc.Member(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	f := memberForm{Role: q.r.PostFormValue("role"), ExpiresAt: q.r.PostFormValue("expires_at")}
	expires, err := parseDate("expires_at", f.ExpiresAt)
	if err == nil {
		_, err = u.svc.UpdateMember(q.r.Context(), q.access, m.ID, app.MemberUpdate{Role: f.Role, ExpiresAt: expires})
	}
	var conflict *isms.ConflictError
	if fields := isms.FieldErrors(err); fields != nil || errors.As(err, &conflict) {
		errs := fieldMap(fields)
		if conflict != nil {
			errs = map[string]string{conflict.Field: conflict.Detail}
		}
		return u.showMember(q, http.StatusUnprocessableEntity, m, f, errs)
	}
	if err != nil {
		return err
	}
	return u.redirect(q, q.orgPath("members", m.ID), "Membership of "+m.Email+" updated.")
}

func (u *UI) removeMember(q *request) error {
	m, err := u.svc.Member(q.r.Context(), q.access, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	err = u.svc.RemoveMember(q.r.Context(), q.access, m.ID)
	var conflict *isms.ConflictError
	if errors.As(err, &conflict) {
		return u.showMember(q, http.StatusConflict, m, memberForm{}, map[string]string{"remove": conflict.Detail})
	}
	if err != nil {
		return err
	}
	if m.ID == q.access.Member.ID {
		return u.redirect(q, "/orgs", "You left "+q.access.Org.Name+".")
	}
	return u.redirect(q, q.orgPath("members"), m.Email+" was removed from the organisation and their API tokens here were revoked.")
}
