package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/isms-dev/isms/internal/dbtest"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/ledger"
	"github.com/isms-dev/isms/internal/store"
)

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	lite, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []store.Migration) (out []string) {
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	if !slices.Equal(names(lite), names(pg)) {
		t.Errorf("sqlite migrations %v differ from postgres migrations %v", names(lite), names(pg))
	}
}

func TestMigrate(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, dbtest.Options(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			st, err := db.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !st.Empty || st.Current != 0 || st.UpToDate() {
				t.Errorf("fresh database status = %+v, want empty at version 0", st)
			}
			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) != st.Latest {
				t.Errorf("applied %d migrations, want %d", len(applied), st.Latest)
			}
			again, err := db.Migrate(ctx)
			if err != nil || len(again) != 0 {
				t.Errorf("second migrate applied %d, err %v; want none", len(again), err)
			}
			st, err = db.Status(ctx)
			if err != nil || !st.UpToDate() || st.Empty {
				t.Errorf("after migrate status = %+v, err %v", st, err)
			}
		})
	}
}

// fixture is an organisation with an owner, made through the store the
// way the application makes it.
type fixture struct {
	org   isms.Organization
	owner isms.User
	mem   isms.Member
}

func newFixture(t *testing.T, db *store.DB, slug string) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	err := db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
		var err error
		if f.org, err = tx.CreateOrg(ctx, slug, "Org "+slug); err != nil {
			return err
		}
		if f.owner, err = tx.CreateUser(ctx, "owner@"+slug+".example", "Owner", "$argon2id$fake", false); err != nil {
			return err
		}
		f.mem, err = tx.AddMember(ctx, f.org.ID, f.owner.ID, isms.RoleOwner, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustVerify(t *testing.T, db *store.DB, chain string) ledger.Report {
	t.Helper()
	r, err := db.VerifyChain(context.Background(), chain)
	if err != nil {
		t.Fatalf("verify %s: %v", chain, err)
	}
	return r
}

func TestRecordsAndLedger(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		f := newFixture(t, db.DB, "acme")

		got, err := db.OrgBySlug(ctx, "acme")
		if err != nil || got.ID != f.org.ID || got.Name != "Org acme" {
			t.Fatalf("OrgBySlug = %+v, %v", got, err)
		}
		if _, err := db.OrgBySlug(ctx, "nope"); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("OrgBySlug(unknown) err = %v, want ErrNotFound", err)
		}
		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			_, err := tx.CreateOrg(ctx, "acme", "Again")
			return err
		})
		if !errors.Is(err, isms.ErrConflict) {
			t.Errorf("duplicate slug err = %v, want ErrConflict", err)
		}

		expires := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Microsecond)
		var auditor isms.Member
		err = db.InTx(ctx, "user:"+f.owner.ID, func(tx *store.Tx) error {
			u, err := tx.CreateUser(ctx, "auditor@cb.example", "Audrey", "$argon2id$fake2", false)
			if err != nil {
				return err
			}
			if auditor, err = tx.AddMember(ctx, f.org.ID, u.ID, isms.RoleAuditor, &expires); err != nil {
				return err
			}
			_, err = tx.UpdateMember(ctx, f.org.ID, auditor.ID, isms.RoleViewer, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if auditor.ExpiresAt == nil || !auditor.ExpiresAt.Equal(expires) {
			t.Errorf("expiry round trip: got %v, want %v", auditor.ExpiresAt, expires)
		}
		members, err := db.ListMembers(ctx, f.org.ID, isms.MemberFilter{Role: isms.RoleViewer})
		if err != nil || len(members) != 1 || members[0].Email != "auditor@cb.example" || members[0].ExpiresAt != nil {
			t.Fatalf("ListMembers(viewer) = %+v, %v", members, err)
		}
		members, err = db.ListMembers(ctx, f.org.ID, isms.MemberFilter{Query: "AUD"})
		if err != nil || len(members) != 1 {
			t.Errorf("ListMembers(query) = %+v, %v", members, err)
		}
		members, err = db.ListMembers(ctx, f.org.ID, isms.MemberFilter{Query: "%"})
		if err != nil || len(members) != 0 {
			t.Errorf("ListMembers(%%) matched %d members: LIKE wildcards must be escaped", len(members))
		}

		entries, err := db.ListLedger(ctx, store.LedgerFilter{Chain: f.org.ID})
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		for _, e := range entries {
			seen = append(seen, fmt.Sprintf("%d %s %s", e.Seq, e.RecordType, e.Action))
		}
		want := []string{"4 member update", "3 member create", "2 member create", "1 organization create"}
		if !slices.Equal(seen, want) {
			t.Errorf("org ledger = %v, want %v", seen, want)
		}
		if entries[0].Actor != "user:"+f.owner.ID {
			t.Errorf("actor = %q", entries[0].Actor)
		}
		for _, chain := range []string{f.org.ID, ledger.InstanceChain} {
			if r := mustVerify(t, db.DB, chain); !r.OK() {
				t.Errorf("verify %s: %+v", chain, r.Problems)
			}
		}

		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error { return tx.RemoveMember(ctx, f.org.ID, auditor.ID) })
		if err != nil {
			t.Fatal(err)
		}
		if r := mustVerify(t, db.DB, f.org.ID); !r.OK() || r.HeadSeq != 5 {
			t.Errorf("after removal: head %d, problems %+v", r.HeadSeq, r.Problems)
		}
	})
}

func TestTransactionRollsBackWithItsEntries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		f := newFixture(t, db.DB, "acme")
		boom := errors.New("boom")
		err := db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			if _, err := tx.RenameOrg(ctx, f.org.ID, "Renamed"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		org, _ := db.OrgByID(ctx, f.org.ID)
		if org.Name != "Org acme" {
			t.Errorf("name = %q after rollback", org.Name)
		}
		if r := mustVerify(t, db.DB, f.org.ID); !r.OK() || r.HeadSeq != 2 {
			t.Errorf("after rollback: head %d, problems %+v", r.HeadSeq, r.Problems)
		}
		if err := db.InTx(ctx, "", func(*store.Tx) error { return nil }); err == nil {
			t.Error("a transaction without an actor was accepted")
		}
	})
}

func TestTamperingIsReported(t *testing.T) {
	tests := []struct {
		name  string
		chain func(f fixture) string
		sql   func(f fixture) (string, []any)
		kind  ledger.ProblemKind
		named func(f fixture) string
	}{
		{
			name: "role raised with UPDATE",
			sql: func(f fixture) (string, []any) {
				return `UPDATE memberships SET role = 'viewer' WHERE id = $1`, []any{f.mem.ID}
			},
			kind:  ledger.ProblemModified,
			named: func(f fixture) string { return "member " + f.mem.ID },
		},
		{
			name:  "password hash swapped",
			chain: func(fixture) string { return ledger.InstanceChain },
			sql: func(f fixture) (string, []any) {
				return `UPDATE users SET password_hash = 'known' WHERE id = $1`, []any{f.owner.ID}
			},
			kind:  ledger.ProblemModified,
			named: func(f fixture) string { return "user " + f.owner.ID },
		},
		{
			name:  "member deleted",
			sql:   func(f fixture) (string, []any) { return `DELETE FROM memberships WHERE id = $1`, []any{f.mem.ID} },
			kind:  ledger.ProblemDeleted,
			named: func(f fixture) string { return "member " + f.mem.ID },
		},
		{
			name: "member inserted",
			sql: func(f fixture) (string, []any) {
				return `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
					SELECT 'mallory', 'mallory@evil.example', 'M', password_hash, created_at, updated_at FROM users WHERE id = '` + f.owner.ID + `';
					INSERT INTO memberships (id, org_id, user_id, role, created_at, updated_at)
					SELECT 'intruder', org_id, 'mallory', 'admin', created_at, updated_at FROM memberships WHERE id = '` + f.mem.ID + `'`, nil
			},
			kind:  ledger.ProblemUnrecorded,
			named: func(fixture) string { return "member intruder" },
		},
		{
			name: "organisation renamed",
			sql: func(f fixture) (string, []any) {
				return `UPDATE organizations SET name = 'Evil' WHERE id = $1`, []any{f.org.ID}
			},
			kind:  ledger.ProblemModified,
			named: func(f fixture) string { return "organization " + f.org.ID },
		},
		{
			name: "ledger entry edited after dropping the guard",
			sql: func(f fixture) (string, []any) {
				return dropGuard + `UPDATE ledger_entries SET actor = 'user:someone-else' WHERE chain = '` + f.org.ID + `' AND seq = 2`, nil
			},
			kind:  ledger.ProblemHash,
			named: func(f fixture) string { return "member " + f.mem.ID },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
				f := newFixture(t, db.DB, "acme")
				chain := f.org.ID
				if tt.chain != nil {
					chain = tt.chain(f)
				}
				if r := mustVerify(t, db.DB, chain); !r.OK() {
					t.Fatalf("before tampering: %+v", r.Problems)
				}
				query, args := tt.sql(f)
				if strings.HasPrefix(query, dropGuard) && db.Dialect() == store.Postgres {
					query = dropGuardPG + strings.TrimPrefix(query, dropGuard)
				}
				db.Tamper(t, query, args...)
				r := mustVerify(t, db.DB, chain)
				if r.OK() {
					t.Fatal("tampering went unnoticed")
				}
				found := false
				for _, p := range r.Problems {
					if p.Kind == tt.kind && p.RecordType+" "+p.RecordID == tt.named(f) {
						found = true
					}
				}
				if !found {
					t.Errorf("want a %s problem naming %s; got %+v", tt.kind, tt.named(f), r.Problems)
				}
			})
		})
	}
}

const (
	dropGuard   = "DROP TRIGGER ledger_entries_no_update; "
	dropGuardPG = "DROP TRIGGER ledger_entries_append_only ON ledger_entries; "
)

func TestLedgerRefusesUpdates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		newFixture(t, db.DB, "acme")
		ctx := context.Background()
		err := db.InTx(ctx, "cli:test", func(tx *store.Tx) error { return tx.TamperForTest(ctx, `DELETE FROM ledger_entries`) })
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("DELETE FROM ledger_entries: err = %v, want the append-only guard", err)
		}
	})
}

func TestConcurrentAppendsKeepTheChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		f := newFixture(t, db.DB, "acme")
		const writers, each = 4, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					errs <- db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
						_, err := tx.RenameOrg(ctx, f.org.ID, fmt.Sprintf("Name %d-%d", w, i))
						return err
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		r := mustVerify(t, db.DB, f.org.ID)
		if !r.OK() || r.HeadSeq != 2+writers*each {
			t.Errorf("head %d (want %d), problems %+v", r.HeadSeq, 2+writers*each, r.Problems)
		}
	})
}

func TestTokensAndSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		f := newFixture(t, db.DB, "acme")
		now := db.Now().UTC().Truncate(time.Microsecond)
		var tok isms.APIToken
		err := db.InTx(ctx, "cli:test", func(tx *store.Tx) error {
			var err error
			tok, err = tx.CreateToken(ctx, isms.APIToken{OrgID: f.org.ID, UserID: f.owner.ID, Name: "ci", Role: isms.RoleViewer,
				Prefix: "isms_abc", ExpiresAt: now.Add(time.Hour)}, "digest-1")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.TokenBySecretHash(ctx, "digest-1")
		if err != nil || got.ID != tok.ID || got.UserEmail != f.owner.Email || got.LastUsedAt != nil {
			t.Fatalf("TokenBySecretHash = %+v, %v", got, err)
		}
		if err := db.TouchToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Token(ctx, f.org.ID, tok.ID); got.LastUsedAt == nil {
			t.Error("last use not noted")
		}
		active, err := db.ListTokens(ctx, f.org.ID, isms.TokenFilter{Status: isms.TokenActive}, now)
		if err != nil || len(active) != 1 {
			t.Errorf("active tokens = %d, %v", len(active), err)
		}
		err = db.InTx(ctx, "cli:test", func(tx *store.Tx) error { return tx.RevokeUserTokens(ctx, f.org.ID, f.owner.ID) })
		if err != nil {
			t.Fatal(err)
		}
		revoked, _ := db.ListTokens(ctx, f.org.ID, isms.TokenFilter{Status: isms.TokenRevoked}, now)
		if len(revoked) != 1 || revoked[0].Status(now) != isms.TokenRevoked {
			t.Errorf("revoked tokens = %+v", revoked)
		}
		if r := mustVerify(t, db.DB, f.org.ID); !r.OK() {
			t.Errorf("token use must not disturb the ledger: %+v", r.Problems)
		}

		s := store.Session{IDHash: "h1", UserID: f.owner.ID, CSRFToken: "c", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got, err := db.SessionByHash(ctx, "h1", now); err != nil || got.UserID != f.owner.ID {
			t.Errorf("SessionByHash = %+v, %v", got, err)
		}
		if _, err := db.SessionByHash(ctx, "h1", now.Add(2*time.Hour)); !errors.Is(err, isms.ErrNotFound) {
			t.Errorf("expired session found: %v", err)
		}
		for range 3 {
			if err := db.RecordLoginFailure(ctx, "email:x", now); err != nil {
				t.Fatal(err)
			}
		}
		n, last, err := db.LoginFailures(ctx, "email:x", now.Add(-time.Minute))
		if err != nil || n != 3 || !last.Equal(now) {
			t.Errorf("LoginFailures = %d, %v, %v", n, last, err)
		}
	})
}
