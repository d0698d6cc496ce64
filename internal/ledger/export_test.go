package ledger

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func exportOf(t testing.TB, entries []Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestVerifyExport(t *testing.T) {
	es := chain(t, 4)
	good := exportOf(t, es)
	r, err := VerifyExport(bytes.NewReader(good))
	if err != nil || !r.OK() || r.Entries != 4 || r.HeadHash != es[3].Hash {
		t.Fatalf("intact export: %+v, %v", r, err)
	}

	edited := bytes.Replace(good, []byte(`"role":"viewer","n":3`), []byte(`"role":"owner","n":3`), 1)
	r, err = VerifyExport(bytes.NewReader(edited))
	if err != nil || r.OK() || r.Problems[0].Kind != ProblemHash || r.Problems[0].Seq != 3 {
		t.Errorf("edited export: %+v, %v", r.Problems, err)
	}

	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "no entries"},
		{"not JSON", "hello\n", "line 1"},
		{"unknown field", `{"chain":"c","seq":1,"extra":1}` + "\n", "line 1"},
		{"missing field", `{"chain":"c","seq":1}` + "\n", "field at is missing"},
		{"field spelt otherwise", strings.Replace(string(good), `"chain"`, `"Chain"`, 1), "line 1"},
		{"data after the entry", strings.Replace(string(good), "}\n", "} 0\n", 1), "line 1"},
		{"second line broken", string(good[:bytes.IndexByte(good, '\n')+1]) + "{\n", "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := VerifyExport(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one with %q", err, tt.want)
			}
		})
	}
}

// FuzzVerifyExport feeds arbitrary files to the offline verifier, which
// auditors run on files they were handed: it must answer, never panic, and
// never call a file intact unless every entry links and hashes correctly.
func FuzzVerifyExport(f *testing.F) {
	es := chain(f, 3)
	f.Add(exportOf(f, es))
	f.Add([]byte(`{"chain":"c","seq":1,"content":null}`))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := VerifyExport(bytes.NewReader(in))
		if err != nil || !r.OK() {
			return
		}
		// An intact report must survive an independent recomputation.
		prev := GenesisHash
		for _, line := range bytes.Split(in, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var e Entry
			if json.Unmarshal(line, &e) != nil {
				t.Fatalf("reported intact, but a line does not parse: %q", line)
			}
			h, err := ComputeHash(prev, e)
			if err != nil || h != e.Hash || e.PrevHash != prev {
				t.Fatalf("reported intact, but entry %d does not chain", e.Seq)
			}
			prev = e.Hash
		}
	})
}
