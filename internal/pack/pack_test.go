package pack

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func build(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := NewWriter(&b, "Helix AI", "user:dana", time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC))
	for _, name := range []string{"soa.xlsx", "policies/DOC-001.pdf", "evidence/e1-scan.pdf"} {
		if body, ok := files[name]; ok {
			if err := w.Add(name, "test", strings.NewReader(body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rezip copies a pack, letting edit change or drop files and add some.
func rezip(t *testing.T, src []byte, edit func(name string, body []byte) ([]byte, bool), extra map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if body, keep := edit(f.Name, body); keep {
			w, _ := zw.Create(f.Name)
			_, _ = w.Write(body)
		}
	}
	for name, body := range extra {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte(body))
	}
	_ = zw.Close()
	return b.Bytes()
}

func TestVerify(t *testing.T) {
	files := map[string]string{"soa.xlsx": "sheet", "policies/DOC-001.pdf": "%PDF policy", "evidence/e1-scan.pdf": "%PDF scan"}
	good := build(t, files)
	for _, tc := range []struct {
		name  string
		pack  []byte
		kinds []string
	}{
		{"intact", good, nil},
		{"altered", rezip(t, good, func(n string, b []byte) ([]byte, bool) {
			if n == "soa.xlsx" {
				return []byte("forged"), true
			}
			return b, true
		}, nil), []string{"altered"}},
		{"missing", rezip(t, good, func(n string, b []byte) ([]byte, bool) { return b, n != "evidence/e1-scan.pdf" }, nil), []string{"missing"}},
		{"unlisted", rezip(t, good, func(_ string, b []byte) ([]byte, bool) { return b, true }, map[string]string{"extra.txt": "x"}), []string{"unlisted"}},
	} {
		rep, err := Verify(bytes.NewReader(tc.pack), int64(len(tc.pack)))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var kinds []string
		for _, p := range rep.Problems {
			kinds = append(kinds, p.Kind)
		}
		if strings.Join(kinds, ",") != strings.Join(tc.kinds, ",") {
			t.Errorf("%s: problems %v, want %v", tc.name, rep.Problems, tc.kinds)
		}
		if tc.name == "intact" && (rep.Checked != 3 || rep.Manifest.Organisation != "Helix AI" || !rep.OK()) {
			t.Errorf("intact pack: %+v", rep)
		}
	}
	for _, bad := range [][]byte{[]byte("not a zip"), rezip(t, good, func(n string, b []byte) ([]byte, bool) { return b, n != ManifestName }, nil)} {
		if _, err := Verify(bytes.NewReader(bad), int64(len(bad))); !errors.Is(err, ErrNotPack) {
			t.Errorf("not a pack: err = %v", err)
		}
	}
}

func TestAddRefusesUnsafePaths(t *testing.T) {
	w := NewWriter(io.Discard, "x", "y", time.Now())
	for _, name := range []string{"", "../x", "/etc/passwd", "a/../../b", "a\\b", ManifestName, "./a"} {
		if err := w.Add(name, "", strings.NewReader("x")); err == nil {
			t.Errorf("Add(%q) accepted", name)
		}
	}
	if err := w.Add("a.txt", "", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if err := w.Add("a.txt", "", strings.NewReader("x")); err == nil {
		t.Error("a path added twice")
	}
}

func FuzzVerify(f *testing.F) {
	var b bytes.Buffer
	w := NewWriter(&b, "o", "u", time.Unix(0, 0))
	_ = w.Add("a.txt", "a", strings.NewReader("hello"))
	_ = w.Close()
	f.Add(b.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Verify(bytes.NewReader(data), int64(len(data)))
		if err == nil && rep.Manifest.Format != Format {
			t.Fatalf("a pack without the format was accepted: %+v", rep.Manifest)
		}
	})
}
