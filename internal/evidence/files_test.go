package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

func mustOpen(tb testing.TB, maxSize int64) *Files {
	tb.Helper()
	f, err := Open(filepath.Join(tb.TempDir(), "evidence"), maxSize)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func mustPut(tb testing.TB, f *Files, content string) Stored {
	tb.Helper()
	st, err := f.Put(strings.NewReader(content))
	if err != nil {
		tb.Fatalf("Put(%.20q): %v", content, err)
	}
	return st
}

func sum(content string) string {
	h := sha256.Sum256([]byte(content))
	return hex.EncodeToString(h[:])
}

func stored(tb testing.TB, f *Files) []string {
	tb.Helper()
	var hashes []string
	if err := f.Walk(func(sha string) error {
		hashes = append(hashes, sha)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return hashes
}

// assertNoTemporaries checks that no upload left its temporary file behind.
func assertNoTemporaries(tb testing.TB, f *Files) {
	tb.Helper()
	entries, err := os.ReadDir(f.tmp)
	if err != nil {
		tb.Fatal(err)
	}
	if len(entries) != 0 {
		tb.Errorf("temporary directory holds %d entries, want none", len(entries))
	}
}

func TestOpen(t *testing.T) {
	tests := []struct {
		name    string
		maxSize int64
		want    int64
	}{
		{"zero means default", 0, DefaultMaxSize},
		{"negative means default", -1, DefaultMaxSize},
		{"configured", 5 << 20, 5 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data", "evidence")
			f, err := Open(dir, tt.maxSize)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.MaxSize(); got != tt.want {
				t.Errorf("MaxSize() = %d, want %d", got, tt.want)
			}
			info, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if perm := info.Mode().Perm(); perm&0o077 != 0 {
				t.Errorf("store directory mode %v, want no access for group or others", perm)
			}
		})
	}
	if _, err := Open("", 0); err == nil {
		t.Error("Open with no directory succeeded")
	}
}

func TestPutOpenRoundTrip(t *testing.T) {
	f := mustOpen(t, 0)
	content := "Access control policy v3, approved 2026-11-29.\n"
	st := mustPut(t, f, content)
	want := Stored{SHA256: sum(content), Size: int64(len(content)), MediaType: "text/plain; charset=utf-8", New: true}
	if st != want {
		t.Errorf("Put = %+v, want %+v", st, want)
	}

	p, err := f.Path(st.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if wantPath := filepath.Join(f.dir, st.SHA256[:2], st.SHA256); p != wantPath {
		t.Errorf("Path = %q, want %q", p, wantPath)
	}
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&0o222 != 0 {
		t.Errorf("stored file mode %v, want read-only", perm)
	}

	file, err := f.Open(st.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	got, err := io.ReadAll(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != content {
		t.Errorf("read back %q, want %q", got, content)
	}
	assertNoTemporaries(t, f)
}

func TestPutDedup(t *testing.T) {
	tests := []struct {
		name    string
		puts    []string
		wantNew []bool
	}{
		{"same content twice is stored once", []string{"scan report", "scan report"}, []bool{true, false}},
		{"different content is stored apart", []string{"scan report", "scan report 2"}, []bool{true, true}},
		{"a repeat after other content", []string{"a", "b", "a", "b"}, []bool{true, true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustOpen(t, 0)
			want := map[string]bool{}
			for i, content := range tt.puts {
				st := mustPut(t, f, content)
				if st.New != tt.wantNew[i] {
					t.Errorf("put %d (%q): New = %v, want %v", i, content, st.New, tt.wantNew[i])
				}
				if st.SHA256 != sum(content) {
					t.Errorf("put %d (%q): SHA256 = %s, want %s", i, content, st.SHA256, sum(content))
				}
				want[st.SHA256] = true
			}
			if got := stored(t, f); len(got) != len(want) {
				t.Errorf("store holds %d files (%v), want %d", len(got), got, len(want))
			}
			assertNoTemporaries(t, f)
		})
	}
}

func TestPutConcurrentSameContent(t *testing.T) {
	f := mustOpen(t, 0)
	const n = 8
	results := make([]Stored, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i], errs[i] = f.Put(strings.NewReader("risk register export")) })
	}
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("put %d: %v", i, errs[i])
		}
		if results[i].New {
			created++
		}
	}
	if created != 1 {
		t.Errorf("%d of %d identical puts report a new file, want 1", created, n)
	}
	if got := stored(t, f); len(got) != 1 {
		t.Errorf("store holds %v, want one file", got)
	}
	assertNoTemporaries(t, f)
}

func TestPutRefused(t *testing.T) {
	tests := []struct {
		name     string
		maxSize  int64
		size     int
		wantErr  error
		wantText string
	}{
		{"exactly at the limit", 1000, 1000, nil, ""},
		{"one byte over", 1000, 1001, ErrTooLarge, "the limit is 1000 bytes"},
		{"far over", 1000, 1 << 20, ErrTooLarge, "the limit is 1000 bytes"},
		{"limit in MiB", 1 << 20, 1<<20 + 1, ErrTooLarge, "the limit is 1 MiB"},
		{"empty", 1000, 0, ErrEmpty, "empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustOpen(t, tt.maxSize)
			st, err := f.Put(bytes.NewReader(bytes.Repeat([]byte{'x'}, tt.size)))
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("Put: err = %v, want %v", err, tt.wantErr)
			}
			wantFiles := 1
			if err != nil {
				wantFiles = 0
				if !strings.Contains(err.Error(), tt.wantText) {
					t.Errorf("error %q does not say %q", err, tt.wantText)
				}
				if st != (Stored{}) {
					t.Errorf("Put returned %+v with its error", st)
				}
			}
			if got := stored(t, f); len(got) != wantFiles {
				t.Errorf("store holds %v, want %d files", got, wantFiles)
			}
			assertNoTemporaries(t, f)
		})
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errors.New("connection reset")
	}
	k := min(len(p), r.n)
	r.n -= k
	return k, nil
}

func TestPutReadError(t *testing.T) {
	f := mustOpen(t, 0)
	if _, err := f.Put(&failingReader{n: 100 << 10}); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("Put from a failing reader: err = %v, want the read error", err)
	}
	if got := stored(t, f); len(got) != 0 {
		t.Errorf("store holds %v after a failed upload", got)
	}
	assertNoTemporaries(t, f)
}

// zipOf returns a zip archive holding the named files, in order, as Go's
// archive/zip writes them (with data descriptors, so the local headers carry
// no sizes).
func zipOf(tb testing.TB, names ...string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range names {
		fw, err := w.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := io.WriteString(fw, `<?xml version="1.0" encoding="UTF-8"?><x/>`); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestPutSniff(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
		want    string
	}{
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), "application/pdf"},
		{"png", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 17)...), "image/png"},
		{"plain text", []byte("Statement of Applicability, reviewed.\n"), "text/plain; charset=utf-8"},
		{"utf-16 text loses its charset", []byte("\xff\xfeS\x00o\x00A\x00"), "text/plain"},
		{"html stays html", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), "text/html; charset=utf-8"},
		{"docx", zipOf(t, "[Content_Types].xml", "_rels/.rels", "word/document.xml"),
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"xlsx", zipOf(t, "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"),
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"xlsx with [Content_Types].xml last, as excelize writes it", zipOf(t, "xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"),
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"pptx", zipOf(t, "[Content_Types].xml", "ppt/presentation.xml"),
			"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
		{"other zip", zipOf(t, "notes.txt", "words/list.txt"), "application/zip"},
		{"unknown bytes", []byte{0x00, 0x01, 0x02, 0xfe}, "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustOpen(t, 0)
			st, err := f.Put(bytes.NewReader(tt.content))
			if err != nil {
				t.Fatal(err)
			}
			if st.MediaType != tt.want {
				t.Errorf("MediaType = %q, want %q", st.MediaType, tt.want)
			}
		})
	}
}

func TestBadHashRefused(t *testing.T) {
	valid := sum("x")
	tests := []struct {
		name string
		hash string
	}{
		{"path traversal", "../etc/passwd"},
		{"upper-case hex", strings.ToUpper(valid)},
		{"short", valid[:63]},
		{"long", valid + "0"},
		{"not hex", "g" + valid[1:]},
		{"separator inside", valid[:2] + "/" + valid[3:]},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			f, err := Open(filepath.Join(root, "data", "evidence"), 0)
			if err != nil {
				t.Fatal(err)
			}
			// Plant a file where a store that joined the argument into a
			// path would look, so that only checking first refuses it.
			if len(tt.hash) >= 2 {
				naive := filepath.Join(f.dir, tt.hash[:2], tt.hash)
				if err := os.MkdirAll(filepath.Dir(naive), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(naive, []byte("planted"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if file, err := f.Open(tt.hash); !errors.Is(err, errBadHash) {
				if file != nil {
					file.Close()
				}
				t.Errorf("Open(%q): err = %v, want %v", tt.hash, err, errBadHash)
			}
			if p, err := f.Path(tt.hash); !errors.Is(err, errBadHash) {
				t.Errorf("Path(%q) = %q, %v, want %v", tt.hash, p, err, errBadHash)
			}
		})
	}
}

func TestOpenMissing(t *testing.T) {
	f := mustOpen(t, 0)
	if _, err := f.Open(sum("never stored")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a missing file: err = %v, want fs.ErrNotExist", err)
	}
}

func TestVerify(t *testing.T) {
	f := mustOpen(t, 0)
	intact := mustPut(t, f, "intact").SHA256
	altered := mustPut(t, f, "altered").SHA256
	deleted := mustPut(t, f, "deleted").SHA256
	neverStored := sum("never stored")
	all := []string{intact, altered, deleted}

	problems, err := f.Verify(context.Background(), all)
	if err != nil {
		t.Fatal(err)
	}
	if problems != nil {
		t.Fatalf("Verify of an untouched store = %+v, want none", problems)
	}

	p, _ := f.Path(altered)
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("altered!"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, _ = f.Path(deleted)
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}

	problems, err = f.Verify(context.Background(), append(all, neverStored, altered, "../etc/passwd"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{SHA256: "../etc/passwd", Kind: "missing", Detail: "not a lowercase hex SHA-256"},
		{SHA256: altered, Kind: "altered", Detail: "content hashes to " + sum("altered!")},
		{SHA256: deleted, Kind: "missing", Detail: "no stored file"},
		{SHA256: neverStored, Kind: "missing", Detail: "no stored file"},
	}
	slices.SortFunc(want, func(a, b Problem) int { return strings.Compare(a.SHA256, b.SHA256) })
	if !reflect.DeepEqual(problems, want) {
		t.Errorf("Verify =\n%+v\nwant\n%+v", problems, want)
	}

	// Uploading the original content again does not repair the altered
	// file: a stored file is never overwritten.
	if st := mustPut(t, f, "altered"); st.New {
		t.Error("re-upload of altered content reports a new file")
	}
	if problems, _ := f.Verify(context.Background(), []string{altered}); len(problems) != 1 {
		t.Errorf("after re-upload Verify = %+v, want the alteration still reported", problems)
	}
}

func TestVerifyCancelled(t *testing.T) {
	f := mustOpen(t, 0)
	sha := mustPut(t, f, "policy").SHA256
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Verify(ctx, []string{sha}); !errors.Is(err, context.Canceled) {
		t.Errorf("Verify with a cancelled context: err = %v, want context.Canceled", err)
	}
}

func TestWalk(t *testing.T) {
	f := mustOpen(t, 0)
	want := []string{mustPut(t, f, "one").SHA256, mustPut(t, f, "two").SHA256, mustPut(t, f, "three").SHA256}
	slices.Sort(want)
	// Things that are not stored files: a leftover upload, a stray file,
	// a file misplaced in another shard.
	for _, p := range []string{
		filepath.Join(f.tmp, "put-123"),
		filepath.Join(f.dir, "README"),
		filepath.Join(f.dir, "00", sum("misplaced")),
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("stray"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if got := stored(t, f); !reflect.DeepEqual(got, want) {
		t.Errorf("Walk = %v, want %v", got, want)
	}

	stop := errors.New("stop")
	calls := 0
	err := f.Walk(func(string) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Walk with a failing fn: err = %v after %d calls, want %v after 1", err, calls, stop)
	}
}

// BenchmarkPut measures storing a new 1 MiB file: hashing, writing, syncing
// the file and its directory.
func BenchmarkPut(b *testing.B) {
	f := mustOpen(b, 0)
	content := make([]byte, 1<<20)
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	var i uint64
	for b.Loop() {
		// A different file each time, so that every Put stores one.
		i++
		binary.LittleEndian.PutUint64(content, i)
		if _, err := f.Put(bytes.NewReader(content)); err != nil {
			b.Fatal(err)
		}
	}
}
