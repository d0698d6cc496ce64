package nessus

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// samples are every file under testdata that is a scan or is meant to be
// refused as one, found by walking the folders, so that a sample added
// there is tested without anyone listing it.
func samples(tb testing.TB) []string {
	tb.Helper()
	var files []string
	err := filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "golden" || d.Name() == "fuzz") {
			return filepath.SkipDir
		}
		name := d.Name()
		if !d.IsDir() && (strings.HasSuffix(name, ".nessus") || strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".v1")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) < 15 {
		tb.Fatalf("found %d samples under testdata, want at least 15", len(files))
	}
	return files
}

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// golden is what a sample's golden file records. The counts were checked
// against an independent reading of every sample (see testdata/SOURCE.md).
type golden struct {
	Error      string       `json:",omitempty"`
	Sentinel   string       `json:",omitempty"` // ErrNotNessus or ErrV1
	Scan       *goldenScan  `json:",omitempty"`
	Hosts      int          `json:",omitempty"`
	Findings   int          `json:",omitempty"`
	Compliance int          `json:",omitempty"`
	BySeverity [5]int       `json:",omitzero"`
	PerHost    []goldenHost `json:",omitempty"`
	// The first finding of each severity present, and the first compliance
	// result of each result, in full: they pin down how fields are read.
	FindingExamples    []Finding    `json:",omitempty"`
	ComplianceExamples []Compliance `json:",omitempty"`
}

type goldenScan struct {
	Name, Policy, Scanner string
	Start, End            string
	OnScan                Scan // as handed to the callback
}

type goldenHost struct {
	Name, FQDN, IP, NetBIOS string
	MACs                    []string
	OS                      string
	Start, End              string
	Credentialed            bool
	Properties              int
	Findings, Compliance    int
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func summarize(data []byte) golden {
	var g golden
	var onScan []Scan
	var hosts []goldenHost
	seenSev := map[int]bool{}
	seenResult := map[string]bool{}
	sum, err := Read(bytes.NewReader(data), Limits{},
		func(s Scan) error { onScan = append(onScan, s); return nil },
		func(h *Host) error {
			hosts = append(hosts, goldenHost{
				Name: h.Name, FQDN: h.FQDN, IP: h.IP, NetBIOS: h.NetBIOS, MACs: h.MACs, OS: h.OS,
				Start: stamp(h.Start), End: stamp(h.End), Credentialed: h.Credentialed,
				Properties: len(h.Properties), Findings: len(h.Findings), Compliance: len(h.Compliance),
			})
			for _, f := range h.Findings {
				if !seenSev[f.Severity] {
					seenSev[f.Severity] = true
					g.FindingExamples = append(g.FindingExamples, f)
				}
			}
			for _, c := range h.Compliance {
				if !seenResult[c.Result] {
					seenResult[c.Result] = true
					g.ComplianceExamples = append(g.ComplianceExamples, c)
				}
			}
			return nil
		})
	if err != nil {
		g = golden{Error: err.Error()}
		switch {
		case errors.Is(err, ErrNotNessus):
			g.Sentinel = "ErrNotNessus"
		case errors.Is(err, ErrV1):
			g.Sentinel = "ErrV1"
		}
		return g
	}
	g.Scan = &goldenScan{Name: sum.Scan.Name, Policy: sum.Scan.Policy, Scanner: sum.Scan.Scanner,
		Start: stamp(sum.Scan.Start), End: stamp(sum.Scan.End)}
	if len(onScan) == 1 {
		g.Scan.OnScan = onScan[0]
	}
	g.Hosts, g.Findings, g.Compliance, g.BySeverity = sum.Hosts, sum.Findings, sum.Compliance, sum.BySeverity
	g.PerHost = hosts
	return g
}

// TestGolden reads every sample and compares what it gives with the
// sample's golden file (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, path := range samples(t) {
		t.Run(filepath.ToSlash(path), func(t *testing.T) {
			got, err := json.MarshalIndent(summarize(readFile(t, path)), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			name := strings.TrimPrefix(filepath.ToSlash(path), "testdata/")
			golden := filepath.Join("testdata", "golden", strings.ReplaceAll(name, "/", "__")+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the reading of %s differs from %s; if the change is intended, run go test -update", path, golden)
			}
		})
	}
}

// TestSampleCounts states the counts a careful reading of each sample
// gives (see testdata/SOURCE.md for how they were checked), so that a
// golden file rewritten with -update cannot quietly change them.
func TestSampleCounts(t *testing.T) {
	tests := []struct {
		file                        string
		hosts, findings, compliance int
		bySeverity                  [5]int
		sentinel                    error
	}{
		{file: "heimdall2_Apache-2.0/sample.nessus", hosts: 3, findings: 149, bySeverity: [5]int{140, 2, 5, 1, 1}},
		{file: "python-libnessus_CC-BY-3.0/nessus_forgedReport_ReportItem.nessus", hosts: 1, findings: 5, bySeverity: [5]int{3, 0, 0, 1, 1}},
		{file: "python-libnessus_CC-BY-3.0/nessus_report_local2.nessus", hosts: 1, findings: 62, bySeverity: [5]int{61, 0, 1, 0, 0}},
		{file: "python-libnessus_CC-BY-3.0/nessus_report_local_3.nessus", hosts: 3, findings: 106, bySeverity: [5]int{71, 10, 20, 3, 2}},
		{file: "python-libnessus_CC-BY-3.0/nessus_report_localpci.nessus", hosts: 1, findings: 167, bySeverity: [5]int{94, 5, 44, 21, 3}},
		{file: "python-libnessus_CC-BY-3.0/nessus_report_test_local.nessus", hosts: 2, findings: 147, bySeverity: [5]int{119, 8, 19, 0, 1}},
		{file: "ruby-nessus_MIT/example_v2.nessus", hosts: 2, findings: 69, bySeverity: [5]int{19, 47, 3, 0, 0}},
		{file: "ruby-nessus_MIT/example_v3.nessus", hosts: 1, findings: 155, bySeverity: [5]int{118, 8, 16, 5, 8}},
		{file: "sarif-sdk_MIT/Inputs__NoResults.nessus.xml", hosts: 2},
		{file: "sarif-sdk_MIT/Inputs__ValidResults.nessus.xml", hosts: 2, findings: 2, bySeverity: [5]int{0, 1, 1, 0, 0}},
		{file: "handmade/compliance.nessus", hosts: 2, findings: 2, compliance: 4, bySeverity: [5]int{0, 1, 0, 0, 1}},
		// Refused: another root, fragments of a file, a v2 root without a
		// Report (unknown elements only), the v1 format.
		{file: "ruby-nessus_MIT/spec_example_v_wrong.nessus", sentinel: ErrNotNessus},
		{file: "python-libnessus_CC-BY-3.0/hostnessus.xml", sentinel: ErrNotNessus},
		{file: "python-libnessus_CC-BY-3.0/reportitems.xml", sentinel: ErrNotNessus},
		{file: "sarif-sdk_MIT/Inputs__InvalidResults.nessus.xml", sentinel: ErrNotNessus},
		{file: "python-libnessus_CC-BY-3.0/nessus_report_test_local.nessus.v1", sentinel: ErrV1},
	}
	if n := len(samples(t)); n != len(tests) {
		t.Errorf("testdata holds %d samples and this table %d: add the new ones", n, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sum, err := Read(bytes.NewReader(readFile(t, filepath.Join("testdata", tt.file))), Limits{}, nil, nil)
			if tt.sentinel != nil {
				var e *Error
				if !errors.Is(err, tt.sentinel) || !errors.As(err, &e) {
					t.Fatalf("Read = %v, want a *Error wrapping %v", err, tt.sentinel)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sum.Hosts != tt.hosts || sum.Findings != tt.findings || sum.Compliance != tt.compliance || sum.BySeverity != tt.bySeverity {
				t.Errorf("got %d hosts, %d findings, %d compliance, by severity %v; want %d, %d, %d, %v",
					sum.Hosts, sum.Findings, sum.Compliance, sum.BySeverity, tt.hosts, tt.findings, tt.compliance, tt.bySeverity)
			}
		})
	}
}

// The negative cases are built around a small valid file.
const (
	docHead = "<?xml version=\"1.0\" ?>\n<NessusClientData_v2>\n<Policy><policyName>p</policyName></Policy>\n" +
		"<Report name=\"r\" xmlns:cm=\"http://www.nessus.org/cm\">\n<ReportHost name=\"192.0.2.1\"><HostProperties>\n" +
		"<tag name=\"HOST_START\">Thu Aug 11 15:06:45 2016</tag>\n</HostProperties>\n"
	docItem = "<ReportItem port=\"80\" svc_name=\"www\" protocol=\"tcp\" severity=\"2\" pluginID=\"10\" pluginName=\"n\" pluginFamily=\"f\">\n"
	docTail = "</ReportHost>\n</Report>\n</NessusClientData_v2>\n"
)

// doc is a file with one ReportItem holding body.
func doc(body string) string { return docHead + docItem + body + "</ReportItem>\n" + docTail }

func TestValidDocument(t *testing.T) {
	sum, err := Read(strings.NewReader(doc("<description>d</description>\n")), Limits{}, nil, nil)
	if err != nil || sum.Hosts != 1 || sum.Findings != 1 || sum.BySeverity[2] != 1 {
		t.Fatalf("Read = %+v, %v; want one host with one medium finding", sum, err)
	}
}

// TestRefused checks that each kind of bad file is refused with its
// message, at the place where it goes wrong. at is the text at which the
// error is reported (its first occurrence; "" for the end of the input),
// or after, when the error is reported at its end.
func TestRefused(t *testing.T) {
	deep := docHead + docItem + strings.Repeat("<x>", 40) + strings.Repeat("</x>", 40) + "</ReportItem>\n" + docTail
	twoItems := docHead + docItem + "</ReportItem>\n" + strings.Replace(docItem, `pluginID="10"`, `pluginID="11"`, 1) + "</ReportItem>\n" + docTail
	longAttr := strings.Replace(doc(""), `pluginName="n"`, `pluginName="`+strings.Repeat("n", DefaultMaxAttrLen+1)+`"`, 1)
	tests := []struct {
		name     string
		input    string
		lim      Limits
		msg      string
		at       string
		after    bool
		sentinel error
	}{
		{name: "wrong root", input: "<?xml version=\"1.0\" ?>\n<NessusClientData_vwrong>\n</NessusClientData_vwrong>\n",
			msg: "not a Nessus v2 file: the root element is <NessusClientData_vwrong>, not <NessusClientData_v2>", at: "<NessusClientData_vwrong>", sentinel: ErrNotNessus},
		{name: "v1", input: "<?xml version=\"1.0\" ?>\n<NessusClientData>\n<Targets/></NessusClientData>",
			msg: "a Nessus v1 file: the root element is <NessusClientData>", at: "<NessusClientData>", sentinel: ErrV1},
		{name: "fragment", input: "<!-- node set -->\n<ReportHost name=\"h\"></ReportHost>",
			msg: "the root element is <ReportHost>, not <NessusClientData_v2> (a fragment of a .nessus file", at: "<ReportHost", sentinel: ErrNotNessus},
		{name: "not XML", input: "{\"scan\": {\"hosts\": []}}", msg: `not a Nessus v2 file: the file is not XML (it starts with "{\"scan\": {\"hosts"...)`, at: "{", sentinel: ErrNotNessus},
		{name: "empty", input: "", msg: "not a Nessus v2 file: the file holds no XML element", sentinel: ErrNotNessus},
		{name: "only a declaration", input: "<?xml version=\"1.0\"?>\n", msg: "the file holds no XML element", sentinel: ErrNotNessus},
		{name: "no Report", input: "<NessusClientData_v2>\n<Policy/>\n<Other/>\n</NessusClientData_v2>",
			msg: "the file has no <Report> element, so it holds no scan results (it has <Other> instead)", at: "<NessusClientData_v2>", sentinel: ErrNotNessus},
		{name: "DOCTYPE with entity", input: "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e \"boom\">]>\n<NessusClientData_v2>&e;</NessusClientData_v2>",
			msg: `"<!DOCTYPE r "...: DOCTYPE and other declarations are not allowed (no DTDs, no entities)`, at: "<!DOCTYPE"},
		{name: "entity declared nowhere", input: doc("<description>a&nbsp;b</description>\n"),
			msg: `unknown entity "&nbsp;": only &lt; &gt; &amp; &apos; &quot; and character references are allowed`, at: "&nbsp;"},
		{name: "entity without semicolon", input: doc("<description>fish & chips</description>\n"),
			msg: `malformed entity reference "& chips</des"... (no ';' follows`, at: "& chips"},
		{name: "reference to NUL", input: doc("<description>&#0;</description>\n"), msg: `invalid character reference "&#0;"`, at: "&#0;"},
		{name: "reference to a surrogate", input: doc("<description>&#xD800;</description>\n"), msg: `invalid character reference "&#xD800;"`, at: "&#xD800;"},
		{name: "mismatched tag", input: doc("<description>d</solution>\n"),
			msg: "element <description>, opened at line 9, is closed by </solution>", at: "</solution>"},
		{name: "end tag without start", input: doc("") + "</NessusClientData_v2>", msg: "end tag </NessusClientData_v2> without a start tag", at: "</NessusClientData_v2>\n", after: true},
		{name: "two roots", input: doc("") + "<NessusClientData_v2/>", msg: "a second root element <NessusClientData_v2>: a document has one", at: "<NessusClientData_v2/>"},
		{name: "text after the root", input: doc("") + "garbage", msg: "text after the end of the root element", at: "garbage"},
		{name: "invalid UTF-8", input: doc("<description>caf\xe9</description>\n"), msg: "invalid UTF-8 (byte 0xE9)", at: "\xe9"},
		{name: "invalid UTF-8 in an attribute", input: strings.Replace(doc(""), `pluginName="n"`, "pluginName=\"\xff\"", 1), msg: "invalid UTF-8 (byte 0xFF)", at: "\xff"},
		{name: "control character", input: doc("<description>a\x01b</description>\n"), msg: "character U+0001 is not allowed in XML", at: "\x01"},
		{name: "noncharacter", input: doc("<description>\uFFFE</description>\n"), msg: "character U+FFFE is not allowed in XML", at: "\uFFFE"},
		{name: "]]> in text", input: doc("<description>a]]>b</description>\n"), msg: `"]]>" outside a CDATA section`, at: "]]>"},
		{name: "depth bomb", input: deep, msg: "elements nested deeper than the limit of 32", at: strings.Repeat("<x>", 28), after: true},
		{name: "huge attribute", input: longAttr, msg: "the value of attribute pluginName in <ReportItem> is longer than the limit of 65536 bytes", at: `" pluginFamily`},
		{name: "huge text", input: doc("<description>" + strings.Repeat("d", 101) + "</description>\n"), lim: Limits{MaxTextLen: 100},
			msg: "the text of <description> is longer than the limit of 100 bytes", at: "</description>"},
		{name: "huge text in an element not read", input: doc("<osvdb>" + strings.Repeat("d", 101) + "</osvdb>\n"), lim: Limits{MaxTextLen: 100},
			msg: "the text of <osvdb> is longer than the limit of 100 bytes", at: "</osvdb>"},
		{name: "too many items", input: twoItems, lim: Limits{MaxItemsPerHost: 1},
			msg: `host "192.0.2.1" has more than 1 ReportItems (the limit)`, at: strings.Replace(docItem, `pluginID="10"`, `pluginID="11"`, 1)},
		{name: "too many properties", input: strings.Replace(doc(""), "</HostProperties>", "<tag name=\"x\">y</tag></HostProperties>", 1), lim: Limits{MaxItemsPerHost: 1},
			msg: `host "192.0.2.1" has more than 1 properties (the limit)`, at: `<tag name="x">`},
		{name: "host too large", input: doc("<description>" + strings.Repeat("d", 20) + "</description>\n"), lim: Limits{MaxHostBytes: 60},
			msg: `host "192.0.2.1" holds more than 60 bytes of text (the limit)`, at: "</description>", after: true},
		{name: "too large", input: doc(""), lim: Limits{MaxBytes: 100}, msg: "the file is larger than the limit of 100 bytes", at: ""},
		{name: "< in an attribute", input: strings.Replace(doc(""), `pluginName="n"`, `pluginName="a<b"`, 1), msg: "'<' in the value of attribute pluginName in <ReportItem>", at: "<b\""},
		{name: "unquoted attribute", input: strings.Replace(doc(""), `port="80"`, `port=80`, 1), msg: "the value of attribute port in <ReportItem> is not quoted", at: "80 "},
		{name: "attribute without value", input: strings.Replace(doc(""), `port="80"`, `port`, 1), msg: "attribute port in <ReportItem> has no value", at: "svc_name"},
		{name: "attribute twice", input: strings.Replace(doc(""), `port="80"`, `port="80" port="81"`, 1), msg: "attribute port appears twice in <ReportItem>", at: `port="81"`},
		{name: "no space between attributes", input: strings.Replace(doc(""), `port="80" `, `port="80"`, 1), msg: `white space expected before an attribute in <ReportItem>, found 's'`, at: `svc_name`},
		{name: "undeclared prefix", input: doc("<x:note>n</x:note>\n"), msg: `the namespace prefix "x" of <x:note> is not declared`, at: "<x:note>"},
		{name: "non-ASCII name", input: doc("<descripción>d</descripción>\n"), msg: `non-ASCII character in element name "descripci"`, at: "ó"},
		{name: "XML 1.1", input: "<?xml version=\"1.1\"?>\n<NessusClientData_v2/>", msg: `XML version "1.1" is not supported; only 1.0 is`, at: "<?xml"},
		{name: "Latin-1", input: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<NessusClientData_v2/>", msg: `encoding "ISO-8859-1" is not supported: Nessus files are UTF-8`, at: "<?xml"},
		{name: "declaration not first", input: "\n<?xml version=\"1.0\"?>\n<NessusClientData_v2/>", msg: "an XML declaration is only allowed at the very start of the file", at: "<?xml"},
		{name: "double hyphen in a comment", input: doc("<!-- a -- b -->\n"), msg: `"--" inside a comment`, at: "-- b"},
		{name: "CDATA outside the root", input: "<![CDATA[x]]><NessusClientData_v2/>", msg: "a CDATA section outside the root element", at: "<![CDATA["},
		{name: "element in a text field", input: doc("<description>a <b>bold</b> claim</description>\n"), msg: "element <b> inside <description>, which holds only text", at: "<b>"},
		{name: "field twice", input: doc("<solution>a</solution>\n<solution>b</solution>\n"), msg: "<solution> appears twice in one ReportItem", at: "<solution>b"},
		{name: "severity out of range", input: strings.Replace(doc(""), `severity="2"`, `severity="5"`, 1), msg: `<ReportItem> (plugin 10) severity "5" is not 0 to 4`, at: "<ReportItem"},
		{name: "no pluginID", input: strings.Replace(doc(""), `pluginID="10"`, ``, 1), msg: "<ReportItem> without a pluginID", at: "<ReportItem"},
		{name: "negative port", input: strings.Replace(doc(""), `port="80"`, `port="-1"`, 1), msg: `<ReportItem> (plugin 10) port "-1" is not a port number`, at: "<ReportItem"},
		{name: "host without name", input: strings.Replace(doc(""), `<ReportHost name="192.0.2.1">`, `<ReportHost>`, 1), msg: "<ReportHost> without a name", at: "<ReportHost"},
		{name: "score not a number", input: doc("<cvss_base_score>high</cvss_base_score>\n"), msg: `cvss_base_score (plugin 10): "high" is not a score from 0 to 10`, at: "<cvss_base_score>"},
		{name: "score out of range", input: doc("<cvss3_base_score>11</cvss3_base_score>\n"), msg: `cvss3_base_score (plugin 10): "11" is not a score from 0 to 10`, at: "<cvss3_base_score>"},
		{name: "exploit neither true nor false", input: doc("<exploit_available>maybe</exploit_available>\n"), msg: `exploit_available (plugin 10): "maybe" is neither true nor false`, at: "<exploit_available>"},
		{name: "bad HOST_START", input: strings.Replace(doc(""), "Thu Aug 11 15:06:45 2016", "2016-08-11", 1),
			msg: `host property HOST_START: "2016-08-11" is not a date like "Thu Aug 11 15:06:45 2016"`, at: `<tag name="HOST_START"`},
		{name: "bad HOST_END_TIMESTAMP", input: strings.Replace(doc(""), "</HostProperties>", "<tag name=\"HOST_END_TIMESTAMP\">soon</tag>\n</HostProperties>", 1),
			msg: `host property HOST_END_TIMESTAMP: "soon" is not a Unix time`, at: `<tag name="HOST_END_TIMESTAMP"`},
		{name: "second Report", input: strings.Replace(doc(""), "</Report>\n", "</Report>\n<Report/>\n", 1), msg: "a second <Report>", at: "<Report/>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.input), tt.lim, nil, nil)
			checkError(t, tt.input, err, tt.msg, tt.at, tt.after, tt.sentinel)
		})
	}
}

// checkError checks that err is a *Error with msg in its message, at the
// first occurrence of at in input (or its end, after it, or at the end of
// the input when at is empty).
func checkError(t *testing.T, input string, err error, msg, at string, after bool, sentinel error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Read = %v, want a *Error", err)
	}
	if !strings.Contains(e.Msg, msg) {
		t.Errorf("message %q\n does not contain %q", e.Msg, msg)
	}
	off := len(input)
	if at != "" {
		off = strings.Index(input, at)
		if off < 0 {
			t.Fatalf("bad test: %q is not in the input", at)
		}
		if after {
			off += len(at)
		}
	}
	line, col := position(input, off)
	if e.Line != line || e.Column != col {
		t.Errorf("error at line %d, column %d, want line %d, column %d (%v)", e.Line, e.Column, line, col, err)
	}
	if !strings.HasPrefix(err.Error(), fmt.Sprintf("line %d, column %d: ", e.Line, e.Column)) {
		t.Errorf("Error() = %q, want it to start with the position", err.Error())
	}
	if sentinel != nil && !errors.Is(err, sentinel) {
		t.Errorf("error does not wrap %v", sentinel)
	}
	if sentinel == nil && (errors.Is(err, ErrNotNessus) || errors.Is(err, ErrV1)) {
		t.Errorf("a broken Nessus file is reported as another kind of file: %v", err)
	}
}

// position is the line and byte column of offset off in s.
func position(s string, off int) (line, col int) {
	return 1 + strings.Count(s[:off], "\n"), off - strings.LastIndexByte(s[:off], '\n')
}

// TestTruncated cuts a file at every byte before its root closes: each cut
// must fail, so that an import that commits only after Read returns nil
// never stores part of a file.
func TestTruncated(t *testing.T) {
	for _, path := range []string{
		"testdata/sarif-sdk_MIT/Inputs__ValidResults.nessus.xml",
		"testdata/handmade/compliance.nessus",
	} {
		data := readFile(t, path)
		if _, err := Read(bytes.NewReader(data), Limits{}, nil, nil); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		complete := bytes.LastIndex(data, []byte("</NessusClientData_v2>")) + len("</NessusClientData_v2>")
		for cut := range complete {
			_, err := Read(bytes.NewReader(data[:cut]), Limits{}, nil, nil)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%s cut at byte %d: Read = %v, want a *Error", path, cut, err)
			}
		}
	}
}

// TestTruncatedMessages checks the message and place of a few cuts.
func TestTruncatedMessages(t *testing.T) {
	full := doc("<description>some text</description>\n<!-- a comment -->\n")
	tests := []struct {
		cutAfter string // the input ends right after the first occurrence of this
		msg      string
	}{
		{"<ReportIt", "the file ends inside the tag <ReportIt>: <ReportHost>, opened at line 5, is not closed (the file is truncated or broken)"},
		{`svc_name="ww`, "the file ends inside the value of attribute svc_name in <ReportItem>: <ReportHost>, opened at line 5, is not closed"},
		{"some te", "the file ends: <description>, opened at line 9, is not closed"},
		{"<!-- a com", "the file ends inside a comment: <ReportItem>, opened at line 8, is not closed"},
		{"</Report>\n", "the file ends: <NessusClientData_v2>, opened at line 2, is not closed"},
		{"</NessusClientData_v2", "the file ends inside the end tag </NessusClientData_v2>: <NessusClientData_v2>, opened at line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.cutAfter, func(t *testing.T) {
			input := full[:strings.Index(full, tt.cutAfter)+len(tt.cutAfter)]
			_, err := Read(strings.NewReader(input), Limits{}, nil, nil)
			checkError(t, input, err, tt.msg, "", false, nil)
		})
	}
}

// TestHugeTextDefaultLimit feeds more than the default MaxTextLen of text
// in one element: refused on the element's line, past the limit.
func TestHugeTextDefaultLimit(t *testing.T) {
	input := doc("<description>" + strings.Repeat("d", DefaultMaxTextLen+1) + "</description>\n")
	_, err := Read(strings.NewReader(input), Limits{}, nil, nil)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "the text of <description> is longer than the limit of 8388608 bytes") {
		t.Fatalf("Read = %v, want the text limit", err)
	}
	if e.Line != 9 || e.Column <= DefaultMaxTextLen {
		t.Errorf("error at line %d, column %d, want line 9 past column %d", e.Line, e.Column, DefaultMaxTextLen)
	}
}

// TestOutputCap checks that long plugin output is cut at a character
// boundary and flagged, never refused, whatever MaxTextLen says.
func TestOutputCap(t *testing.T) {
	tests := []struct {
		name      string
		output    string
		cap       int
		want      string
		truncated bool
	}{
		{"short", "abc", 10, "abc", false},
		{"exactly the cap", "abcdefghij", 10, "abcdefghij", false},
		{"cut", "abcdefghijk", 10, "abcdefghij", true},
		{"cut before a two-byte character", "abcdefghi\u00e9", 10, "abcdefghi", true},
		{"cut inside a three-byte character", "abcdefgh\u20ac", 10, "abcdefgh", true},
		{"entities count decoded", "&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;", 10, "<<<<<<<<<<", true},
		{"longer than MaxTextLen", strings.Repeat("x", 5000), 64, strings.Repeat("x", 64), true},
		{"longer than the read buffer", strings.Repeat("\u00e9", bufSize), 3, "\u00e9", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *Finding
			_, err := Read(strings.NewReader(doc("<plugin_output>"+tt.output+"</plugin_output>\n")), Limits{OutputCap: tt.cap, MaxTextLen: 1000}, nil,
				func(h *Host) error { got = &h.Findings[0]; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if got.Output != tt.want || got.OutputTruncated != tt.truncated {
				t.Errorf("Output = %.40q (truncated %v), want %.40q (truncated %v)", got.Output, got.OutputTruncated, tt.want, tt.truncated)
			}
		})
	}
}

func TestFindingFields(t *testing.T) {
	var hosts []*Host
	sum, err := Read(bytes.NewReader(readFile(t, "testdata/handmade/compliance.nessus")), Limits{}, nil,
		func(h *Host) error { hosts = append(hosts, h); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if want := "Audit & patch check of build hosts"; sum.Scan.Name != want {
		t.Errorf("Scan.Name = %q, want %q", sum.Scan.Name, want)
	}
	f := hosts[0].Findings[0]
	wantRefs := []string{
		"https://www.openssl.org/news/secadv/20220315.txt", "https://www.openssl.org/news/vulnerabilities.html",
		"https://example.test/advisory", "IAVA:2022-A-0121-S", "BID:123456",
	}
	if fmt.Sprint(f.References) != fmt.Sprint(wantRefs) {
		t.Errorf("References = %q, want %q", f.References, wantRefs)
	}
	if f.PluginName != "OpenSSL 3.0.0 < 3.0.2 Vulnerability" || f.VPR != 4.4 || f.CVSS3Base != 7.5 || !f.ExploitAvailable {
		t.Errorf("finding = %+v", f)
	}
	if !strings.Contains(f.Description, "moduli \u2014 \u201cinfinite loop\u201d.") {
		t.Errorf("character references not decoded: %q", f.Description)
	}
	if want := "\n  Banner           : OpenSSL/3.0.1 <unpatched>\n  Reported version : 3.0.1\n  Fixed version    : 3.0.2\n"; f.Output != want {
		t.Errorf("Output = %q, want the CDATA content as written, %q", f.Output, want)
	}
	h := hosts[1]
	if h.IP != "192.0.2.11" || h.Credentialed || h.NetBIOS != "WIN-AUDIT" || h.Start != time.Date(2023, 11, 14, 17, 20, 1, 0, time.UTC) {
		t.Errorf("second host = %+v", h)
	}
	if h.Compliance[0].Result != "ERROR" || h.Findings[0].ExploitAvailable {
		t.Errorf("second host items = %+v %+v", h.Compliance, h.Findings)
	}
}

// TestCallbacks checks when the callbacks run and that an error from one
// stops the read and comes back.
func TestCallbacks(t *testing.T) {
	data := readFile(t, "testdata/heimdall2_Apache-2.0/sample.nessus")
	var events []string
	_, err := Read(bytes.NewReader(data), Limits{},
		func(s Scan) error { events = append(events, "scan "+s.Policy); return nil },
		func(h *Host) error { events = append(events, "host "+h.Name); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if want := "[scan Basic Network Scan host 10.0.0.3 host 10.0.0.2 host 10.0.0.1]"; fmt.Sprint(events) != want {
		t.Errorf("events = %v, want %s", events, want)
	}

	stop := errors.New("stop")
	hosts := 0
	_, err = Read(bytes.NewReader(data), Limits{}, nil, func(*Host) error { hosts++; return stop })
	if !errors.Is(err, stop) || hosts != 1 {
		t.Errorf("Read = %v after %d hosts, want the callback's error after 1", err, hosts)
	}
	_, err = Read(bytes.NewReader(data), Limits{}, func(Scan) error { return stop }, func(*Host) error { hosts++; return nil })
	if !errors.Is(err, stop) || hosts != 1 {
		t.Errorf("Read = %v, want the scan callback's error before any host", err)
	}
}

type failingReader struct{ r io.Reader }

var errDisk = errors.New("disk on fire")

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errDisk
	}
	return n, err
}

func TestReadError(t *testing.T) {
	_, err := Read(failingReader{strings.NewReader(doc(""))}, Limits{}, nil, nil)
	if !errors.Is(err, errDisk) {
		t.Fatalf("Read = %v, want the reader's error", err)
	}
}

// generator streams a large valid file made of one host's element
// repeated, without holding it.
type generator struct {
	head, host, tail []byte
	hosts            int
	cur              []byte
}

func newGenerator(tb testing.TB, hosts int) *generator {
	data := readFile(tb, "testdata/heimdall2_Apache-2.0/sample.nessus")
	head, host, tail := splitHosts(tb, data)
	return &generator{head: head, host: host, tail: tail, hosts: hosts, cur: head}
}

func (g *generator) Read(p []byte) (int, error) {
	for len(g.cur) == 0 {
		switch {
		case g.hosts > 0:
			g.hosts--
			g.cur = g.host
		case g.tail != nil:
			g.cur, g.tail = g.tail, nil
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, g.cur)
	g.cur = g.cur[n:]
	return n, nil
}

// splitHosts splits a file into what comes before its first ReportHost,
// its first ReportHost, and what follows its last.
func splitHosts(tb testing.TB, data []byte) (head, host, tail []byte) {
	tb.Helper()
	first := bytes.Index(data, []byte("<ReportHost "))
	end := bytes.Index(data, []byte("</ReportHost>")) + len("</ReportHost>")
	last := bytes.LastIndex(data, []byte("</ReportHost>")) + len("</ReportHost>")
	if first < 0 || end < first {
		tb.Fatal("no ReportHost")
	}
	return data[:first], append(data[first:end:end], '\n'), data[last:]
}

// TestStreamingMemory reads a file far larger than the memory it may use,
// and measures the live heap (after a collection) now and then: it must
// stay at what one host and the buffers take, whatever the file's size.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: streams 200 MB to measure the heap; go test without -short (as CI does) runs it")
	}
	g := newGenerator(t, 200<<20/len(newGenerator(t, 0).host))
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	n := 0
	sum, err := Read(g, Limits{}, nil, func(*Host) error {
		if n++; n%50 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc-min(base, ms.HeapAlloc))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d hosts, %d findings, live heap at most %d KB above the start", sum.Hosts, sum.Findings, peak>>10)
	if peak > 16<<20 {
		t.Errorf("live heap grew by %d MB while streaming 200 MB; want it bounded by one host, under 16 MB", peak>>20)
	}
}

// FuzzRead holds Read to its promise on any input: no panic, no hang;
// either a *Error or a result whose values are within their bounds.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"sarif-sdk_MIT/Inputs__ValidResults.nessus.xml",
		"sarif-sdk_MIT/Inputs__NoResults.nessus.xml",
		"sarif-sdk_MIT/Inputs__InvalidResults.nessus.xml",
		"ruby-nessus_MIT/spec_example_v_wrong.nessus",
		"python-libnessus_CC-BY-3.0/reportitems.xml",
		"handmade/compliance.nessus",
	} {
		f.Add(readFile(f, filepath.Join("testdata", s)))
	}
	f.Add([]byte(doc("<description>a &amp; b &#x263A;</description><plugin_output><![CDATA[x]]>y</plugin_output>")))
	f.Add([]byte(doc("<see_also>a\r\nb</see_also><cm:compliance-result>passed</cm:compliance-result>")))
	f.Add([]byte("<NessusClientData>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxDepth: 8, MaxAttrLen: 64, MaxTextLen: 256, OutputCap: 16, MaxItemsPerHost: 4, MaxHostBytes: 4096}
		scans, hosts, findings := 0, 0, 0
		sum, err := Read(bytes.NewReader(data), lim,
			func(Scan) error { scans++; return nil },
			func(h *Host) error {
				hosts++
				findings += len(h.Findings)
				checkHost(t, h, lim)
				return nil
			})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Column < 1 {
				t.Fatalf("Read = %v, want a *Error with a position", err)
			}
			return
		}
		bySeverity := 0
		for _, n := range sum.BySeverity {
			bySeverity += n
		}
		if scans != 1 || hosts != sum.Hosts || findings != sum.Findings || bySeverity != sum.Findings {
			t.Fatalf("%d scan callbacks, %d hosts and %d findings handed over for %+v", scans, hosts, findings, sum)
		}
	})
}

func checkHost(t *testing.T, h *Host, lim Limits) {
	t.Helper()
	if h.Name == "" || len(h.Findings)+len(h.Compliance) > lim.MaxItemsPerHost {
		t.Fatalf("host %+v", h)
	}
	strs := []string{h.Name, h.FQDN, h.IP, h.NetBIOS, h.OS}
	for k, v := range h.Properties {
		strs = append(strs, k, v)
	}
	for _, f := range h.Findings {
		if f.Severity < 0 || f.Severity > 4 || len(f.Output) > lim.OutputCap {
			t.Fatalf("finding %+v", f)
		}
		strs = append(strs, f.PluginName, f.Output, f.Description)
	}
	for _, s := range strs {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 in %q", s)
		}
	}
}
