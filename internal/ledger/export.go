package ledger

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// maxExportLine bounds one entry of an export: a record's content is a
// database row, far below this, so a longer line is not an isms export.
const maxExportLine = 16 << 20

// VerifyExport checks a chain exported as JSON Lines (one entry per line,
// oldest first) without a database: sequence, links and hashes. The
// records are not in an export, so they cannot be compared. A line that is
// not an entry is an error naming the line; a chain that does not verify
// is a report with problems.
func VerifyExport(r io.Reader) (Report, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxExportLine)
	var (
		v    *Verifier
		line int
	)
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		e, err := parseEntry(sc.Bytes())
		if err != nil {
			return Report{}, fmt.Errorf("line %d: not a ledger entry: %w", line, err)
		}
		if v == nil {
			v = NewVerifier(e.Chain)
		}
		v.Add(e)
	}
	if err := sc.Err(); err != nil {
		return Report{}, fmt.Errorf("line %d: %w", line+1, err)
	}
	if v == nil {
		return Report{}, errors.New("no entries")
	}
	return v.Report(), nil
}

// entryFields are the members of an exported entry, spelt exactly.
var entryFields = []string{"chain", "seq", "at", "actor", "record_type", "record_id", "action", "content", "prev_hash", "hash"}

// parseEntry reads one exported entry strictly: exactly the ten members,
// spelt exactly (encoding/json alone would take "Chain" for "chain"), and
// nothing after the object, so that what verifies here verifies in any
// other verifier too.
func parseEntry(line []byte) (Entry, error) {
	var members map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&members); err != nil {
		return Entry{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return Entry{}, errors.New("data after the entry")
	}
	for _, name := range entryFields {
		if _, ok := members[name]; !ok {
			return Entry{}, fmt.Errorf("the field %s is missing", name)
		}
	}
	if len(members) != len(entryFields) {
		for name := range members {
			if !slices.Contains(entryFields, name) {
				return Entry{}, fmt.Errorf("unknown field %q", name)
			}
		}
	}
	var e Entry
	if err := json.Unmarshal(line, &e); err != nil {
		return Entry{}, err
	}
	return e, nil
}
