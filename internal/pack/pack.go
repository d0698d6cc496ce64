// Package pack writes and checks the auditor pack: one zip archive with
// the records a certification auditor asks for and a manifest naming the
// SHA-256 of every file in it, so that the auditor can check, offline and
// with any tool, that nothing was changed after it left isms. No I/O
// beyond the writer and reader it is handed.
package pack

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"
)

// Format names the manifest's layout.
const Format = "isms-auditor-pack/1"

// ManifestName is the manifest's path in the archive.
const ManifestName = "manifest.json"

// Entry is one file of the pack.
type Entry struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// What says what the file is, for the auditor.
	What string `json:"what"`
}

// Manifest lists the pack's files.
type Manifest struct {
	Format       string    `json:"format"`
	Organisation string    `json:"organisation"`
	GeneratedAt  time.Time `json:"generated_at"`
	GeneratedBy  string    `json:"generated_by"`
	Files        []Entry   `json:"files"`
}

// Writer builds a pack.
type Writer struct {
	zw *zip.Writer
	m  Manifest
}

// NewWriter starts a pack on w.
func NewWriter(w io.Writer, org, by string, at time.Time) *Writer {
	return &Writer{zw: zip.NewWriter(w), m: Manifest{Format: Format, Organisation: org, GeneratedAt: at.UTC(), GeneratedBy: by}}
}

// Add streams a file into the pack, hashing it on the way.
func (w *Writer) Add(name, what string, r io.Reader) error {
	if err := checkPath(name); err != nil {
		return err
	}
	if slices.ContainsFunc(w.m.Files, func(e Entry) bool { return e.Path == name }) {
		return fmt.Errorf("pack: %s added twice", name)
	}
	f, err := w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: w.m.GeneratedAt})
	if err != nil {
		return fmt.Errorf("pack %s: %w", name, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if err != nil {
		return fmt.Errorf("pack %s: %w", name, err)
	}
	w.m.Files = append(w.m.Files, Entry{Path: name, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, What: what})
	return nil
}

// Close writes the manifest and ends the archive.
func (w *Writer) Close() error {
	f, err := w.zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: w.m.GeneratedAt})
	if err != nil {
		return fmt.Errorf("pack manifest: %w", err)
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(w.m); err != nil {
		return fmt.Errorf("pack manifest: %w", err)
	}
	return w.zw.Close()
}

// checkPath refuses names that would escape the folder the archive is
// unpacked into, or that clash with the manifest.
func checkPath(name string) error {
	clean := path.Clean(name)
	if name == "" || clean != name || path.IsAbs(name) || strings.HasPrefix(name, "../") || name == ".." ||
		strings.ContainsAny(name, "\\\x00") || name == ManifestName {
		return fmt.Errorf("pack: %q is not a plain relative path", name)
	}
	return nil
}

// Problem is one thing wrong with a pack.
type Problem struct {
	Path string `json:"path"`
	// Kind is altered (the content does not match its hash), missing
	// (listed but not in the archive) or unlisted (in the archive but not
	// in the manifest).
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// Report is what checking a pack found.
type Report struct {
	Manifest Manifest  `json:"manifest"`
	Checked  int       `json:"checked"`
	Problems []Problem `json:"problems"`
}

// OK reports whether the pack is intact.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// ErrNotPack is a file that is not an auditor pack at all.
var ErrNotPack = errors.New("not an isms auditor pack")

// maxManifest bounds the manifest read from an untrusted archive.
const maxManifest = 64 << 20

// Verify checks every file of a pack against its manifest.
func Verify(r io.ReaderAt, size int64) (Report, error) {
	var rep Report
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return rep, fmt.Errorf("%w: %v", ErrNotPack, err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	mf, ok := files[ManifestName]
	if !ok {
		return rep, fmt.Errorf("%w: it has no %s", ErrNotPack, ManifestName)
	}
	rc, err := mf.Open()
	if err != nil {
		return rep, fmt.Errorf("%w: %v", ErrNotPack, err)
	}
	dec := json.NewDecoder(io.LimitReader(rc, maxManifest))
	dec.DisallowUnknownFields()
	err = dec.Decode(&rep.Manifest)
	rc.Close()
	if err != nil || rep.Manifest.Format != Format {
		return rep, fmt.Errorf("%w: its manifest is not %s (%v)", ErrNotPack, Format, err)
	}
	listed := map[string]bool{ManifestName: true}
	for _, e := range rep.Manifest.Files {
		listed[e.Path] = true
		f, ok := files[e.Path]
		if !ok {
			rep.Problems = append(rep.Problems, Problem{Path: e.Path, Kind: "missing", Detail: "listed in the manifest but not in the archive"})
			continue
		}
		sum, n, err := hashFile(f)
		switch {
		case err != nil:
			rep.Problems = append(rep.Problems, Problem{Path: e.Path, Kind: "altered", Detail: err.Error()})
		case sum != e.SHA256 || n != e.Size:
			rep.Problems = append(rep.Problems, Problem{Path: e.Path, Kind: "altered",
				Detail: fmt.Sprintf("SHA-256 %s, %d bytes; the manifest says %s, %d bytes", sum, n, e.SHA256, e.Size)})
		}
		rep.Checked++
	}
	for _, f := range zr.File {
		if !listed[f.Name] {
			rep.Problems = append(rep.Problems, Problem{Path: f.Name, Kind: "unlisted", Detail: "in the archive but not in the manifest"})
		}
	}
	return rep, nil
}

func hashFile(f *zip.File) (string, int64, error) {
	rc, err := f.Open()
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
