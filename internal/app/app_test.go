package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
)

const password = "a long enough password"

type env struct {
	svc *app.Service
	db  *dbtest.DB
	// files is the evidence file store, in a folder of the test's own.
	files *evidence.Files
	op    app.Principal
	// clock is the service's time; tests move it.
	clock time.Time
}

func newEnv(t testing.TB, db *dbtest.DB) *env {
	t.Helper()
	e := &env{db: db, op: app.OperatorPrincipal("cli:test"), clock: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return e.clock }
	files, err := evidence.Open(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	e.files = files
	svc, err := app.New(db.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{
		Password: credential.Params{Memory: 1024, Time: 1, Threads: 1}, Evidence: files})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	if _, err := svc.CreateOrg(context.Background(), e.op, app.OrgInput{Slug: "acme", Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) opAccess(t testing.TB) app.Access {
	t.Helper()
	a, err := e.svc.OpenOrg(context.Background(), e.op, "acme")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// member adds a person with a role and returns their access to acme.
func (e *env) member(t testing.TB, email string, role isms.Role) app.Access {
	t.Helper()
	ctx := context.Background()
	in := app.MemberInput{Email: email, Name: email, Role: string(role), Password: password}
	if role == isms.RoleAuditor {
		end := e.clock.Add(30 * 24 * time.Hour)
		in.ExpiresAt = &end
	}
	if _, err := e.svc.AddMember(ctx, e.opAccess(t), in); err != nil {
		t.Fatalf("add %s: %v", email, err)
	}
	u, _, err := e.db.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.OpenOrg(ctx, app.UserPrincipal(u), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestGrantingRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		owner := e.member(t, "owner@acme.example", isms.RoleOwner)
		admin := e.member(t, "admin@acme.example", isms.RoleAdmin)
		manager := e.member(t, "manager@acme.example", isms.RoleISMSManager)
		tests := []struct {
			name string
			as   app.Access
			role isms.Role
			want error
		}{
			{"owner grants owner", owner, isms.RoleOwner, nil},
			{"admin grants admin", admin, isms.RoleAdmin, nil},
			{"admin may not grant owner", admin, isms.RoleOwner, isms.ErrForbidden},
			{"isms manager may not add members", manager, isms.RoleViewer, isms.ErrForbidden},
			{"admin grants auditor", admin, isms.RoleAuditor, nil},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := app.MemberInput{Email: string(rune('a'+i)) + "@x.example", Name: "N", Role: string(tt.role), Password: password}
				if tt.role == isms.RoleAuditor {
					end := e.clock.Add(time.Hour)
					in.ExpiresAt = &end
				}
				_, err := e.svc.AddMember(ctx, tt.as, in)
				if !errors.Is(err, tt.want) && !(tt.want == nil && err == nil) {
					t.Errorf("err = %v, want %v", err, tt.want)
				}
			})
		}
	})
}

func TestMemberValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		past := e.clock.Add(-time.Hour)
		tests := []struct {
			name  string
			in    app.MemberInput
			field string
		}{
			{"bad email", app.MemberInput{Email: "not-an-email", Name: "N", Role: "viewer"}, "email"},
			{"unknown role", app.MemberInput{Email: "a@x.example", Name: "N", Role: "boss"}, "role"},
			{"auditor without expiry", app.MemberInput{Email: "a@x.example", Name: "N", Role: "auditor"}, "expires_at"},
			{"expiry in the past", app.MemberInput{Email: "a@x.example", Name: "N", Role: "viewer", ExpiresAt: &past}, "expires_at"},
			{"short password", app.MemberInput{Email: "a@x.example", Name: "N", Role: "viewer", Password: "short"}, "password"},
			{"new account without a name", app.MemberInput{Email: "a@x.example", Role: "viewer"}, "name"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.svc.AddMember(ctx, e.opAccess(t), tt.in)
				fields := isms.FieldErrors(err)
				if len(fields) == 0 || fields[0].Field != tt.field {
					t.Errorf("err = %v, want a problem with field %s", err, tt.field)
				}
			})
		}
		if n, _ := e.db.CountUsers(ctx); n != 0 {
			t.Errorf("%d accounts were created by invalid input", n)
		}
	})
}

func TestAddingAnExistingAccountKeepsItsPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.member(t, "pat@x.example", isms.RoleViewer)
		if _, err := e.svc.CreateOrg(ctx, e.op, app.OrgInput{Slug: "beta", Name: "Beta"}); err != nil {
			t.Fatal(err)
		}
		beta, _ := e.svc.OpenOrg(ctx, e.op, "beta")
		added, err := e.svc.AddMember(ctx, beta, app.MemberInput{Email: "PAT@x.example", Role: "admin", Password: "an attacker's choice"})
		if err != nil {
			t.Fatal(err)
		}
		if added.AccountCreated || added.GeneratedPassword != "" {
			t.Errorf("existing account reported as created: %+v", added)
		}
		if _, err := e.svc.SignIn(ctx, "pat@x.example", password, "10.0.0.1"); err != nil {
			t.Errorf("the account's own password no longer works: %v", err)
		}
		if _, err := e.svc.AddMember(ctx, beta, app.MemberInput{Email: "pat@x.example", Role: "viewer"}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("adding a member twice: err = %v, want conflict", err)
		}
	})
}

func TestLastOwnerStays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		owner := e.member(t, "owner@acme.example", isms.RoleOwner)
		if _, err := e.svc.UpdateMember(ctx, owner, owner.Member.ID, app.MemberUpdate{Role: "admin"}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("demoting the last owner: err = %v, want conflict", err)
		}
		if err := e.svc.RemoveMember(ctx, owner, owner.Member.ID); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("the last owner leaving: err = %v, want conflict", err)
		}
		second := e.member(t, "second@acme.example", isms.RoleOwner)
		if err := e.svc.RemoveMember(ctx, owner, owner.Member.ID); err != nil {
			t.Errorf("an owner leaving with another owner left: %v", err)
		}
		if _, err := e.svc.UpdateMember(ctx, second, second.Member.ID, app.MemberUpdate{Role: "admin"}); !errors.Is(err, isms.ErrConflict) {
			t.Errorf("demoting the new last owner: err = %v, want conflict", err)
		}
	})
}

func TestTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		viewer := e.member(t, "viewer@acme.example", isms.RoleViewer)
		admin := e.member(t, "admin@acme.example", isms.RoleAdmin)

		if _, err := e.svc.CreateToken(ctx, viewer, app.TokenInput{Role: "admin"}); len(isms.FieldErrors(err)) == 0 {
			t.Errorf("a viewer's token with the admin role: err = %v, want a problem with role", err)
		}
		created, err := e.svc.CreateToken(ctx, admin, app.TokenInput{Name: "ci", Role: "viewer", ExpiresIn: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if !credential.LooksLikeAPIToken(created.Secret) || created.Token.Prefix != created.Secret[:11] {
			t.Errorf("token %q with prefix %q", created.Secret, created.Token.Prefix)
		}
		p, err := e.svc.AuthenticateToken(ctx, created.Secret)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := e.svc.OpenOrg(ctx, p, "acme")
		if err != nil || acc.Role != isms.RoleViewer {
			t.Fatalf("token access: role %s, %v; want viewer", acc.Role, err)
		}
		if _, err := e.svc.AddMember(ctx, acc, app.MemberInput{Email: "x@x.example", Name: "X", Role: "viewer"}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("an admin's viewer token added a member: %v", err)
		}
		if _, err := e.svc.CreateToken(ctx, acc, app.TokenInput{}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a token made a token: %v", err)
		}

		// A token cannot outlive its owner's role: demote the owner.
		full, err := e.svc.CreateToken(ctx, admin, app.TokenInput{Name: "full", ExpiresIn: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UpdateMember(ctx, e.opAccess(t), admin.Member.ID, app.MemberUpdate{Role: "contributor"}); err != nil {
			t.Fatal(err)
		}
		p, _ = e.svc.AuthenticateToken(ctx, full.Secret)
		if acc, _ := e.svc.OpenOrg(ctx, p, "acme"); acc.Role != isms.RoleContributor {
			t.Errorf("admin token of a demoted member acts as %s, want contributor", acc.Role)
		}

		// A disabled account's tokens stop at once, and work again after.
		if _, err := e.svc.SetDisabled(ctx, e.op, "admin@acme.example", true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AuthenticateToken(ctx, created.Secret); !errors.Is(err, isms.ErrUnauthenticated) {
			t.Errorf("token of a disabled account: %v", err)
		}
		if _, err := e.svc.SetDisabled(ctx, e.op, "admin@acme.example", false); err != nil {
			t.Fatal(err)
		}

		// Expired and revoked tokens stop at once.
		e.clock = e.clock.Add(2 * time.Hour)
		if _, err := e.svc.AuthenticateToken(ctx, created.Secret); !errors.Is(err, isms.ErrUnauthenticated) {
			t.Errorf("expired token: %v", err)
		}
		e.clock = e.clock.Add(-2 * time.Hour)
		if _, err := e.svc.RevokeToken(ctx, e.opAccess(t), created.Token.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AuthenticateToken(ctx, created.Secret); !errors.Is(err, isms.ErrUnauthenticated) {
			t.Errorf("revoked token: %v", err)
		}

		// Removing a member revokes their tokens in the organisation.
		if err := e.svc.RemoveMember(ctx, e.opAccess(t), admin.Member.ID); err != nil {
			t.Fatal(err)
		}
		tokens, _, _ := e.svc.ListTokens(ctx, e.opAccess(t), isms.TokenFilter{Status: isms.TokenActive})
		if len(tokens) != 0 {
			t.Errorf("%d tokens still active after their member left", len(tokens))
		}
		r, err := e.svc.VerifyLedger(ctx, e.opAccess(t))
		if err != nil || !r.OK() {
			t.Errorf("ledger after all that: %+v, %v", r.Problems, err)
		}
	})
}

func TestAuditorAccessEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		auditor := e.member(t, "auditor@cb.example", isms.RoleAuditor)
		if auditor.Can(isms.PermWriteRecords) || !auditor.Can(isms.PermRead) {
			t.Error("an auditor must read and not write")
		}
		if _, err := e.svc.CreateToken(ctx, auditor, app.TokenInput{ExpiresIn: 60 * 24 * time.Hour}); len(isms.FieldErrors(err)) == 0 {
			t.Errorf("an auditor's token outliving the membership: %v", err)
		}
		e.clock = e.clock.Add(31 * 24 * time.Hour)
		if _, err := e.svc.OpenOrg(ctx, auditor.Principal, "acme"); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("expired auditor opened the organisation: %v", err)
		}
	})
}

func TestSignInThrottling(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.member(t, "pat@x.example", isms.RoleViewer)
		for i := range 5 {
			if _, err := e.svc.SignIn(ctx, "pat@x.example", "wrong password", "10.0.0.1"); !errors.Is(err, app.ErrBadCredentials) {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		_, err := e.svc.SignIn(ctx, "pat@x.example", password, "10.0.0.2")
		var throttled *isms.ThrottledError
		if !errors.As(err, &throttled) || throttled.RetryAfterSeconds != 30 {
			t.Fatalf("sixth attempt: %v, want throttled for 30 s", err)
		}
		e.clock = e.clock.Add(31 * time.Second)
		if _, err := e.svc.SignIn(ctx, "pat@x.example", password, "10.0.0.2"); err != nil {
			t.Errorf("after waiting: %v", err)
		}
		// Unknown emails and wrong passwords look the same.
		if _, err := e.svc.SignIn(ctx, "nobody@x.example", password, "10.0.0.3"); !errors.Is(err, app.ErrBadCredentials) {
			t.Errorf("unknown email: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.member(t, "pat@x.example", isms.RoleViewer)
		user := *a.Principal.User
		secret, sess, err := e.svc.StartSession(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		other, _, err := e.svc.StartSession(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ResumeSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.ChangePassword(ctx, sess, "wrong", "a brand new passphrase"); len(isms.FieldErrors(err)) == 0 {
			t.Errorf("wrong current password accepted: %v", err)
		}
		if err := e.svc.ChangePassword(ctx, sess, password, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ResumeSession(ctx, other); !errors.Is(err, isms.ErrUnauthenticated) {
			t.Errorf("other session survived a password change: %v", err)
		}
		if _, err := e.svc.ResumeSession(ctx, secret); err != nil {
			t.Errorf("the session that changed the password was signed out: %v", err)
		}
		e.clock = e.clock.Add(13 * time.Hour)
		if _, err := e.svc.ResumeSession(ctx, secret); !errors.Is(err, isms.ErrUnauthenticated) {
			t.Errorf("idle session still valid: %v", err)
		}
	})
}

func TestOrganisationsAreApart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.member(t, "pat@x.example", isms.RoleOwner)
		if _, err := e.svc.CreateOrg(ctx, e.op, app.OrgInput{Slug: "beta", Name: "Beta"}); err != nil {
			t.Fatal(err)
		}
		beta, _ := e.svc.OpenOrg(ctx, e.op, "beta")
		added, err := e.svc.AddMember(ctx, beta, app.MemberInput{Email: "b@beta.example", Name: "B", Role: "viewer"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.OpenOrg(ctx, a.Principal, "beta"); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("acme's owner opened beta: %v", err)
		}
		// An id from another organisation is not found through acme.
		if _, err := e.svc.Member(ctx, a, added.Member.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("beta's member read through acme: %v", err)
		}
		if err := e.svc.RemoveMember(ctx, a, added.Member.ID); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("beta's member removed through acme: %v", err)
		}
		// Only instance administrators create organisations.
		if _, err := e.svc.CreateOrg(ctx, a.Principal, app.OrgInput{Slug: "gamma", Name: "G"}); !errors.Is(err, isms.ErrForbidden) {
			t.Errorf("a member created an organisation: %v", err)
		}
		if _, err := e.svc.SetInstanceAdmin(ctx, e.op, "pat@x.example", true); err != nil {
			t.Fatal(err)
		}
		u, _ := e.db.UserByID(ctx, a.Principal.User.ID)
		org, err := e.svc.CreateOrg(ctx, app.UserPrincipal(u), app.OrgInput{Slug: "gamma", Name: "Gamma"})
		if err != nil {
			t.Fatal(err)
		}
		if acc, err := e.svc.OpenOrg(ctx, app.UserPrincipal(u), org.Slug); err != nil || acc.Role != isms.RoleOwner {
			t.Errorf("creator of gamma: role %s, %v; want owner", acc.Role, err)
		}
		for _, chain := range []string{org.ID, beta.Org.ID} {
			r, err := e.db.VerifyChain(ctx, chain)
			if err != nil || !r.OK() {
				t.Errorf("chain %s: %+v %v", chain, r.Problems, err)
			}
		}
	})
}
