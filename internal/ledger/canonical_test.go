package ledger

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"scalars", `[null, true, false, 0, -7, 9007199254740991]`, `[null,true,false,0,-7,9007199254740991]`},
		{"keys sorted", `{"b": 1, "a": {"d": [], "c": {}}}`, `{"a":{"c":{},"d":[]},"b":1}`},
		{"whitespace dropped", "{ \"a\" :\n [ 1 , 2 ] }", `{"a":[1,2]}`},
		{"short escapes", `"\" \\ \b \f \n \r \t"`, `"\" \\ \b \f \n \r \t"`},
		{"other controls in lower-case hex", `"\u0001\u001F"`, `"\u0001\u001f"`},
		{"escaped printable characters unescaped", `"\u0041\u00e9\u20ac\/"`, `"Aé€/"`},
		{"html characters kept", `"<a href='x'>&</a>"`, `"<a href='x'>&</a>"`},
		{"line separators kept", `"\u2028\u2029"`, "\"\u2028\u2029\""},
		// RFC 8785 section 3.2.3: keys compare as UTF-16 code units, so
		// U+1F600 (surrogates D83D DE00) sorts before U+FB01.
		{"utf-16 key order", `{"\ufb01": 1, "\ud83d\ude00": 2, "z": 3}`, "{\"z\":3,\"\U0001F600\":2,\"\ufb01\":1}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CanonicalJSON([]byte(tt.in))
			if err != nil {
				t.Fatalf("CanonicalJSON(%s): %v", tt.in, err)
			}
			if string(got) != tt.want {
				t.Errorf("CanonicalJSON(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestCanonicalRefuses(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"float", 1.5, "floating-point"},
		{"fraction in JSON", json.Number("1.5"), "only integers"},
		{"exponent in JSON", json.Number("1e3"), "only integers"},
		{"too large", int64(1 << 53), "outside"},
		{"bad utf-8", "\xff", "UTF-8"},
		{"unknown type", struct{}{}, "cannot be canonical"},
		{"nested float names key", map[string]any{"score": 0.5}, "score"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Canonical(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Canonical(%#v) error = %v, want one containing %q", tt.in, err, tt.want)
			}
		})
	}
	if _, err := CanonicalJSON([]byte(`{"a":1} {}`)); err == nil {
		t.Error("CanonicalJSON accepted trailing data")
	}
}

// FuzzCanonicalJSON checks that canonical output is stable (encoding it
// again changes nothing) and is JSON that means the same as the input.
func FuzzCanonicalJSON(f *testing.F) {
	for _, seed := range []string{`{"b":[1,{"a":null}],"a":"x"}`, `"\u2028"`, `[true,-1]`, `{"\ud83d\ude00":{}}`, `1.5`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := CanonicalJSON(in)
		if err != nil {
			return
		}
		again, err := CanonicalJSON(out)
		if err != nil {
			t.Fatalf("canonical output %q does not parse: %v", out, err)
		}
		if string(again) != string(out) {
			t.Fatalf("not stable: %q then %q", out, again)
		}
		var a, b any
		if json.Unmarshal(in, &a) != nil || json.Unmarshal(out, &b) != nil {
			t.Fatalf("input or output is not JSON: %q -> %q", in, out)
		}
		// DeepEqual compares numbers as numbers: RFC 8785 writes -0 as 0.
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("meaning changed: %q -> %q", in, out)
		}
	})
}
