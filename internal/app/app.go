// Package app holds the use cases of isms. Every change goes the same way:
// check who is asking and what their role allows, validate the input, then
// make the change and its ledger entry in one store transaction. The HTTP
// API, the web UI and the CLI all call this package; none of them touches
// the store for a change.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/isms-dev/isms/internal/credential"
	"github.com/isms-dev/isms/internal/evidence"
	"github.com/isms-dev/isms/internal/isms"
	"github.com/isms-dev/isms/internal/store"
)

// Options tune the service; the zero value of a field means its default.
type Options struct {
	// Password is the argon2id cost for new password hashes.
	Password credential.Params
	// SessionIdle ends a session after this long without a request.
	SessionIdle time.Duration
	// SessionMax ends a session this long after sign-in, however busy.
	SessionMax time.Duration
	// Evidence is where evidence files are kept; without it, file evidence
	// is refused.
	Evidence *evidence.Files
	// ScanMaxSize is the largest scan file imported; 2 GiB when zero.
	ScanMaxSize int64
}

// Service is the application: one per process, safe for concurrent use.
type Service struct {
	db          *store.DB
	log         *slog.Logger
	passwords   *credential.Hasher
	sessionIdle time.Duration
	sessionMax  time.Duration
	// dummyHash is checked when an email is unknown, so that a failed
	// sign-in takes as long whether or not the account exists.
	dummyHash  func() (string, error)
	libs       libraryCache
	aggregates aggregateCache
	files      *evidence.Files
	scanMax    int64
}

// New returns a Service over db.
func New(db *store.DB, log *slog.Logger, opts Options) (*Service, error) {
	if opts.Password == (credential.Params{}) {
		opts.Password = credential.DefaultParams
	}
	if opts.SessionIdle == 0 {
		opts.SessionIdle = 12 * time.Hour
	}
	if opts.SessionMax == 0 {
		opts.SessionMax = 7 * 24 * time.Hour
	}
	s := &Service{
		db:          db,
		log:         log,
		passwords:   credential.NewHasher(opts.Password, runtime.NumCPU()),
		sessionIdle: opts.SessionIdle,
		sessionMax:  opts.SessionMax,
		libs:        libraryCache{entries: map[string]cachedLibrary{}},
		aggregates:  aggregateCache{entries: map[aggregateKey]aggregateEntry{}},
		files:       opts.Evidence,
		scanMax:     cmp.Or(opts.ScanMaxSize, 2<<30),
	}
	// The dummy hash costs as much memory as a sign-in (64 MiB); command
	// line operations never sign anyone in, so it is made on first use, and
	// serve makes it at start with PrepareSignIn.
	s.dummyHash = sync.OnceValues(func() (string, error) {
		return s.passwords.Hash(context.Background(), credential.NewSecret())
	})
	return s, nil
}

// PrepareSignIn does the work the first sign-in would otherwise do, so
// that it takes no longer than any other.
func (s *Service) PrepareSignIn() error {
	if _, err := s.dummyHash(); err != nil {
		return fmt.Errorf("prepare password hasher: %w", err)
	}
	return nil
}

// DB returns the store, for read-only checks such as readiness.
func (s *Service) DB() *store.DB { return s.db }

func (s *Service) now() time.Time { return s.db.Now().UTC().Truncate(time.Microsecond) }

// Principal is who is asking: a signed-in person, a script with an API
// token, or an operator at the command line with access to the database.
type Principal struct {
	User *isms.User
	// Token is set when the request came with an API token; the token
	// limits both the organisation and the role.
	Token *isms.APIToken
	// Operator names the command-line operator ("cli:alice"). Operators
	// run isms on the database directly, so they are not limited by roles,
	// but their changes are ledgered like anyone's.
	Operator string
}

// UserPrincipal returns the principal of a signed-in user.
func UserPrincipal(u isms.User) Principal { return Principal{User: &u} }

// OperatorPrincipal returns the principal of a command-line operator.
func OperatorPrincipal(name string) Principal { return Principal{Operator: name} }

// Actor is how the ledger names the principal.
func (p Principal) Actor() string {
	switch {
	case p.Token != nil:
		return "token:" + p.Token.ID
	case p.User != nil:
		return "user:" + p.User.ID
	case p.Operator != "":
		return p.Operator
	}
	return ""
}

// Access is a principal's standing in one organisation, established by
// OpenOrg. Every organisation-scoped use case takes one, so no use case can
// forget which organisation a record must belong to.
type Access struct {
	Principal Principal
	Org       isms.Organization
	// Role is what the principal may do here: the membership's role,
	// lowered to the token's role for token requests.
	Role isms.Role
	// Member is the principal's membership; empty for operators.
	Member isms.Member
}

// Can reports whether the access carries permission p.
func (a Access) Can(p isms.Permission) bool { return a.Role.Can(p) }

func (a Access) require(p isms.Permission) error {
	if !a.Can(p) {
		return fmt.Errorf("the %s role does not allow %s: %w", a.Role, p.Describe(), isms.ErrForbidden)
	}
	return nil
}

// userID returns the acting user's id, or "" for operators.
func (a Access) userID() string {
	if a.Principal.User != nil {
		return a.Principal.User.ID
	}
	return ""
}

// OpenOrg establishes what p may do in the organisation with slug. A
// principal without an active membership gets isms.ErrNotFound, exactly as
// for an organisation that does not exist, so slugs cannot be probed.
func (s *Service) OpenOrg(ctx context.Context, p Principal, slug string) (Access, error) {
	org, err := s.db.OrgBySlug(ctx, slug)
	if err != nil {
		return Access{}, err
	}
	a := Access{Principal: p, Org: org}
	if p.Operator != "" && p.User == nil {
		a.Role = isms.RoleOwner
		return a, nil
	}
	if p.User == nil || p.User.Disabled {
		return Access{}, isms.ErrUnauthenticated
	}
	if p.Token != nil && p.Token.OrgID != org.ID {
		return Access{}, fmt.Errorf("organisation %q: %w", slug, isms.ErrNotFound)
	}
	m, err := s.db.MemberByUser(ctx, org.ID, p.User.ID)
	if errors.Is(err, isms.ErrNotFound) || (err == nil && !m.Active(s.now())) {
		return Access{}, fmt.Errorf("organisation %q: %w", slug, isms.ErrNotFound)
	}
	if err != nil {
		return Access{}, err
	}
	a.Member = m
	a.Role = m.Role
	if p.Token != nil {
		a.Role = m.Role.Min(p.Token.Role)
	}
	return a, nil
}

// MyOrgs lists the organisations a user can open.
func (s *Service) MyOrgs(ctx context.Context, p Principal) ([]store.OrgMembership, error) {
	if p.User == nil {
		return nil, isms.ErrUnauthenticated
	}
	orgs, err := s.db.OrgsOfUser(ctx, p.User.ID, s.now())
	if err != nil {
		return nil, err
	}
	if p.Token != nil {
		for _, om := range orgs {
			if om.Org.ID == p.Token.OrgID {
				om.Role = om.Role.Min(p.Token.Role)
				return []store.OrgMembership{om}, nil
			}
		}
		return nil, nil
	}
	return orgs, nil
}
