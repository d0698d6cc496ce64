package ledger

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// ProblemKind classifies what verification found.
type ProblemKind string

// Problem kinds, in the words the verify report prints.
const (
	// The chain itself is broken: an entry was edited, inserted or
	// removed in the ledger table.
	ProblemSequence  ProblemKind = "sequence_gap"
	ProblemPrevHash  ProblemKind = "prev_hash_mismatch"
	ProblemHash      ProblemKind = "hash_mismatch"
	ProblemMalformed ProblemKind = "malformed_entry"
	ProblemHead      ProblemKind = "head_mismatch"
	// The records disagree with the chain: a record table was changed
	// behind the application's back.
	ProblemModified   ProblemKind = "record_modified"
	ProblemUnrecorded ProblemKind = "record_not_in_ledger"
	ProblemDeleted    ProblemKind = "record_missing"
)

// Problem is one finding of verification, naming the entry or the record.
type Problem struct {
	Chain      string      `json:"chain"`
	Kind       ProblemKind `json:"kind"`
	Seq        int64       `json:"seq,omitempty"`
	RecordType string      `json:"record_type,omitempty"`
	RecordID   string      `json:"record_id,omitempty"`
	Detail     string      `json:"detail"`
}

func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", p.Chain, p.Kind)
	if p.Seq > 0 {
		fmt.Fprintf(&b, " at entry %d", p.Seq)
	}
	if p.RecordType != "" {
		fmt.Fprintf(&b, " %s %s", p.RecordType, p.RecordID)
	}
	return b.String() + ": " + p.Detail
}

// Report is the outcome of verifying one chain.
type Report struct {
	Chain    string    `json:"chain"`
	Entries  int64     `json:"entries"`
	HeadSeq  int64     `json:"head_seq"`
	HeadHash string    `json:"head_hash"`
	Records  int       `json:"records_checked"`
	Problems []Problem `json:"problems"`
}

// OK reports whether nothing was found.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verifier checks one chain, entry by entry in sequence order, keeping
// only the last entry of each record so that memory grows with the number
// of records, not with the length of the history.
type Verifier struct {
	chain   string
	nextSeq int64
	prev    string
	latest  map[RecordKey]Entry
	report  Report
}

// NewVerifier starts verifying chain from its genesis.
func NewVerifier(chain string) *Verifier {
	return &Verifier{
		chain:   chain,
		nextSeq: 1,
		prev:    GenesisHash,
		latest:  make(map[RecordKey]Entry),
		report:  Report{Chain: chain, HeadHash: GenesisHash, Problems: []Problem{}},
	}
}

func (v *Verifier) problem(p Problem) {
	p.Chain = v.chain
	v.report.Problems = append(v.report.Problems, p)
}

// Add checks the next entry of the chain. Entries must come in ascending
// seq order; a gap, a broken link or a wrong hash is recorded and
// verification goes on from the entry as stored, so one tampered entry is
// reported once rather than poisoning every later one.
func (v *Verifier) Add(e Entry) {
	v.report.Entries++
	if e.Chain != v.chain {
		v.problem(Problem{Kind: ProblemMalformed, Seq: e.Seq, Detail: fmt.Sprintf("entry belongs to chain %q", e.Chain)})
	}
	if e.Seq != v.nextSeq {
		v.problem(Problem{Kind: ProblemSequence, Seq: e.Seq, Detail: fmt.Sprintf("expected entry %d, found %d: entries were removed or inserted", v.nextSeq, e.Seq)})
	}
	if e.PrevHash != v.prev {
		v.problem(Problem{Kind: ProblemPrevHash, Seq: e.Seq, RecordType: e.RecordType, RecordID: e.RecordID,
			Detail: fmt.Sprintf("prev_hash %s does not match the hash %s of the entry before it", short(e.PrevHash), short(v.prev))})
	}
	want, err := ComputeHash(e.PrevHash, e)
	switch {
	case err != nil:
		v.problem(Problem{Kind: ProblemMalformed, Seq: e.Seq, RecordType: e.RecordType, RecordID: e.RecordID, Detail: err.Error()})
	case want != e.Hash:
		v.problem(Problem{Kind: ProblemHash, Seq: e.Seq, RecordType: e.RecordType, RecordID: e.RecordID,
			Detail: fmt.Sprintf("stored hash %s, computed %s: the entry was altered after it was written", short(e.Hash), short(want))})
	}
	v.nextSeq = e.Seq + 1
	v.prev = e.Hash
	v.report.HeadSeq = e.Seq
	v.report.HeadHash = e.Hash
	v.latest[RecordKey{e.RecordType, e.RecordID}] = e
}

// CheckHead compares the chain's end with the head the store keeps, which
// catches entries cut from the end of the chain.
func (v *Verifier) CheckHead(seq int64, hash string) {
	if seq != v.report.HeadSeq || hash != v.report.HeadHash {
		v.problem(Problem{Kind: ProblemHead,
			Detail: fmt.Sprintf("the chain ends at entry %d (%s) but its recorded head is entry %d (%s): entries were removed from the end",
				v.report.HeadSeq, short(v.report.HeadHash), seq, short(hash))})
	}
}

// CheckRecords compares the current records of the chain's record types
// with the content of each record's last entry. current maps every record
// that exists now to its canonical content.
func (v *Verifier) CheckRecords(types []string, current map[RecordKey][]byte) {
	inScope := func(t string) bool { return slices.Contains(types, t) }
	keys := make([]RecordKey, 0, len(current))
	for k := range current {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	for _, k := range keys {
		v.report.Records++
		last, ok := v.latest[k]
		switch {
		case !ok:
			v.problem(Problem{Kind: ProblemUnrecorded, RecordType: k.Type, RecordID: k.ID,
				Detail: "the record exists but no ledger entry created it: it was inserted behind the application's back"})
		case last.Action == ActionDelete:
			v.problem(Problem{Kind: ProblemUnrecorded, Seq: last.Seq, RecordType: k.Type, RecordID: k.ID,
				Detail: "the ledger says the record was deleted, but it exists"})
		default:
			stored, err := CanonicalJSON(last.Content)
			if err != nil {
				v.problem(Problem{Kind: ProblemMalformed, Seq: last.Seq, RecordType: k.Type, RecordID: k.ID, Detail: err.Error()})
				continue
			}
			if !bytes.Equal(stored, current[k]) {
				v.problem(Problem{Kind: ProblemModified, Seq: last.Seq, RecordType: k.Type, RecordID: k.ID,
					Detail: "the record differs from its last ledger entry: " + describeDiff(stored, current[k])})
			}
		}
	}
	missing := make([]Entry, 0)
	for k, last := range v.latest {
		if _, exists := current[k]; !exists && last.Action != ActionDelete && inScope(k.Type) {
			missing = append(missing, last)
		}
	}
	slices.SortFunc(missing, func(a, b Entry) int { return int(a.Seq - b.Seq) })
	for _, last := range missing {
		v.problem(Problem{Kind: ProblemDeleted, Seq: last.Seq, RecordType: last.RecordType, RecordID: last.RecordID,
			Detail: "the ledger says the record exists, but it is gone: it was deleted behind the application's back"})
	}
}

// Report returns what verification found so far.
func (v *Verifier) Report() Report { return v.report }

func compareKeys(a, b RecordKey) int {
	if c := strings.Compare(a.Type, b.Type); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

// describeDiff names the top-level fields whose values differ, so the
// report says what was changed without repeating possibly sensitive values.
func describeDiff(stored, current []byte) string {
	a, errA := decodeJSON(stored)
	b, errB := decodeJSON(current)
	ma, okA := a.(map[string]any)
	mb, okB := b.(map[string]any)
	if errA != nil || errB != nil || !okA || !okB {
		return "content differs"
	}
	var fields []string
	for k, va := range ma {
		vb, ok := mb[k]
		ca, _ := Canonical(va)
		cb, _ := Canonical(vb)
		if !ok || !bytes.Equal(ca, cb) {
			fields = append(fields, k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			fields = append(fields, k)
		}
	}
	slices.Sort(fields)
	return "fields " + strings.Join(fields, ", ") + " changed"
}
