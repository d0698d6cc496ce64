package aibom

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/isms-dev/isms/internal/isms"
)

// Governance is what an organisation decides about an asset, as the isms
// CSV carries it.
type Governance struct {
	// Owner and Custodian are members' email addresses; either may be
	// empty.
	Owner     string
	Custodian string
	// Classification is a level of the organisation's scheme, which the
	// application checks.
	Classification string
	// Confidentiality, Integrity and Availability are 1 (low) to 5
	// (critical), or 0 when not assessed.
	Confidentiality int
	Integrity       int
	Availability    int
	Location        string
	// Lifecycle is "" when the file does not say.
	Lifecycle isms.Lifecycle
	// DisposalDate is zero unless the asset is retired.
	DisposalDate   time.Time
	DisposalMethod string
}

// CSVRow is one row of the isms asset CSV, as WriteCSV writes it and
// ParseCSV reads it (into an Asset with its Governance).
type CSVRow struct {
	Key         string
	Name        string
	Type        isms.AssetType
	Description string
	Governance
	Tags []string
	// Attributes are the type's fields, by key (columns attr.<key>).
	Attributes map[string]string
	// Relations go to other assets' keys (columns rel.<kind>).
	Relations []Relation
}

const dateLayout = "2006-01-02"

// csvBaseColumns come first, in this order, in what WriteCSV writes.
var csvBaseColumns = []string{"key", "name", "type", "description", "owner", "custodian", "classification",
	"confidentiality", "integrity", "availability", "location", "lifecycle", "disposal_date", "disposal_method", "tags"}

// csvColumns is the full header WriteCSV and CSVTemplate write: the base
// columns, one attr.<key> column per attribute key of any type (in the
// order of isms.AssetTypes) and one rel.<kind> column per relation kind.
func csvColumns() []string {
	cols := slices.Clone(csvBaseColumns)
	for _, info := range isms.AssetTypes {
		for _, spec := range info.Attributes {
			if col := "attr." + spec.Key; !slices.Contains(cols, col) {
				cols = append(cols, col)
			}
		}
	}
	for _, k := range isms.RelationKinds {
		cols = append(cols, "rel."+string(k))
	}
	return cols
}

// CSVTemplate returns the header row and two example rows: a model and the
// dataset it was fine-tuned on.
func CSVTemplate() []byte {
	rows := []CSVRow{{
		Key: "support-assistant", Name: "Support assistant model", Type: isms.AssetModel,
		Description: "Language model fine-tuned to answer customer support questions",
		Governance: Governance{Owner: "head-of-ml@example.com", Custodian: "mlops@example.com", Classification: "confidential",
			Confidentiality: 4, Integrity: 4, Availability: 3, Location: "s3://example-models/support-assistant",
			Lifecycle: isms.LifecycleInProduction},
		Tags: []string{"customer-facing", "llm"},
		Attributes: map[string]string{"version": "2.1", "framework": "transformers", "provider": "Example Ltd",
			"base_model": "meta-llama/Llama-3.1-8B", "licence": "proprietary", "task": "text-generation"},
		Relations: []Relation{{isms.RelTrainedOn, "support-tickets-2024"}, {isms.RelFineTunedFrom, "meta-llama/Llama-3.1-8B"}},
	}, {
		Key: "support-tickets-2024", Name: "Support tickets 2024", Type: isms.AssetDataset,
		Description: "Anonymised support conversations used to fine-tune the support assistant",
		Governance: Governance{Owner: "dpo@example.com", Classification: "restricted",
			Confidentiality: 5, Integrity: 3, Availability: 2, Location: "s3://example-datasets/support-tickets-2024",
			Lifecycle: isms.LifecycleInProduction},
		Tags: []string{"personal-data"},
		Attributes: map[string]string{"purpose": "fine_tuning", "provenance": "helpdesk export, anonymised",
			"licence": "internal", "personal_data": "yes", "retention": "3 years"},
	}}
	var b bytes.Buffer
	if err := WriteCSV(&b, rows); err != nil {
		panic("the CSV template does not write: " + err.Error())
	}
	return b.Bytes()
}

// WriteCSV writes rows in the isms asset CSV layout, with the full header.
// Cells that a spreadsheet would run as a formula (starting with = + - @,
// a tab or a carriage return) get a leading single quote, which ParseCSV
// removes again. It refuses rows that the layout cannot hold: an
// attribute or relation kind without a column, a tag or relation key
// holding ';'.
func WriteCSV(w io.Writer, rows []CSVRow) error {
	cols := csvColumns()
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return err
	}
	for i, row := range rows {
		cells, err := row.cells(cols)
		if err != nil {
			return fmt.Errorf("row %d (%s): %w", i+1, row.Key, err)
		}
		for j := range cells {
			cells[j] = neutralize(cells[j])
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (row CSVRow) cells(cols []string) ([]string, error) {
	for _, t := range row.Tags {
		if strings.Contains(t, ";") {
			return nil, fmt.Errorf("tag %q holds ';', which separates tags", t)
		}
	}
	byCol := map[string]string{
		"key": row.Key, "name": row.Name, "type": string(row.Type), "description": row.Description,
		"owner": row.Owner, "custodian": row.Custodian, "classification": row.Classification,
		"confidentiality": rating(row.Confidentiality), "integrity": rating(row.Integrity),
		"availability": rating(row.Availability), "location": row.Location, "lifecycle": string(row.Lifecycle),
		"disposal_method": row.DisposalMethod, "tags": strings.Join(row.Tags, ";"),
	}
	if !row.DisposalDate.IsZero() {
		byCol["disposal_date"] = row.DisposalDate.Format(dateLayout)
	}
	for k, v := range row.Attributes {
		col := "attr." + k
		if !slices.Contains(cols, col) {
			return nil, fmt.Errorf("attribute %q is no field of any asset type", k)
		}
		byCol[col] = v
	}
	for _, r := range row.Relations {
		col := "rel." + string(r.Kind)
		switch {
		case !slices.Contains(cols, col):
			return nil, fmt.Errorf("%q is not a relation kind", r.Kind)
		case strings.Contains(r.TargetKey, ";"):
			return nil, fmt.Errorf("relation target %q holds ';', which separates targets", r.TargetKey)
		}
		byCol[col] = joinNonEmpty(";", byCol[col], r.TargetKey)
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = byCol[c]
	}
	return out, nil
}

// rating writes 0, not assessed, as an empty cell.
func rating(v int) string {
	if v == 0 {
		return ""
	}
	return strconv.Itoa(v)
}

// formulaStarts are the first characters that make a spreadsheet treat a
// cell as a formula.
const formulaStarts = "=+-@\t\r"

func neutralize(cell string) string {
	if cell != "" && strings.ContainsRune(formulaStarts, rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

func unneutralize(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune(formulaStarts, rune(cell[1])) {
		return cell[1:]
	}
	return cell
}

// ParseCSV reads the isms asset CSV (csv.md): a header row naming the
// columns in any order, then one asset per row. Every cell is checked and
// every problem reported with its line and column. The assets come with
// their Governance.
func ParseCSV(name string, data []byte) (Result, error) {
	c := &collector{file: name}
	body, ok := checkInput(c, data)
	if !ok {
		return Result{}, c.err()
	}
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		csvError(c, err)
		return result(c, FormatCSV, nil)
	}
	cols := readHeader(c, header)
	if c.err() != nil {
		return result(c, FormatCSV, nil)
	}
	var assets []Asset
	firstLine := map[string]int{}
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			csvError(c, err)
			break
		}
		line, _ := cr.FieldPos(0)
		if !slices.ContainsFunc(record, func(cell string) bool { return strings.TrimSpace(cell) != "" }) {
			// Spreadsheets export trailing rows of empty cells.
			continue
		}
		if len(record) != len(cols) {
			c.add(line, "", "the row has %d cells; the header has %d", len(record), len(cols))
			continue
		}
		if len(assets) == MaxAssets {
			c.stop(line, "", "the file has more than %d rows; split it", MaxAssets)
			break
		}
		row := rowReader{c: c, line: line, cols: cols, cells: map[string]string{}}
		for i, col := range cols {
			row.cells[col] = unneutralize(strings.TrimSpace(record[i]))
		}
		a, ok := row.asset()
		if !ok {
			continue
		}
		if first, dup := firstLine[a.Key]; dup {
			c.add(line, "key", "%q is the key of another row (line %d); keys must be unique", clip(a.Key, 80), first)
			continue
		}
		firstLine[a.Key] = line
		assets = append(assets, a)
	}
	if c.err() == nil && len(assets) == 0 {
		c.warn(1, "", "the file has a header but no rows")
	}
	return result(c, FormatCSV, assets)
}

func csvError(c *collector, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		c.stop(pe.Line, "", "not valid CSV: %v", pe.Err)
		return
	}
	c.stop(0, "", "not valid CSV: %v", err)
}

// readHeader checks the header row and returns the column names.
func readHeader(c *collector, header []string) []string {
	allowed := csvColumns()
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		cols[i] = h
		switch {
		case seen[h]:
			c.add(1, h, "the column is given twice")
		case !slices.Contains(allowed, h):
			c.add(1, clip(h, 60), "is not a column of the isms asset CSV; see csv.md for the columns (attr.<key> and rel.<kind> for attributes and relations)")
		}
		seen[h] = true
	}
	for _, req := range []string{"key", "name", "type"} {
		if !seen[req] {
			c.add(1, req, "the column is required")
		}
	}
	return cols
}

// rowReader checks the cells of one row.
type rowReader struct {
	c     *collector
	line  int
	cols  []string
	cells map[string]string
	bad   bool
}

func (r *rowReader) add(col, format string, args ...any) {
	r.c.add(r.line, col, format, args...)
	r.bad = true
}

// text reads a one-line cell of at most max characters.
func (r *rowReader) text(col string, required bool, maxLen int) string {
	v := r.cells[col]
	switch {
	case v == "" && required:
		r.add(col, "is required")
	case utf8.RuneCountInString(v) > maxLen:
		r.add(col, "is longer than %d characters", maxLen)
	case strings.ContainsFunc(v, unicode.IsControl):
		r.add(col, "must be one line of text without control characters")
	}
	return v
}

func (r *rowReader) email(col string) string {
	v := r.cells[col]
	if v == "" {
		return ""
	}
	if addr, err := mail.ParseAddress(v); err != nil || addr.Address != v || addr.Name != "" {
		r.add(col, "%q is not an email address", clip(v, 80))
	}
	return v
}

func (r *rowReader) cia(col string) int {
	v := r.cells[col]
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 5 {
		r.add(col, "%q is not a rating: use 1 (low) to 5 (critical), or 0 or nothing when not assessed", clip(v, 20))
	}
	return n
}

// list splits a ';'-separated cell.
func (r *rowReader) list(col string) []string {
	var out []string
	for _, item := range strings.Split(r.cells[col], ";") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func (r *rowReader) asset() (Asset, bool) {
	a := Asset{Line: r.line, Attributes: map[string]string{}, Governance: &Governance{}}
	g := a.Governance
	a.Key = r.text("key", true, maxKey)
	a.Name = r.text("name", true, maxName)
	a.Type = isms.AssetType(r.cells["type"])
	info, known := a.Type.Info()
	switch {
	case a.Type == "":
		r.add("type", "is required")
	case !known:
		names := make([]string, len(isms.AssetTypes))
		for i, t := range isms.AssetTypes {
			names[i] = string(t.Type)
		}
		r.add("type", "%q is not an asset type; use one of %s", clip(string(a.Type), 40), strings.Join(names, ", "))
	}
	a.Description = prose(r.cells["description"])
	if utf8.RuneCountInString(a.Description) > maxDescription {
		r.add("description", "is longer than %d characters", maxDescription)
	}
	g.Owner = r.email("owner")
	g.Custodian = r.email("custodian")
	g.Classification = r.text("classification", false, 100)
	g.Confidentiality = r.cia("confidentiality")
	g.Integrity = r.cia("integrity")
	g.Availability = r.cia("availability")
	g.Location = r.text("location", false, maxName)
	g.Lifecycle = isms.Lifecycle(r.cells["lifecycle"])
	if g.Lifecycle != "" && !slices.Contains(isms.Lifecycles, g.Lifecycle) {
		r.add("lifecycle", "%q is not a lifecycle state; use planned, in_development, in_production or retired", clip(string(g.Lifecycle), 40))
	}
	if d := r.cells["disposal_date"]; d != "" {
		t, err := time.Parse(dateLayout, d)
		if err != nil {
			r.add("disposal_date", "%q is not a date; write YYYY-MM-DD", clip(d, 40))
		}
		g.DisposalDate = t
	}
	g.DisposalMethod = r.text("disposal_method", false, maxAttribute)
	retired := g.Lifecycle == isms.LifecycleRetired
	switch {
	case retired && (r.cells["disposal_date"] == "" || g.DisposalMethod == ""):
		r.add("disposal_method", "a retired asset needs its disposal record: disposal_date and disposal_method")
	case !retired && (r.cells["disposal_date"] != "" || g.DisposalMethod != ""):
		r.add("lifecycle", "only a retired asset has a disposal record (disposal_date, disposal_method)")
	}
	for _, t := range r.list("tags") {
		t = strings.ToLower(t)
		if len(t) > maxTag || strings.Contains(t, ",") || strings.ContainsFunc(t, unicode.IsControl) {
			r.add("tags", "tag %q: tags are 1 to %d bytes (letters of plain ASCII) without commas", clip(t, 60), maxTag)
			continue
		}
		a.Tags = append(a.Tags, t)
	}
	slices.Sort(a.Tags)
	a.Tags = slices.Compact(a.Tags)
	for _, col := range r.cols {
		v := r.cells[col]
		switch {
		case v == "":
		case strings.HasPrefix(col, "attr."):
			r.attribute(&a, info, known, col, v)
		case strings.HasPrefix(col, "rel."):
			for _, target := range r.list(col) {
				switch {
				case target == a.Key:
					r.add(col, "an asset cannot relate to itself")
				case len(target) > maxKey || strings.ContainsFunc(target, unicode.IsControl):
					r.add(col, "%q is not a key", clip(target, 60))
				default:
					relate(&a, isms.RelationKind(strings.TrimPrefix(col, "rel.")), target)
				}
			}
		}
	}
	a.Relations = sortRelations(a.Relations)
	return a, !r.bad
}

func (r *rowReader) attribute(a *Asset, info isms.AssetTypeInfo, known bool, col, v string) {
	if !known {
		return
	}
	key := strings.TrimPrefix(col, "attr.")
	i := slices.IndexFunc(info.Attributes, func(s isms.AttributeSpec) bool { return s.Key == key })
	switch {
	case i < 0:
		r.add(col, "is not a field of a %s; leave it empty for this row", info.Label)
	case len(info.Attributes[i].Values) > 0 && !slices.Contains(info.Attributes[i].Values, v):
		r.add(col, "%q is not one of %s", clip(v, 40), strings.Join(info.Attributes[i].Values, ", "))
	case utf8.RuneCountInString(v) > maxAttribute:
		r.add(col, "is longer than %d characters", maxAttribute)
	case strings.ContainsFunc(v, unicode.IsControl):
		r.add(col, "must be one line of text without control characters")
	default:
		a.Attributes[key] = v
	}
}
