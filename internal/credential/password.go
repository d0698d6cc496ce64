// Package credential makes and checks the secrets people and scripts sign
// in with: argon2id password hashes, and random tokens of which only a
// hash is stored.
package credential

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost settings. They are stored in every hash, so
// raising them later leaves existing hashes verifiable.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams follow RFC 9106's second recommended option (64 MiB,
// three passes). Each check holds that memory while it runs, which is why
// Hasher bounds how many run at once.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
)

// ErrMismatch: the password does not match the hash.
var ErrMismatch = errors.New("password does not match")

// Hasher hashes and checks passwords with bounded concurrency, so a burst
// of sign-ins cannot exhaust the server's memory.
type Hasher struct {
	params Params
	slots  chan struct{}
}

// NewHasher returns a Hasher that runs at most concurrency hashes at once.
func NewHasher(p Params, concurrency int) *Hasher {
	return &Hasher{params: p, slots: make(chan struct{}, max(1, concurrency))}
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait to hash password: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC string form of password's argon2id hash:
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<key>.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Check compares password with a hash made by Hash, in constant time. It
// returns ErrMismatch when they differ and another error when the hash is
// malformed.
func (h *Hasher) Check(ctx context.Context, password, encoded string) error {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return err
	}
	if err := h.acquire(ctx); err != nil {
		return err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return ErrMismatch
	}
	return nil
}

// NeedsRehash reports whether encoded was made with other parameters than
// h's, so a successful sign-in can upgrade it.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, _, _, err := parseHash(encoded)
	return err != nil || p != h.params
}

func parseHash(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("password hash is not in argon2id PHC form")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("password hash has unsupported argon2 version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("password hash parameters %q: %w", parts[3], err)
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.Memory > 4*1024*1024 {
		return p, nil, nil, fmt.Errorf("password hash parameters %q are out of range", parts[3])
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, fmt.Errorf("password hash salt: %w", err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return p, nil, nil, errors.New("password hash key is malformed")
	}
	return p, salt, key, nil
}
