package nessus

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// noLimits lets the tokenizer be compared with encoding/xml, which has no
// limits: only well-formedness is at stake.
var noLimits = xmlLimits{maxDepth: 1 << 20, maxAttrLen: 1 << 30, maxBytes: 1 << 62}

// tokenStream walks a document with the tokenizer and describes it in a
// form both XML readers can produce: start and end tags by local name,
// attributes by local name and value, and the text inside the root with
// adjacent pieces joined (comments and CDATA boundaries do not count).
func tokenStream(r io.Reader) ([]string, error) {
	t := newTokenizer(r, noLimits)
	var out []string
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out = append(out, "T "+text.String())
			text.Reset()
		}
	}
	for {
		kind, err := t.next()
		if err != nil {
			return out, err
		}
		switch kind {
		case tokEOF:
			return out, nil
		case tokStart:
			flush()
			s := "S " + string(localName(t.name))
			for _, a := range t.attrs {
				s += " " + string(localName(a.name)) + "=" + string(a.value)
			}
			out = append(out, s)
		case tokEnd:
			flush()
			out = append(out, "E "+string(localName(t.name)))
		case tokText:
			text.Write(t.text)
		}
	}
}

func localName(b []byte) []byte {
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// xmlStream is tokenStream done by encoding/xml, strict, without a
// CharsetReader and without entities beyond XML's five.
func xmlStream(data []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var out []string
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out = append(out, "T "+text.String())
			text.Reset()
		}
	}
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			flush()
			s := "S " + tok.Name.Local
			for _, a := range tok.Attr {
				s += " " + a.Name.Local + "=" + a.Value
			}
			out = append(out, s)
			depth++
		case xml.EndElement:
			flush()
			out = append(out, "E "+tok.Name.Local)
			depth--
		case xml.CharData:
			if depth > 0 {
				text.Write(tok)
			}
		}
	}
}

// TestTokenizerAgreesWithEncodingXML reads every sample, all well-formed
// XML, with both readers, and with the tokenizer fed one byte at a time,
// which moves every token across the buffer's refills.
func TestTokenizerAgreesWithEncodingXML(t *testing.T) {
	for _, path := range samples(t) {
		t.Run(filepath.ToSlash(path), func(t *testing.T) {
			data := readFile(t, path)
			want, err := xmlStream(data)
			if err != nil {
				t.Fatalf("encoding/xml: %v", err)
			}
			for _, r := range []io.Reader{bytes.NewReader(data), iotest.OneByteReader(bytes.NewReader(data))} {
				got, err := tokenStream(r)
				if err != nil {
					t.Fatal(err)
				}
				compareStreams(t, got, want)
			}
		})
	}
}

func compareStreams(t *testing.T, got, want []string) {
	t.Helper()
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Fatalf("token %d is %.80q, encoding/xml has %.80q", i, got[i], want[i])
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d tokens, encoding/xml has %d", len(got), len(want))
	}
}

// malformed are documents encoding/xml refuses; the tokenizer must too.
var malformed = []string{
	"<a>",
	"<a></b>",
	"</a>",
	"<a b=1/>",
	"<a b/>",
	"<a b='1' b/>",
	"<a b='<'/>",
	"<a>&foo;</a>",
	"<a>&amp</a>",
	"<a>&#;</a>",
	"<a>&#x;</a>",
	"<a>&#X41;</a>",
	"<a>&#xFFFE;</a>",
	"<a>&#1114112;</a>",
	"<a>a]]>b</a>",
	"<a>\x01</a>",
	"<a>\xff</a>",
	"<a b='\xc3'/>",
	"<a><!-- a -- b --></a>",
	"<a><!- x --></a>",
	"<a><![CDAT[x]]></a>",
	"<a><![CDATA[x</a>",
	"<a:b:c/>",
	"<1a/>",
	"<a/ >",
	"<a></a x>",
	"<?xml version=\"1.1\"?><a/>",
	"<?xml version=\"1.0\" encoding=\"latin1\"?><a/>",
	"<? x?><a/>",
	"<a><?pi",
	"<a b='x",
	"<a>\uFFFF</a>",
	"x&y;<a/>",
	"<a></a>]]>",
}

func TestTokenizerRefusesWhatEncodingXMLRefuses(t *testing.T) {
	for _, in := range malformed {
		if _, err := xmlStream([]byte(in)); err == nil {
			t.Errorf("bad test: encoding/xml accepts %q", in)
		}
		if _, err := tokenStream(strings.NewReader(in)); err == nil {
			t.Errorf("%q is accepted", in)
		}
	}
}

// FuzzTokenizerStrictness is the differential test of the XML layer
// alone, without the Nessus rules or limits: whatever encoding/xml
// refuses, the tokenizer refuses; what both accept reads the same; and
// reading one byte at a time gives exactly what reading in bulk gives.
func FuzzTokenizerStrictness(f *testing.F) {
	for _, in := range malformed {
		f.Add([]byte(in))
	}
	for _, in := range []string{
		"<a b='1' c=\"&lt;&#x41;&#66;\">t&amp;u<![CDATA[<x>]]]]><!-- c --><?p i?>\r\nv</a>",
		"\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<a xmlns:p='u'><p:b p:c='d'/></a>\n",
		"<a>\u00e9\u20ac\U0001F600]\r]></a>",
		docHead + docItem + "<cm:compliance-result>PASSED</cm:compliance-result></ReportItem>" + docTail,
	} {
		f.Add([]byte(in))
	}
	f.Add(readFile(f, "testdata/sarif-sdk_MIT/Inputs__ValidResults.nessus.xml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		want, xmlErr := xmlStream(data)
		got, err := tokenStream(bytes.NewReader(data))
		if xmlErr != nil && err == nil {
			t.Fatalf("encoding/xml refuses the input (%v) and the tokenizer accepts it", xmlErr)
		}
		if xmlErr == nil && err == nil {
			compareStreams(t, got, want)
		}
		slow, slowErr := tokenStream(iotest.OneByteReader(bytes.NewReader(data)))
		if (err == nil) != (slowErr == nil) || err != nil && err.Error() != slowErr.Error() {
			t.Fatalf("read in bulk: %v; one byte at a time: %v", err, slowErr)
		}
		if err == nil {
			compareStreams(t, slow, got)
		}
	})
}
