package isms

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Organization is one ISMS: an AI company, a subsidiary, or a consultancy's
// client. Every other record belongs to exactly one organisation.
type Organization struct {
	ID        string    `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)

// ValidateSlug checks that slug can name an organisation in URLs.
func ValidateSlug(field, slug string) error {
	if !slugPattern.MatchString(slug) {
		return Invalid(field, "%q is not a valid slug: use 1 to 40 lower-case letters, digits and inner hyphens", slug)
	}
	return nil
}

// NormalizeName trims a display name and checks its length.
func NormalizeName(v *ValidationError, field, name string, maxLen int) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		v.Add(field, "is required")
	case len([]rune(name)) > maxLen:
		v.Add(field, "is longer than %d characters", maxLen)
	case !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl):
		v.Add(field, "must be text without control characters")
	}
	return name
}
