package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/isms-dev/isms/internal/aibom"
	"github.com/isms-dev/isms/internal/app"
	"github.com/isms-dev/isms/internal/isms"
)

// assetImportTypes are the media types an asset file may be sent as,
// each with the extension a file of that type has, which names a file
// sent without a name. The content, not the type, decides how the file is
// read.
var assetImportTypes = []struct{ mediaType, ext string }{
	{"text/csv", ".csv"},
	{"application/json", ".json"},
	{"application/ld+json", ".json"},
	{"application/vnd.cyclonedx+json", ".cdx.json"},
	{"application/xml", ".xml"},
	{"text/xml", ".xml"},
	{"application/vnd.cyclonedx+xml", ".cdx.xml"},
	{"text/markdown", ".md"},
	{"application/octet-stream", ""},
}

func assetImportMediaTypes() []string {
	out := make([]string, len(assetImportTypes))
	for i, t := range assetImportTypes {
		out[i] = t.mediaType
	}
	return out
}

// fileTooLargeError is an uploaded file over the largest size a reader
// takes; its problem says so in the terms of files rather than of request
// bodies.
type fileTooLargeError struct {
	what  string
	limit int64
}

func (e *fileTooLargeError) Error() string {
	return fmt.Sprintf("the file is larger than %d bytes (%d MiB), the largest %s isms reads", e.limit, e.limit>>20, e.what)
}

// readFile reads a request body that is a file, up to limit bytes.
func readFile(w http.ResponseWriter, r *http.Request, limit int64, what string) ([]byte, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &fileTooLargeError{what: what, limit: limit}
		}
		return nil, malformed("", "cannot read the body: %v", err)
	}
	return data, nil
}

// fileName checks the name query parameter of an upload.
func fileName(r *http.Request, fallback string) (string, error) {
	name := r.URL.Query().Get("name")
	switch {
	case name == "":
		return fallback, nil
	case utf8.RuneCountInString(name) > maxFileName || strings.ContainsFunc(name, unicode.IsControl):
		return "", isms.Invalid("name", "must be at most %d characters, without control characters", maxFileName)
	}
	return name, nil
}

// assetImportJSON is what an import did, or would do on a dry run.
type assetImportJSON struct {
	Format     string   `json:"format"`
	DryRun     bool     `json:"dry_run"`
	Created    int      `json:"created"`
	Updated    int      `json:"updated"`
	Unchanged  int      `json:"unchanged"`
	Relations  int      `json:"relations"`
	Unresolved int      `json:"unresolved"`
	Warnings   []string `json:"warnings"`
	AssetIDs   []string `json:"asset_ids"`
}

// importAssets takes an asset file as the request body: a CycloneDX BOM,
// an SPDX 3 document, a Hugging Face card or the isms asset CSV.
func (a *API) importAssets(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, "format", "name", "dry_run"); err != nil {
		return err
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	i := slices.IndexFunc(assetImportTypes, func(t struct{ mediaType, ext string }) bool { return t.mediaType == mt })
	if err != nil || i < 0 {
		return &mediaTypeError{got: ct, want: assetImportMediaTypes()}
	}
	dryRun, err := queryBool(r, "dry_run")
	if err != nil {
		return err
	}
	name, err := fileName(r, "upload"+assetImportTypes[i].ext)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format != "" && !slices.Contains(app.AssetFormats, format) {
		return isms.Invalid("format", "%q is not an asset file format; use one of %s", format, strings.Join(app.AssetFormats, ", "))
	}
	data, err := readFile(w, r, aibom.MaxFileSize, "asset file")
	if err != nil {
		return err
	}
	res, err := a.svc.ImportAssets(r.Context(), acc, app.AssetFile{Name: name, Format: format, Data: data}, dryRun != nil && *dryRun)
	if err != nil {
		return err
	}
	out := assetImportJSON{Format: res.Format, DryRun: res.DryRun, Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged,
		Relations: res.Relations, Unresolved: res.Unresolved, Warnings: res.Warnings, AssetIDs: []string{}}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if !res.DryRun {
		// A dry run stores nothing, so the ids it made are of nothing.
		for _, x := range res.Assets {
			out.AssetIDs = append(out.AssetIDs, x.ID)
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// Media types of downloads.
const (
	csvType  = "text/csv; charset=utf-8"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	pdfType  = "application/pdf"
)

// sendFile answers with a download. The whole file is made before the
// status goes out, so a failure midway is still an ordinary problem.
func sendFile(w http.ResponseWriter, contentType, name string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	sendBytes(w, contentType, name, buf.Bytes())
	return nil
}

// sendBytes answers with a download that is already made.
func sendBytes(w http.ResponseWriter, contentType, name string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", attachment(name))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// attachment is the Content-Disposition of a download named name. The
// name is a parameter value (RFC 6266), quoted or, when it is not ASCII,
// percent-encoded, so no name can end the header early or add to it.
func attachment(name string) string {
	if h := mime.FormatMediaType("attachment", map[string]string{"filename": name}); h != "" {
		return h
	}
	return "attachment"
}

// exportAssets downloads the inventory a filter selects as the isms asset
// CSV, which imports again, or as a spreadsheet.
func (a *API) exportAssets(w http.ResponseWriter, r *http.Request, acc app.Access) error {
	if err := knownQuery(r, append(assetFilterParams, "format")...); err != nil {
		return err
	}
	f, err := checkedAssetFilter(r)
	if err != nil {
		return err
	}
	day := a.now().UTC().Format(dateLayout)
	switch format := r.URL.Query().Get("format"); format {
	case "", "csv":
		return sendFile(w, csvType, "assets-"+acc.Org.Slug+"-"+day+".csv", func(out io.Writer) error {
			return a.svc.ExportAssetsCSV(r.Context(), acc, f, out)
		})
	case "xlsx":
		return sendFile(w, xlsxType, "assets-"+acc.Org.Slug+"-"+day+".xlsx", func(out io.Writer) error {
			return a.svc.ExportAssetsXLSX(r.Context(), acc, f, out)
		})
	default:
		return isms.Invalid("format", "%q is not an export format; use csv or xlsx", format)
	}
}

// assetTemplate downloads the asset CSV layout with example rows.
func (a *API) assetTemplate(w http.ResponseWriter, r *http.Request, _ app.Access) error {
	if err := knownQuery(r); err != nil {
		return err
	}
	return sendFile(w, csvType, "isms-assets-template.csv", func(out io.Writer) error {
		_, err := out.Write(app.AssetCSVTemplate())
		return err
	})
}
