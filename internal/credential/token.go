package credential

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// TokenPrefix starts every API token, so secret scanners and people can
// recognise one.
const TokenPrefix = "isms_"

// NewSecret returns 256 random bits in URL-safe base64.
func NewSecret() string {
	b := make([]byte, 32)
	// crypto/rand.Read never fails on supported platforms (Go 1.24+).
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewAPIToken returns a new API token and the part of it safe to display.
func NewAPIToken() (token, display string) {
	token = TokenPrefix + NewSecret()
	return token, token[:len(TokenPrefix)+6]
}

// LooksLikeAPIToken reports whether s has the form of an API token.
func LooksLikeAPIToken(s string) bool {
	return strings.HasPrefix(s, TokenPrefix) && len(s) == len(TokenPrefix)+43
}

// Digest is the stored form of a session or API token: SHA-256 is enough
// because the secret has 256 bits of entropy, so there is nothing to
// brute-force, and lookups stay a simple indexed equality.
func Digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// NewPassword returns a random password for accounts created on someone's
// behalf: 26 base32 characters, 130 bits.
func NewPassword() string { return rand.Text() }
