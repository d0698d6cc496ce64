package ledger

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// exampleEntry is the worked example of docs/ledger.md.
func exampleEntry() Entry {
	return Entry{
		Chain:      "0192e3a4-5b6c-7d8e-9f00-112233445566",
		Seq:        1,
		At:         "2026-11-29T09:30:00.000000Z",
		Actor:      "cli:root",
		RecordType: "organization",
		RecordID:   "0192e3a4-5b6c-7d8e-9f00-112233445566",
		Action:     ActionCreate,
		Content: json.RawMessage(`{"created_at":"2026-11-29T09:30:00.000000Z","id":"0192e3a4-5b6c-7d8e-9f00-112233445566",` +
			`"name":"Helix AI Ltd","slug":"helix-ai","updated_at":"2026-11-29T09:30:00.000000Z"}`),
	}
}

const (
	exampleCanonical = `{"action":"create","actor":"cli:root","at":"2026-11-29T09:30:00.000000Z",` +
		`"chain":"0192e3a4-5b6c-7d8e-9f00-112233445566",` +
		`"content":{"created_at":"2026-11-29T09:30:00.000000Z","id":"0192e3a4-5b6c-7d8e-9f00-112233445566",` +
		`"name":"Helix AI Ltd","slug":"helix-ai","updated_at":"2026-11-29T09:30:00.000000Z"},` +
		`"record_id":"0192e3a4-5b6c-7d8e-9f00-112233445566","record_type":"organization","seq":1}`
	// The hash is pinned: if it changes, every ledger ever written stops
	// verifying. Never update it to make the test pass. It was computed
	// independently with Python's json and hashlib, as docs/ledger.md shows.
	exampleHash = "d7523c31dd408c040ec8ce7c100c9a194f502f91481ce61d97d192a367af7f14"
)

func TestEntryEncodingIsPinned(t *testing.T) {
	e := exampleEntry()
	canon, err := e.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	if string(canon) != exampleCanonical {
		t.Errorf("canonical entry changed:\n got %s\nwant %s", canon, exampleCanonical)
	}
	if err := e.Seal(GenesisHash); err != nil {
		t.Fatal(err)
	}
	if e.Hash != exampleHash {
		t.Errorf("hash = %s, want %s", e.Hash, exampleHash)
	}
	doc, err := os.ReadFile("../../docs/ledger.md")
	if err != nil {
		t.Fatalf("read the format's documentation: %v", err)
	}
	for _, want := range []string{exampleCanonical, exampleHash} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("docs/ledger.md does not show the worked example %q", want)
		}
	}
}

// chain builds n sealed entries about two records.
func chain(t testing.TB, n int) []Entry {
	t.Helper()
	var out []Entry
	prev := GenesisHash
	for i := 1; i <= n; i++ {
		e := Entry{Chain: "c", Seq: int64(i), At: "2026-01-01T00:00:00.000000Z", Actor: "user:u",
			RecordType: "member", RecordID: []string{"a", "b"}[i%2], Action: ActionUpdate,
			Content: json.RawMessage(`{"id":"` + []string{"a", "b"}[i%2] + `","role":"viewer","n":` + string(rune('0'+i)) + `}`)}
		if i <= 2 {
			e.Action = ActionCreate
		}
		if err := e.Seal(prev); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(entries []Entry, head Entry, current map[RecordKey][]byte) Report {
	v := NewVerifier("c")
	for _, e := range entries {
		v.Add(e)
	}
	v.CheckHead(head.Seq, head.Hash)
	v.CheckRecords([]string{"member"}, current)
	return v.Report()
}

func currentOf(t *testing.T, entries []Entry) map[RecordKey][]byte {
	t.Helper()
	cur := map[RecordKey][]byte{}
	for _, e := range entries {
		c, err := CanonicalJSON(e.Content)
		if err != nil {
			t.Fatal(err)
		}
		cur[RecordKey{e.RecordType, e.RecordID}] = c
	}
	return cur
}

func TestVerifier(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(entries []Entry, cur map[RecordKey][]byte) ([]Entry, Entry)
		want   []ProblemKind
		record string
	}{
		{
			name:   "intact",
			tamper: func(es []Entry, _ map[RecordKey][]byte) ([]Entry, Entry) { return es, es[len(es)-1] },
		},
		{
			name: "entry content edited",
			tamper: func(es []Entry, _ map[RecordKey][]byte) ([]Entry, Entry) {
				es[2].Actor = "user:mallory"
				return es, es[len(es)-1]
			},
			want: []ProblemKind{ProblemHash},
		},
		{
			name: "entry removed from the middle",
			tamper: func(es []Entry, _ map[RecordKey][]byte) ([]Entry, Entry) {
				return append(es[:2:2], es[3:]...), es[len(es)-1]
			},
			want: []ProblemKind{ProblemSequence, ProblemPrevHash},
		},
		{
			name: "entries cut from the end",
			tamper: func(es []Entry, _ map[RecordKey][]byte) ([]Entry, Entry) {
				return es[:3], es[len(es)-1]
			},
			// The records still show the changes of the lost entries.
			want: []ProblemKind{ProblemHead, ProblemModified, ProblemModified},
		},
		{
			name: "record edited behind the ledger",
			tamper: func(es []Entry, cur map[RecordKey][]byte) ([]Entry, Entry) {
				cur[RecordKey{"member", "a"}] = []byte(`{"id":"a","n":4,"role":"owner"}`)
				return es, es[len(es)-1]
			},
			want:   []ProblemKind{ProblemModified},
			record: "member a",
		},
		{
			name: "record inserted behind the ledger",
			tamper: func(es []Entry, cur map[RecordKey][]byte) ([]Entry, Entry) {
				cur[RecordKey{"member", "x"}] = []byte(`{"id":"x"}`)
				return es, es[len(es)-1]
			},
			want:   []ProblemKind{ProblemUnrecorded},
			record: "member x",
		},
		{
			name: "record deleted behind the ledger",
			tamper: func(es []Entry, cur map[RecordKey][]byte) ([]Entry, Entry) {
				delete(cur, RecordKey{"member", "b"})
				return es, es[len(es)-1]
			},
			want:   []ProblemKind{ProblemDeleted},
			record: "member b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := chain(t, 5)
			cur := currentOf(t, es)
			es, head := tt.tamper(es, cur)
			r := verify(es, head, cur)
			var got []ProblemKind
			for _, p := range r.Problems {
				got = append(got, p.Kind)
				if tt.record != "" && p.RecordType+" "+p.RecordID != tt.record {
					t.Errorf("problem names %s %s, want %s", p.RecordType, p.RecordID, tt.record)
				}
			}
			if strings.Join(kinds(got), ",") != strings.Join(kinds(tt.want), ",") {
				t.Errorf("problems = %v, want %v (report %+v)", got, tt.want, r.Problems)
			}
			if r.OK() != (len(tt.want) == 0) {
				t.Errorf("OK() = %v with problems %v", r.OK(), r.Problems)
			}
		})
	}
}

func kinds(ks []ProblemKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

func TestModifiedNamesFieldsNotValues(t *testing.T) {
	es := chain(t, 2)
	cur := currentOf(t, es)
	cur[RecordKey{"member", "a"}] = []byte(`{"id":"a","n":2,"role":"s3cr3t"}`)
	r := verify(es, es[1], cur)
	if len(r.Problems) != 1 {
		t.Fatalf("problems = %+v", r.Problems)
	}
	if d := r.Problems[0].Detail; !strings.Contains(d, "role") || strings.Contains(d, "s3cr3t") {
		t.Errorf("detail %q should name the field role and not show its value", d)
	}
}
