package isms

import (
	"errors"
	"fmt"
	"strings"
)

// Error kinds. Every layer wraps these with context; the HTTP layers map each
// kind to one status code, so a handler never chooses a status by itself.
var (
	// ErrNotFound: the record does not exist, or the caller may not know
	// that it exists (another organisation's record looks exactly like a
	// missing one).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the change contradicts the current state (a duplicate
	// slug, removing the last owner).
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the caller is known and may see the organisation but
	// its role does not allow the action.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthenticated: no valid session or token came with the request.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrInvalid: the input is malformed; a *ValidationError says where.
	ErrInvalid = errors.New("invalid input")
	// ErrThrottled: too many recent failures; try again later.
	ErrThrottled = errors.New("too many attempts")
)

// FieldError names one offending input field and what is wrong with it.
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// ValidationError collects every problem found in one input so that a form
// or API client can fix them all at once. It matches ErrInvalid with
// errors.Is.
type ValidationError struct {
	Fields []FieldError
}

// Invalid returns a validation error for one field.
func Invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Fields: []FieldError{{Field: field, Detail: fmt.Sprintf(format, args...)}}}
}

// Add records a problem with field.
func (e *ValidationError) Add(field, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Detail: fmt.Sprintf(format, args...)})
}

// Err returns e when it holds at least one problem and nil otherwise, so a
// Validate method can end with `return v.Err()`.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Detail
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Is lets errors.Is(err, ErrInvalid) find a ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// FieldErrors returns the field problems inside err, if any.
func FieldErrors(err error) []FieldError {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}

// ThrottledError says how long a caller has to wait.
type ThrottledError struct {
	RetryAfterSeconds int
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many attempts: try again in %d seconds", e.RetryAfterSeconds)
}

// Is lets errors.Is(err, ErrThrottled) find a ThrottledError.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// ConflictError is a conflict about one input field, such as an email that
// is already a member. It matches ErrConflict with errors.Is.
type ConflictError struct {
	Field  string
	Detail string
}

func (e *ConflictError) Error() string { return e.Field + " " + e.Detail }

// Is lets errors.Is(err, ErrConflict) find a ConflictError.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }
