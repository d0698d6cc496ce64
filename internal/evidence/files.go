// Package evidence keeps the files behind ISMS records (a signed policy, a
// scan report, a screenshot), each under the SHA-256 of its content.
//
// Content addressing gives two things an audit needs. A file uploaded twice
// is stored once, so evidence attached to many controls costs nothing more.
// And a file's name is its hash, which also goes into the ledger: a stored
// file changed afterwards no longer hashes to its name, which Verify reports.
//
// A file is written, synced and made read-only before the database row that
// refers to it is inserted, so a failed transaction leaves at worst a file
// that nothing refers to (Walk lists them), never a row that points to
// nothing. A stored file is never overwritten, not even by identical content:
// a tampered file stays as it is for Verify to find instead of being
// quietly repaired by the next upload.
//
// Nothing from the client decides a path or a type: the only name on disk
// is the hash, and the media type is sniffed from the content.
package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DefaultMaxSize is the size limit of a stored file when none is configured.
const DefaultMaxSize int64 = 100 << 20

const (
	// tmpDirName is where uploads are written before they have a hash. It is
	// inside the store so that linking a finished file into place never
	// crosses filesystems, and it cannot be mistaken for a two-hex-digit
	// shard directory.
	tmpDirName = "tmp"

	// headSize is how much of a file's start is read to sniff its type:
	// http.DetectContentType's 512 bytes, and room for the first few local
	// headers of an Office document's zip.
	headSize = 8 << 10
)

// ErrTooLarge is returned, wrapped with the limit, by Put for content larger
// than the store's size limit.
var ErrTooLarge = errors.New("file too large")

// ErrEmpty is returned by Put for content of no bytes: an empty file is no
// evidence of anything, and is most often an upload that went wrong.
var ErrEmpty = errors.New("empty file")

// errBadHash refuses a hash argument before it is turned into a path, since
// the argument may come from a URL.
var errBadHash = errors.New("not a lowercase hex SHA-256")

// Files is the evidence file store under one directory (the data folder's
// "evidence" subdirectory). Its methods are safe for concurrent use, also by
// several processes sharing the directory.
type Files struct {
	dir     string
	tmp     string
	maxSize int64
}

// Open opens the store in dir, creating dir with mode 0o700 if needed.
// maxSize is the largest file Put accepts, in bytes; zero or less means
// DefaultMaxSize.
func Open(dir string, maxSize int64) (*Files, error) {
	if dir == "" {
		// An empty dir would put evidence in the working directory.
		return nil, errors.New("open evidence store: no directory given")
	}
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	tmp := filepath.Join(dir, tmpDirName)
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("open evidence store: %w", err)
	}
	return &Files{dir: dir, tmp: tmp, maxSize: maxSize}, nil
}

// MaxSize is the largest file Put accepts, in bytes.
func (f *Files) MaxSize() int64 { return f.maxSize }

// Stored describes one stored file.
type Stored struct {
	SHA256    string // lowercase hex
	Size      int64
	MediaType string // sniffed from the content, never taken from the upload
	New       bool   // false when identical content was already stored (dedup)
}

// Put stores the content of r and returns its hash, size and sniffed media
// type. When Put returns without error the file is on disk and synced, so
// the caller may then insert the row that refers to it. Content larger than
// MaxSize is refused with an error wrapping ErrTooLarge, empty content with
// ErrEmpty; on any error nothing is left in the store.
func (f *Files) Put(r io.Reader) (Stored, error) { return f.PutMax(r, f.maxSize) }

// PutMax is Put with its own size limit, for files that are evidence of a
// kind larger than an upload by hand: a vulnerability scan of a whole
// network runs to hundreds of megabytes.
func (f *Files) PutMax(r io.Reader, maxSize int64) (Stored, error) {
	tmp, err := os.CreateTemp(f.tmp, "put-*")
	if err != nil {
		return Stored{}, fmt.Errorf("create temporary evidence file: %w", err)
	}
	// The temporary name goes in every case: on success the content lives on
	// under its hash, a second link to the same file; on failure nothing may
	// be left behind. Close errors that matter are checked below.
	defer func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}()

	// One byte past the limit tells an oversized upload from one exactly at
	// it without reading the rest of it.
	limit := maxSize
	if limit < math.MaxInt64 {
		limit++
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, limit))
	if err != nil {
		return Stored{}, fmt.Errorf("write temporary evidence file: %w", err)
	}
	switch {
	case n > maxSize:
		return Stored{}, fmt.Errorf("%w: the limit is %s", ErrTooLarge, formatSize(maxSize))
	case n == 0:
		return Stored{}, ErrEmpty
	}

	head := make([]byte, min(n, headSize))
	if _, err := tmp.ReadAt(head, 0); err != nil {
		return Stored{}, fmt.Errorf("read back temporary evidence file: %w", err)
	}
	// Read-only before it gets its final name, so that name never shows a
	// writable file. The open descriptor may still sync.
	if err := tmp.Chmod(0o400); err != nil {
		return Stored{}, fmt.Errorf("make evidence file read-only: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return Stored{}, fmt.Errorf("sync temporary evidence file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Stored{}, fmt.Errorf("close temporary evidence file: %w", err)
	}

	st := Stored{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, MediaType: sniff(head)}
	st.New, err = f.link(tmp.Name(), st.SHA256)
	if err != nil {
		return Stored{}, err
	}
	return st, nil
}

// link gives the finished temporary file its name in the store and reports
// whether it is new. os.Link, unlike os.Rename, fails when the name exists:
// that is the dedup case, and the stored file stays untouched.
func (f *Files) link(tmpPath, sum string) (bool, error) {
	shard := filepath.Join(f.dir, sum[:2])
	switch err := os.Mkdir(shard, 0o700); {
	case err == nil:
		if err := syncDir(f.dir); err != nil {
			return false, fmt.Errorf("sync evidence directory: %w", err)
		}
	case !errors.Is(err, fs.ErrExist):
		return false, fmt.Errorf("create evidence directory: %w", err)
	}
	created := true
	if err := os.Link(tmpPath, filepath.Join(shard, sum)); errors.Is(err, fs.ErrExist) {
		created = false
	} else if err != nil {
		return false, fmt.Errorf("store evidence file %s: %w", sum, err)
	}
	// Synced in the dedup case too: the existing name may come from a
	// concurrent Put that has not synced it yet, and the caller's row must
	// not outlive a crash that the file does not.
	if err := syncDir(shard); err != nil {
		return false, fmt.Errorf("sync evidence directory: %w", err)
	}
	return created, nil
}

func syncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return err
	}
	return d.Close()
}

// Path returns where the file with the given hash is stored, whether or not
// it exists. It refuses anything but 64 lowercase hex digits, so no argument
// can name a path outside the store.
func (f *Files) Path(sha256hex string) (string, error) {
	if len(sha256hex) != sha256.Size*2 || !isLowerHex(sha256hex) {
		return "", fmt.Errorf("evidence file %q: %w", sha256hex, errBadHash)
	}
	return filepath.Join(f.dir, sha256hex[:2], sha256hex), nil
}

// Open opens the stored file with the given hash for reading. The hash is
// checked as by Path before the filesystem is touched; a file that is not
// stored gives an error wrapping fs.ErrNotExist. Open does not rehash the
// content: Verify does.
func (f *Files) Open(sha256hex string) (*os.File, error) {
	p, err := f.Path(sha256hex)
	if err != nil {
		return nil, err
	}
	file, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open evidence file: %w", err)
	}
	return file, nil
}

// Problem is one file that failed verification.
type Problem struct {
	SHA256 string
	Kind   string // "missing" or "altered"
	Detail string
}

// Verify rehashes the stored file of each of hashes (the ones the database
// refers to) and returns those that are missing or whose content no longer
// hashes to their name, sorted by hash; a hash listed twice is checked once.
// A hash that is not 64 lowercase hex digits is reported missing, since no
// file can be stored under it. Verify stops between files when ctx is done
// and returns its error; an error reading a file that exists also stops it,
// since the file could then not be checked.
func (f *Files) Verify(ctx context.Context, hashes []string) ([]Problem, error) {
	hashes = slices.Compact(slices.Sorted(slices.Values(hashes)))
	var problems []Problem
	for _, want := range hashes {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("verify evidence: %w", err)
		}
		p, err := f.Path(want)
		if err != nil {
			problems = append(problems, Problem{SHA256: want, Kind: "missing", Detail: errBadHash.Error()})
			continue
		}
		got, err := hashFile(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			problems = append(problems, Problem{SHA256: want, Kind: "missing", Detail: "no stored file"})
		case err != nil:
			return nil, fmt.Errorf("verify evidence %s: %w", want, err)
		case got != want:
			problems = append(problems, Problem{SHA256: want, Kind: "altered", Detail: "content hashes to " + got})
		}
	}
	return problems, nil
}

func hashFile(path string) (string, error) {
	file, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Walk calls fn with the hash of every stored file, in hash order, and
// returns the first error fn returns, as it is. Callers compare the hashes
// with the database's to find files that no row refers to, which a failed
// transaction leaves behind. Entries not named like stored files, such as
// the temporary directory, are skipped.
func (f *Files) Walk(fn func(sha string) error) error {
	shards, err := os.ReadDir(f.dir)
	if err != nil {
		return fmt.Errorf("list evidence store: %w", err)
	}
	for _, shard := range shards {
		if !shard.IsDir() || len(shard.Name()) != 2 || !isLowerHex(shard.Name()) {
			continue
		}
		files, err := os.ReadDir(filepath.Join(f.dir, shard.Name()))
		if err != nil {
			return fmt.Errorf("list evidence store: %w", err)
		}
		for _, file := range files {
			name := file.Name()
			if !file.Type().IsRegular() || len(name) != sha256.Size*2 || !isLowerHex(name) || name[:2] != shard.Name() {
				continue
			}
			if err := fn(name); err != nil {
				return err
			}
		}
	}
	return nil
}

func isLowerHex(s string) bool {
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// officeParts tell Office Open XML documents apart from other zips by the
// folder their parts are in.
var officeParts = []struct{ prefix, mediaType string }{
	{"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
}

// sniff returns the media type of a file from its first bytes. Types carry
// no parameter except "charset=utf-8", which the sniffer gives text it found
// no other encoding mark in and which a viewer needs to show it right; the
// UTF-16 charsets come from a byte-order mark that the file itself keeps.
func sniff(head []byte) string {
	t := http.DetectContentType(head)
	if t == "application/zip" {
		if office := officeType(head); office != "" {
			return office
		}
		return t
	}
	if mediaType, param, ok := strings.Cut(t, ";"); ok && strings.TrimSpace(param) != "charset=utf-8" {
		return mediaType
	}
	return t
}

// officeType finds a DOCX, XLSX or PPTX by the names in the local file
// headers at the start of the zip. Only the head is read, so sniffing costs
// the same whatever the archive holds; the central directory at the end
// would be exact but can be as large as the file. Writers order parts
// differently (Word starts with [Content_Types].xml, excelize ends with it
// after the sheets), so the parts' folder decides, not that file.
func officeType(head []byte) string {
	const localHeaderLen = 30 // up to the file name
	sig := []byte("PK\x03\x04")
	for rest := head; ; {
		i := bytes.Index(rest, sig)
		if i < 0 || len(rest)-i < localHeaderLen {
			return ""
		}
		rest = rest[i:]
		nameLen := int(binary.LittleEndian.Uint16(rest[26:28]))
		name := rest[localHeaderLen:min(localHeaderLen+nameLen, len(rest))]
		for _, part := range officeParts {
			if bytes.HasPrefix(name, []byte(part.prefix)) {
				return part.mediaType
			}
		}
		rest = rest[len(sig):]
	}
}

func formatSize(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
