package aibom

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/isms-dev/isms/internal/isms"
)

// Asset is one asset a file describes.
type Asset struct {
	// Key is the asset's stable identity within its source, for re-import
	// (see the package documentation).
	Key  string
	Type isms.AssetType
	Name string
	// Description is plain text of at most 10,000 characters.
	Description string
	// Attributes hold only keys the type defines in isms.AssetTypes, with
	// values the type allows; empty values are left out.
	Attributes map[string]string
	// Tags are lower case, sorted, 1 to 50 bytes without commas or
	// semicolons.
	Tags []string
	// ModelCard is a readable plain-text summary of the model card (task,
	// architecture, datasets, metrics, limitations, ethical
	// considerations), or of a dataset card for a dataset; at most 20 KB.
	ModelCard string
	Relations []Relation
	// Line is where the asset starts in the file, 0 when unknown.
	Line int
	// Governance is what people decide about an asset: owner,
	// classification, CIA ratings, lifecycle. Only the isms CSV carries it;
	// it is nil for BOMs and cards, which say nothing about it, so an
	// import must keep what the organisation already recorded.
	Governance *Governance
}

// Relation links an asset to another, read "asset Kind target".
type Relation struct {
	Kind      isms.RelationKind
	TargetKey string
}

// Result is what a file holds.
type Result struct {
	// Format is one of the Format constants.
	Format   string
	Assets   []Asset
	Warnings []string
}

// Formats a Result can have.
const (
	FormatCycloneDXJSON = "cyclonedx+json"
	FormatCycloneDXXML  = "cyclonedx+xml"
	FormatSPDX3         = "spdx3+jsonld"
	FormatModelCard     = "huggingface-modelcard"
	FormatDatasetCard   = "huggingface-datasetcard"
	FormatCSV           = "isms-assets-csv"
)

// Limits on files from outside: far above real BOMs and cards, low enough
// that a hostile file cannot exhaust memory or the stack.
const (
	// MaxFileSize is the largest file accepted, in bytes.
	MaxFileSize = 32 << 20
	// MaxAssets is the most assets (or BOM components) one file may hold.
	MaxAssets = 100_000
	// maxDepth bounds the nesting of JSON, XML and YAML.
	maxDepth = 64
	// maxValues bounds the values kept from one JSON or XML file.
	maxValues = 2_000_000
	// maxModelCard is the size of Asset.ModelCard, in bytes.
	maxModelCard = 20 << 10
	// The lengths below are isms.Asset's rules, in characters, except
	// that isms counts a tag in bytes.
	maxName        = 200
	maxDescription = 10_000
	maxAttribute   = 500
	maxTag         = 50
	// maxKey bounds identities; a key is never shortened, since that could
	// merge two assets.
	maxKey = 1000
)

// Parse reads a file of any supported format, recognised by its content
// and, where the content is ambiguous, its name: CycloneDX JSON or XML,
// SPDX 3 JSON-LD, a Hugging Face card or the isms asset CSV. name is used
// in problems and, for cards, to find the model id (org/model/README.md).
func Parse(name string, data []byte) (Result, error) {
	c := &collector{file: name}
	body, ok := checkInput(c, data)
	if !ok {
		return Result{}, c.err()
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	ext := strings.ToLower(path.Ext(name))
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		if isSPDX(body) {
			return ParseSPDX3(name, data)
		}
		return ParseCycloneDX(name, data)
	case len(trimmed) > 0 && trimmed[0] == '<':
		return ParseCycloneDX(name, data)
	case hasFrontMatter(body) || ext == ".md" || ext == ".markdown":
		return ParseModelCard(name, data)
	case ext == ".csv" || looksLikeCSV(body):
		return ParseCSV(name, data)
	}
	c.add(1, "", "cannot tell the format: isms reads CycloneDX (JSON or XML), SPDX 3 JSON-LD, Hugging Face cards (README.md) and the isms asset CSV")
	return Result{}, c.err()
}

// looksLikeCSV reports whether the first line is a header with the
// required columns.
func looksLikeCSV(data []byte) bool {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cols := map[string]bool{}
	for _, f := range strings.Split(strings.TrimSpace(string(first)), ",") {
		cols[strings.Trim(strings.TrimSpace(f), `"`)] = true
	}
	return cols["key"] && cols["name"] && cols["type"]
}

// checkInput applies the checks every format shares and returns the text
// without a byte order mark.
func checkInput(c *collector, data []byte) ([]byte, bool) {
	if len(data) > MaxFileSize {
		c.add(0, "", "the file is %d bytes; the largest accepted is %d (32 MiB)", len(data), MaxFileSize)
		return nil, false
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		bad := 0
		for bad < len(data) {
			r, size := utf8.DecodeRune(data[bad:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			bad += size
		}
		c.add(lineAt(data, bad), "", "the file is not UTF-8 text: byte %d is not valid UTF-8", bad+1)
		return nil, false
	}
	if len(bytes.TrimSpace(data)) == 0 {
		c.add(0, "", "the file is empty")
		return nil, false
	}
	return data, true
}

// lineAt returns the line of a byte offset.
func lineAt(data []byte, offset int) int {
	offset = min(max(offset, 0), len(data))
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// result finishes a parse: the problems, or the assets and warnings.
func result(c *collector, format string, assets []Asset) (Result, error) {
	if err := c.err(); err != nil {
		return Result{}, err
	}
	return Result{Format: format, Assets: assets, Warnings: c.warningTexts()}, nil
}
