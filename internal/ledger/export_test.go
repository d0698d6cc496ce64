package ledger

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
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

// TestDocumentedVerifier runs the independent Python verifier printed in
// docs/ledger.md on an export, so the documentation cannot drift from the
// format. It needs python3 and skips without it.
func TestDocumentedVerifier(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found; the documented verifier was not run")
	}
	doc, err := os.ReadFile("../../docs/ledger.md")
	if err != nil {
		t.Fatal(err)
	}
	const open = "```python\n"
	start := bytes.Index(doc, []byte(open))
	if start < 0 {
		t.Fatal("docs/ledger.md has no python verifier")
	}
	script := doc[start+len(open):]
	script = script[:bytes.Index(script, []byte("```"))]
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "verify.py"), script, 0o600); err != nil {
		t.Fatal(err)
	}
	es := chain(t, 5)
	es[1].Content = json.RawMessage(`{"name":"Zoë \u2028 <b>","id":"b","n":2}`)
	prev := GenesisHash
	for i := range es {
		if err := es[i].Seal(prev); err != nil {
			t.Fatal(err)
		}
		prev = es[i].Hash
	}
	run := func(name string, export []byte) (string, error) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, export, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(python, filepath.Join(dir, "verify.py"), path).CombinedOutput()
		return string(out), err
	}
	good := exportOf(t, es)
	if out, err := run("good.jsonl", good); err != nil || !strings.HasPrefix(out, "intact head 5 "+es[4].Hash) {
		t.Errorf("documented verifier on an intact export: %v\n%s", err, out)
	}
	bad := bytes.Replace(good, []byte(`"user:u"`), []byte(`"user:x"`), 1)
	if out, err := run("bad.jsonl", bad); err == nil || !strings.Contains(out, "entry 1: hash mismatch") {
		t.Errorf("documented verifier on an edited export: %v\n%s", err, out)
	}
}
