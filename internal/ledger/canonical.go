// Package ledger is the tamper-evident change log of isms: the canonical
// encoding of an entry, the hash chain over entries, and verification of a
// chain against the records it describes. It does no I/O; the store feeds
// it entries and current records. docs/ledger.md specifies the format for
// independent verifiers.
package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxSafeInteger is the largest integer that every JSON implementation
// reads exactly (IEEE 754 doubles). Larger values must travel as strings.
const maxSafeInteger = 1<<53 - 1

// Canonical encodes v in the canonical JSON form of RFC 8785 (JSON
// Canonicalization Scheme), restricted to the values ledger content may
// hold: nil, bool, string, integers within ±(2^53-1), []any and
// map[string]any, plus json.Number and json.RawMessage holding such
// values. Floating-point numbers are refused: their text form is where JSON
// implementations disagree, and a hash chain cannot afford disagreement.
func Canonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := encode(&buf, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// CanonicalJSON decodes raw JSON and re-encodes it canonically.
func CanonicalJSON(raw []byte) ([]byte, error) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, err
	}
	return Canonical(v)
}

func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("decode JSON: trailing data after value")
	}
	return v, nil
}

func encode(buf *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(x))
	case string:
		return encodeString(buf, x)
	case int:
		return encodeInt(buf, int64(x))
	case int64:
		return encodeInt(buf, x)
	case json.Number:
		n, err := strconv.ParseInt(string(x), 10, 64)
		if err != nil {
			return fmt.Errorf("number %s: only integers are allowed", x)
		}
		return encodeInt(buf, n)
	case json.RawMessage:
		inner, err := decodeJSON(x)
		if err != nil {
			return err
		}
		return encode(buf, inner)
	case []any:
		buf.WriteByte('[')
		for i, item := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encode(buf, item); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, compareUTF16)
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeString(buf, k); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := encode(buf, x[k]); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		buf.WriteByte('}')
	case float64, float32:
		return fmt.Errorf("floating-point value %v cannot be canonical ledger content", x)
	default:
		return fmt.Errorf("value of type %T cannot be canonical ledger content", v)
	}
	return nil
}

func encodeInt(buf *bytes.Buffer, n int64) error {
	if n > maxSafeInteger || n < -maxSafeInteger {
		return fmt.Errorf("integer %d is outside ±(2^53-1)", n)
	}
	buf.WriteString(strconv.FormatInt(n, 10))
	return nil
}

// encodeString writes s as RFC 8785 requires: the two-character escapes
// for \b \t \n \f \r " and \\, \u00xx in lower-case hex for other control
// characters, and every other character as its UTF-8 bytes.
func encodeString(buf *bytes.Buffer, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("string %q is not valid UTF-8", s)
	}
	const hex = "0123456789abcdef"
	buf.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			buf.WriteString(`\"`)
		case '\\':
			buf.WriteString(`\\`)
		case '\b':
			buf.WriteString(`\b`)
		case '\f':
			buf.WriteString(`\f`)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		case '\t':
			buf.WriteString(`\t`)
		default:
			if c < 0x20 {
				buf.WriteString(`\u00`)
				buf.WriteByte(hex[c>>4])
				buf.WriteByte(hex[c&0xf])
			} else {
				buf.WriteByte(c)
			}
		}
	}
	buf.WriteByte('"')
	return nil
}

// compareUTF16 orders object keys by their UTF-16 code units, as RFC 8785
// section 3.2.3 requires; it differs from byte order only for characters
// beyond U+FFFF against U+E000..U+FFFF.
func compareUTF16(a, b string) int {
	if !beyondE000(a) && !beyondE000(b) {
		// Below U+E000, UTF-8 byte order is code unit order; ledger
		// keys are column names, so this is the path taken.
		return strings.Compare(a, b)
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return int(ua[i]) - int(ub[i])
		}
	}
	return len(ua) - len(ub)
}

// beyondE000 reports whether s holds a character at or above U+E000,
// whose UTF-8 encoding starts with a byte of 0xEE or more.
func beyondE000(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xEE {
			return true
		}
	}
	return false
}
