package nessus

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"sync"
	"testing"
)

// benchDoc is the largest sample with its hosts repeated to about 64 MB,
// built once: large enough that the figures are those of streaming, not
// of warming up.
func benchDoc(tb testing.TB) []byte {
	benchOnce.Do(func() {
		g := newGenerator(tb, 0)
		hosts := 64 << 20 / len(g.host)
		var b bytes.Buffer
		b.Grow(len(g.head) + hosts*len(g.host) + len(g.tail))
		if _, err := io.Copy(&b, newGenerator(tb, hosts)); err != nil {
			tb.Fatal(err)
		}
		benchBytes = b.Bytes()
	})
	return benchBytes
}

var (
	benchOnce  sync.Once
	benchBytes []byte
)

// BenchmarkRead measures the whole reader, everything kept and handed to
// the callback; compare its MB/s with BenchmarkEncodingXMLWalk's.
func BenchmarkRead(b *testing.B) {
	doc := benchDoc(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(doc), Limits{}, nil, func(*Host) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenizer measures the XML layer alone.
func BenchmarkTokenizer(b *testing.B) {
	doc := benchDoc(b)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		t := newTokenizer(bytes.NewReader(doc), noLimits)
		for {
			kind, err := t.next()
			if err != nil {
				b.Fatal(err)
			}
			if kind == tokEOF {
				break
			}
		}
	}
}

// BenchmarkEncodingXMLWalk walks the same bytes with encoding/xml, keeping
// nothing: the baseline the issue sets.
func BenchmarkEncodingXMLWalk(b *testing.B) {
	doc := benchDoc(b)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		d := xml.NewDecoder(bytes.NewReader(doc))
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
