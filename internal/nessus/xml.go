package nessus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// This file is the XML layer: a tokenizer written for this job rather than
// encoding/xml, which is too slow for the import's goal (compare
// BenchmarkEncodingXMLWalk with BenchmarkTokenizer: about a sixth of the
// speed), and rather than a third-party tokenizer, which would still need
// every check below added on top. It reads through one fixed buffer, never
// the whole file, and checks well-formedness at least as strictly as
// encoding/xml with Strict set (the differential fuzz test
// FuzzTokenizerStrictness holds it to that), and more strictly where XML
// itself is: one root element, no text outside it, white space between
// attributes, unique attributes, declared namespace prefixes, the XML
// declaration only at the start, valid UTF-8 and XML characters in comments
// and processing instructions too. It goes further on purpose in a few
// places: no DOCTYPE or other declaration at all (so no entity can be
// defined, expanded or fetched), names only in ASCII (every Nessus name
// is), character references only to XML characters.

type tokKind uint8

const (
	tokEOF   tokKind = iota // the root closed and the input ended
	tokStart                // a start tag; <a/> gives tokStart then tokEnd
	tokEnd
	tokText // character data, possibly one piece of a longer run
)

const (
	bufSize      = 256 << 10 // the read buffer
	textChunk    = 64 << 10  // long text is handed out in pieces of about this size
	maxNameLen   = 1024      // element and attribute names
	maxAttrs     = 256       // attributes of one element
	maxEntityLen = 32        // "&#x0010FFFF;" with room for leading zeros
	maxDeclLen   = 256       // the XML declaration
)

// xmlLimits are the limits the XML layer enforces itself.
type xmlLimits struct {
	maxDepth   int
	maxAttrLen int
	maxBytes   int64
}

type xmlAttr struct {
	name  []byte // as written, prefix included
	value []byte // entities replaced, line ends normalised
}

type nsBinding struct {
	prefix string
	uri    string
	depth  int // the depth of the element that declared it
}

type openElem struct {
	end  int // end of its name in tokenizer.names
	line int // where it opened, for messages
}

// tokenizer turns a byte stream into start tags, end tags and text. What it
// hands out (name, local, attrs, text) is valid until the next call of next.
type tokenizer struct {
	r   io.Reader
	lim xmlLimits

	buf  []byte
	pos  int   // next byte to read
	end  int   // end of the valid bytes
	mark int   // bytes before mark may be discarded when the buffer is refilled
	base int64 // input offset of buf[0]
	eof  bool
	err  error // a read failure or the size limit: ends everything
	idle int   // reads in a row that returned nothing

	// Positions: line is the line of the byte at input offset ckpt, and
	// lineStart the offset where that line starts. Moving ckpt forward
	// counts the newlines in between, so each byte is counted once.
	line      int
	lineStart int64
	ckpt      int64

	// The current token.
	name     []byte // element name as written
	local    []byte // name without its prefix
	space    string // namespace of a prefixed element name, "" otherwise
	attrs    []xmlAttr
	text     []byte
	tokLine  int // where the token starts
	tokCol   int
	arena    []byte // names and attribute values of the current tag
	scratch  []byte // text that had to be copied or decoded
	inCDATA  bool   // a CDATA section is being handed out in pieces
	closeTag bool   // <a/> was read: its end tag is owed

	names    []byte // the names of the open elements, one after another
	open     []openElem
	ns       []nsBinding
	started  bool // past the optional byte-order mark and XML declaration
	rootSeen bool
	rootDone bool
}

func newTokenizer(r io.Reader, lim xmlLimits) *tokenizer {
	return &tokenizer{r: r, lim: lim, buf: make([]byte, bufSize), line: 1}
}

// need makes n bytes available from pos, reading more input when needed,
// and reports whether it could; it cannot at the end of input or after a
// read failure (t.err). Reading may move the bytes from mark on to the start
// of the buffer, which invalidates indexes and slices into buf taken before.
func (t *tokenizer) need(n int) bool {
	if t.end-t.pos >= n {
		return true
	}
	return t.fill(n)
}

func (t *tokenizer) fill(n int) bool {
	for t.end-t.pos < n {
		if t.eof || t.err != nil {
			return false
		}
		if t.mark > 0 {
			t.advanceTo(t.base + int64(t.mark))
			copy(t.buf, t.buf[t.mark:t.end])
			t.base += int64(t.mark)
			t.pos -= t.mark
			t.end -= t.mark
			t.mark = 0
		}
		if t.end == len(t.buf) {
			// Every caller moves mark along or bounds what it keeps well below
			// the buffer size, so this is a broken invariant, not bad input.
			panic("nessus: token does not fit in the read buffer")
		}
		m, err := t.r.Read(t.buf[t.end:])
		t.end += m
		if t.base+int64(t.end) > t.lim.maxBytes {
			t.err = t.errorAt(t.base+int64(t.end), fmt.Sprintf("the file is larger than the limit of %d bytes", t.lim.maxBytes))
			return false
		}
		switch {
		case errors.Is(err, io.EOF):
			t.eof = true
		case err != nil:
			t.err = fmt.Errorf("nessus: read input: %w", err)
			return false
		case m == 0:
			if t.idle++; t.idle > 100 {
				t.err = fmt.Errorf("nessus: read input: %w", io.ErrNoProgress)
				return false
			}
			continue
		}
		t.idle = 0
	}
	return true
}

var newlineByte = []byte{'\n'}

// advanceTo moves the position checkpoint to input offset off, which must
// not be before it and must still be in the buffer.
func (t *tokenizer) advanceTo(off int64) {
	if off <= t.ckpt {
		return
	}
	seg := t.buf[t.ckpt-t.base : off-t.base]
	if n := bytes.Count(seg, newlineByte); n > 0 {
		t.line += n
		t.lineStart = t.ckpt + int64(bytes.LastIndexByte(seg, '\n')) + 1
	}
	t.ckpt = off
}

// errorAt is an error at input offset off, which must not be before the
// position checkpoint: the start of the current token or, once the buffer
// has moved on during the token, the start of the current name or value.
func (t *tokenizer) errorAt(off int64, msg string) *Error {
	t.advanceTo(off)
	return &Error{Line: t.line, Column: int(off-t.lineStart) + 1, Msg: msg}
}

// errorTok is an error at the start of the current token.
func (t *tokenizer) errorTok(format string, args ...any) *Error {
	return &Error{Line: t.tokLine, Column: t.tokCol, Msg: fmt.Sprintf(format, args...)}
}

// errorHere is an error at the byte at pos.
func (t *tokenizer) errorHere(format string, args ...any) *Error {
	return t.errorAt(t.base+int64(t.pos), fmt.Sprintf(format, args...))
}

// errorEOF is the error for input that ends too soon, inside a piece of
// markup when inside is not empty: the read failure if there was one, else
// a message naming what was left open.
func (t *tokenizer) errorEOF(inside string) error {
	if t.err != nil {
		return t.err
	}
	t.pos = t.end
	msg := "the file ends"
	if inside != "" {
		msg += " inside " + inside
	}
	if len(t.open) > 0 {
		msg += fmt.Sprintf(": <%s>, opened at line %d, is not closed (the file is truncated or broken)", t.topName(), t.open[len(t.open)-1].line)
	}
	return t.errorHere("%s", msg)
}

// topName is the name of the innermost open element.
func (t *tokenizer) topName() []byte { return t.openName(len(t.open) - 1) }

// parentName is the name of the element around the innermost one.
func (t *tokenizer) parentName() []byte { return t.openName(len(t.open) - 2) }

func (t *tokenizer) openName(i int) []byte {
	start := 0
	if i > 0 {
		start = t.open[i-1].end
	}
	return t.names[start:t.open[i].end]
}

// next reads the next token. At the end of a well-formed document it
// returns tokEOF; any fault is an error, and the tokenizer must not be used
// after one.
func (t *tokenizer) next() (tokKind, error) {
	if t.closeTag {
		t.closeTag = false
		t.popElement()
		return tokEnd, nil
	}
	for {
		t.mark = t.pos
		if !t.need(1) {
			return t.atEOF()
		}
		t.advanceTo(t.base + int64(t.pos))
		t.tokLine, t.tokCol = t.line, int(t.ckpt-t.lineStart)+1
		if !t.started {
			if err := t.prolog(); err != nil {
				return 0, err
			}
			t.started = true
			continue
		}
		if t.inCDATA {
			return t.cdata()
		}
		if t.buf[t.pos] != '<' {
			if len(t.open) == 0 {
				if err := t.outsideText(); err != nil {
					return 0, err
				}
				continue
			}
			return t.charData()
		}
		if !t.need(2) {
			return 0, t.errorEOF("a tag")
		}
		switch t.buf[t.pos+1] {
		case '/':
			return t.endTag()
		case '?':
			if err := t.procInst(); err != nil {
				return 0, err
			}
		case '!':
			if t.need(4) && string(t.buf[t.pos:t.pos+4]) == "<!--" {
				if err := t.comment(); err != nil {
					return 0, err
				}
				continue
			}
			if t.need(9) && string(t.buf[t.pos:t.pos+9]) == "<![CDATA[" {
				if len(t.open) == 0 {
					return 0, t.errorHere("a CDATA section outside the root element")
				}
				t.pos += 9
				t.inCDATA = true
				return t.cdata()
			}
			switch quoted := t.quoteAhead(12); {
			case bytes.HasPrefix(t.buf[t.pos:t.end], []byte("<!-")):
				return 0, t.errorHere(`%s: a comment begins with "<!--"`, quoted)
			case bytes.HasPrefix(t.buf[t.pos:t.end], []byte("<![")):
				return 0, t.errorHere(`%s: a CDATA section begins with "<![CDATA["`, quoted)
			default:
				return 0, t.errorHere("%s: DOCTYPE and other declarations are not allowed (no DTDs, no entities)", quoted)
			}
		default:
			return t.startTag()
		}
	}
}

func (t *tokenizer) atEOF() (tokKind, error) {
	if t.err != nil {
		return 0, t.err
	}
	if len(t.open) > 0 {
		return 0, t.errorEOF("")
	}
	if !t.rootSeen {
		e := t.errorHere("%s: the file holds no XML element", ErrNotNessus)
		e.Err = ErrNotNessus
		return 0, e
	}
	return tokEOF, nil
}

// prolog skips a UTF-8 byte-order mark and reads the XML declaration, which
// may only come first.
func (t *tokenizer) prolog() error {
	t.need(3)
	if bytes.HasPrefix(t.buf[t.pos:t.end], []byte("\xEF\xBB\xBF")) {
		t.pos += 3
	}
	t.need(6)
	rest := t.buf[t.pos:t.end]
	if !bytes.HasPrefix(rest, []byte("<?xml")) || len(rest) < 6 || !isSpace(rest[5]) && rest[5] != '?' {
		return nil
	}
	t.mark = t.pos
	t.pos += 5
	for {
		if !t.need(2) {
			return t.errorEOF("the XML declaration")
		}
		if t.buf[t.pos] == '?' && t.buf[t.pos+1] == '>' {
			break
		}
		if t.pos-t.mark > maxDeclLen {
			return t.errorHere("the XML declaration is longer than %d bytes", maxDeclLen)
		}
		t.pos++
	}
	if msg := checkDecl(t.buf[t.mark+5 : t.pos]); msg != "" {
		return t.errorTok("%s", msg)
	}
	t.pos += 2
	return nil
}

// checkDecl checks the pseudo-attributes of an XML declaration and returns
// what is wrong, or "". Only version 1.0 and UTF-8 are accepted, as by
// encoding/xml without a CharsetReader; Nessus writes nothing else.
func checkDecl(d []byte) string {
	order := []string{"version", "encoding", "standalone"}
	next := 0
	for {
		n := len(d)
		d = bytes.TrimLeft(d, " \t\r\n")
		if len(d) == 0 {
			return ""
		}
		if len(d) == n && next > 0 {
			return "malformed XML declaration: white space expected between its parts"
		}
		eq := bytes.IndexByte(d, '=')
		if eq < 0 {
			return "malformed XML declaration"
		}
		name := string(bytes.TrimRight(d[:eq], " \t\r\n"))
		d = bytes.TrimLeft(d[eq+1:], " \t\r\n")
		if len(d) == 0 || d[0] != '"' && d[0] != '\'' {
			return "malformed XML declaration: unquoted value"
		}
		q := bytes.IndexByte(d[1:], d[0])
		if q < 0 {
			return "malformed XML declaration: unterminated value"
		}
		value := string(d[1 : 1+q])
		d = d[q+2:]
		i := next
		for i < len(order) && order[i] != name {
			i++
		}
		if i == len(order) {
			return fmt.Sprintf("malformed XML declaration: unexpected %q", name)
		}
		next = i + 1
		switch name {
		case "version":
			if value != "1.0" {
				return fmt.Sprintf("XML version %q is not supported; only 1.0 is", value)
			}
		case "encoding":
			if !strings.EqualFold(value, "utf-8") {
				return fmt.Sprintf("encoding %q is not supported: Nessus files are UTF-8", value)
			}
		case "standalone":
			if value != "yes" && value != "no" {
				return fmt.Sprintf("malformed XML declaration: standalone=%q", value)
			}
		}
	}
}

// outsideText skips white space outside the root element; anything else
// there is an error, and before the root it means the file is not XML.
func (t *tokenizer) outsideText() error {
	for {
		for t.pos < t.end && isSpace(t.buf[t.pos]) {
			t.pos++
		}
		t.mark = t.pos
		if t.pos < t.end {
			break
		}
		if !t.need(1) {
			return nil
		}
	}
	if t.buf[t.pos] == '<' {
		return nil
	}
	if t.rootDone {
		return t.errorHere("text after the end of the root element")
	}
	e := t.errorHere("%s: the file is not XML (it starts with %s)", ErrNotNessus, t.quoteAhead(16))
	e.Err = ErrNotNessus
	return e
}

// quoteAhead quotes up to n bytes from pos for a message, however the
// input arrives.
func (t *tokenizer) quoteAhead(n int) string {
	t.need(n + 1)
	return quoteStart(t.buf[t.pos:t.end], n)
}

// quoteStart quotes up to n bytes of b for a message.
func quoteStart(b []byte, n int) string {
	if len(b) > n {
		return fmt.Sprintf("%q...", b[:n])
	}
	return fmt.Sprintf("%q", b)
}

// textByte marks the bytes that character data can hold without a closer
// look: printable ASCII except < & and ], and tab and newline.
var textByte = func() (tab [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		tab[c] = true
	}
	tab['<'], tab['&'], tab[']'] = false, false, false
	tab['\t'], tab['\n'] = true, true
	return tab
}()

// charData reads text up to the next tag. Text that lies in the buffer and
// needs no decoding is handed out in place; otherwise it is copied into
// scratch, and handed out in pieces when it is long.
func (t *tokenizer) charData() (tokKind, error) {
	copying := false
	t.scratch = t.scratch[:0]
	flush := func() {
		t.scratch = append(t.scratch, t.buf[t.mark:t.pos]...)
		t.mark = t.pos
		copying = true
	}
	for {
		i := t.pos
		for i < t.end && textByte[t.buf[i]] {
			i++
		}
		t.pos = i
		// Long text is copied out and handed over in pieces, so that it
		// never fills the buffer.
		if copying || t.pos-t.mark >= textChunk {
			flush()
			if len(t.scratch) >= textChunk {
				return t.textToken(true), nil
			}
		}
		if i == t.end {
			if !t.need(1) {
				return 0, t.errorEOF("")
			}
			continue
		}
		switch c := t.buf[t.pos]; {
		case c == '<':
			if copying {
				flush()
			}
			return t.textToken(copying), nil
		case c == '&':
			flush()
			var err error
			if t.scratch, err = t.appendEntity(t.scratch); err != nil {
				return 0, err
			}
			t.mark = t.pos
		case c == ']':
			if t.need(3) && t.buf[t.pos+1] == ']' && t.buf[t.pos+2] == '>' {
				return 0, t.errorHere(`"]]>" outside a CDATA section`)
			}
			t.pos++
		case c == '\r':
			flush()
			if err := t.newline(); err != nil {
				return 0, err
			}
		default:
			if err := t.char(); err != nil {
				return 0, err
			}
		}
	}
}

func (t *tokenizer) textToken(copied bool) tokKind {
	if copied {
		t.text = t.scratch
	} else {
		t.text = t.buf[t.mark:t.pos]
	}
	return tokText
}

// newline turns \r\n and a lone \r at pos into \n in scratch, as XML
// requires (and encoding/xml does). mark must be at pos.
func (t *tokenizer) newline() error {
	t.scratch = append(t.scratch, '\n')
	t.pos++
	if t.need(1) && t.buf[t.pos] == '\n' {
		t.pos++
	}
	t.mark = t.pos
	if t.err != nil {
		return t.err
	}
	return nil
}

// char checks the character at pos, which is a control character or the
// start of a multi-byte sequence, and steps over it.
func (t *tokenizer) char() error {
	c := t.buf[t.pos]
	if c < utf8.RuneSelf {
		if c == '\t' || c == '\n' || c == '\r' || c >= 0x20 {
			t.pos++
			return nil
		}
		return t.errorHere("character U+%04X is not allowed in XML", c)
	}
	t.need(utf8.UTFMax)
	r, size := utf8.DecodeRune(t.buf[t.pos:t.end])
	if r == utf8.RuneError && size == 1 {
		if t.err != nil {
			return t.err
		}
		return t.errorHere("invalid UTF-8 (byte 0x%02X)", c)
	}
	if !isXMLChar(r) {
		return t.errorHere("character %U is not allowed in XML", r)
	}
	t.pos += size
	return nil
}

// isXMLChar is XML 1.0's Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// appendEntity decodes the reference at pos, appends it to dst and steps
// over it. It is one of the five predefined entities or a character
// reference to an XML character; no other entity can exist, since
// declarations are refused.
func (t *tokenizer) appendEntity(dst []byte) ([]byte, error) {
	t.need(maxEntityLen)
	avail := t.buf[t.pos:min(t.end, t.pos+maxEntityLen)]
	semi := bytes.IndexByte(avail, ';')
	if semi < 0 {
		if t.err != nil {
			return dst, t.err
		}
		return dst, t.errorHere("malformed entity reference %s (no ';' follows; only &lt; &gt; &amp; &apos; &quot; and character references are allowed)", quoteStart(avail, 12))
	}
	ref := avail[1:semi]
	var r rune
	switch string(ref) {
	case "lt":
		r = '<'
	case "gt":
		r = '>'
	case "amp":
		r = '&'
	case "apos":
		r = '\''
	case "quot":
		r = '"'
	default:
		var ok bool
		if r, ok = charRef(ref); !ok {
			if len(ref) > 0 && ref[0] == '#' {
				return dst, t.errorHere("invalid character reference %q", avail[:semi+1])
			}
			return dst, t.errorHere("unknown entity %q: only &lt; &gt; &amp; &apos; &quot; and character references are allowed", avail[:semi+1])
		}
	}
	t.pos += semi + 1
	return utf8.AppendRune(dst, r), nil
}

// charRef decodes "#123" or "#x7B" to an XML character.
func charRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	digits, base := ref[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, false
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		r = r*base + d
		if r > utf8.MaxRune {
			return 0, false
		}
	}
	return r, isXMLChar(r)
}

// cdataByte marks the bytes a CDATA section can hold without a closer look.
var cdataByte = func() (tab [256]bool) {
	tab = textByte
	tab['<'], tab['&'] = true, true
	return tab
}()

// cdata reads a CDATA section's content, in pieces when it is long.
func (t *tokenizer) cdata() (tokKind, error) {
	t.scratch = t.scratch[:0]
	t.mark = t.pos
	for {
		i := t.pos
		for i < t.end && cdataByte[t.buf[i]] {
			i++
		}
		t.pos = i
		t.scratch = append(t.scratch, t.buf[t.mark:t.pos]...)
		t.mark = t.pos
		if len(t.scratch) >= textChunk {
			return t.textToken(true), nil
		}
		if !t.need(1) {
			return 0, t.errorEOF("a CDATA section")
		}
		switch c := t.buf[t.pos]; {
		case c == ']':
			if t.need(3) && t.buf[t.pos+1] == ']' && t.buf[t.pos+2] == '>' {
				t.pos += 3
				t.inCDATA = false
				return t.textToken(true), nil
			}
			t.pos++
			t.scratch = append(t.scratch, ']')
			t.mark = t.pos
		case c == '\r':
			if err := t.newline(); err != nil {
				return 0, err
			}
		case cdataByte[c]:
		default:
			if err := t.char(); err != nil {
				return 0, err
			}
			t.scratch = append(t.scratch, t.buf[t.mark:t.pos]...)
			t.mark = t.pos
		}
	}
}

// skipUntil checks and skips characters up to and including the
// terminator term (two or three bytes), for comments and processing
// instructions, which are not kept.
func (t *tokenizer) skipUntil(term string, what string) error {
	for {
		t.mark = t.pos
		if !t.need(len(term)) {
			return t.errorEOF(what)
		}
		c := t.buf[t.pos]
		if c == term[0] && string(t.buf[t.pos:t.pos+len(term)]) == term {
			t.pos += len(term)
			return nil
		}
		if term == "-->" && c == '-' && t.buf[t.pos+1] == '-' {
			return t.errorHere(`"--" inside a comment`)
		}
		if textByte[c] || c == '<' || c == '&' || c == ']' {
			t.pos++
			continue
		}
		if err := t.char(); err != nil {
			return err
		}
	}
}

func (t *tokenizer) comment() error {
	t.pos += 4
	return t.skipUntil("-->", "a comment")
}

// procInst skips a processing instruction. Its target must be a name other
// than xml (in any case), which is reserved for the declaration at the start.
func (t *tokenizer) procInst() error {
	t.pos += 2
	t.arena = t.arena[:0]
	target, err := t.readName("processing instruction target")
	if err != nil {
		return err
	}
	if strings.EqualFold(string(target), "xml") {
		return t.errorTok("an XML declaration is only allowed at the very start of the file")
	}
	if !t.need(2) {
		return t.errorEOF("a processing instruction")
	}
	if !isSpace(t.buf[t.pos]) && string(t.buf[t.pos:t.pos+2]) != "?>" {
		return t.errorHere("white space expected after the processing instruction target")
	}
	return t.skipUntil("?>", "a processing instruction")
}

// nameByte marks the ASCII bytes XML allows in names.
var nameByte = func() (tab [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		tab[c], tab[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		tab[c] = true
	}
	tab['_'], tab[':'], tab['.'], tab['-'] = true, true, true, true
	return tab
}()

// readName reads a name at pos into the arena. Names are ASCII here: XML
// allows more, but no Nessus name needs it, and it keeps the check exact.
// At most one colon, not at either end (a namespace prefix and a local
// name).
func (t *tokenizer) readName(what string) ([]byte, error) {
	t.mark = t.pos
	for {
		i := t.pos
		for i < t.end && nameByte[t.buf[i]] {
			i++
		}
		t.pos = i
		if t.pos-t.mark > maxNameLen {
			return nil, t.errorAt(t.base+int64(t.mark), fmt.Sprintf("%s longer than %d bytes", what, maxNameLen))
		}
		if i < t.end || !t.need(1) {
			break
		}
	}
	name := t.buf[t.mark:t.pos]
	if t.pos < t.end && t.buf[t.pos] >= utf8.RuneSelf {
		return nil, t.errorHere("non-ASCII character in %s %q", what, name)
	}
	if len(name) == 0 {
		if t.pos == t.end {
			return nil, t.errorEOF("a tag")
		}
		return nil, t.errorHere("%s expected, found %q", what, t.buf[t.pos])
	}
	if c := name[0]; c == '-' || c == '.' || c >= '0' && c <= '9' {
		return nil, t.errorAt(t.base+int64(t.mark), fmt.Sprintf("invalid %s %q: a name cannot start with %q", what, name, c))
	}
	if c := bytes.Count(name, []byte{':'}); c > 1 || c == 1 && (name[0] == ':' || name[len(name)-1] == ':') {
		return nil, t.errorAt(t.base+int64(t.mark), fmt.Sprintf("invalid %s %q: a colon may only separate a namespace prefix from a local name", what, name))
	}
	start := len(t.arena)
	t.arena = append(t.arena, name...)
	t.mark = t.pos
	return t.arena[start:len(t.arena):len(t.arena)], nil
}

// skipSpace skips white space and reports whether there was any.
func (t *tokenizer) skipSpace() bool {
	skipped := false
	for t.need(1) && isSpace(t.buf[t.pos]) {
		t.pos++
		t.mark = t.pos
		skipped = true
	}
	return skipped
}

// startTag reads <name attr="value" ...> or <name .../>.
func (t *tokenizer) startTag() (tokKind, error) {
	t.pos++
	t.arena = t.arena[:0]
	t.attrs = t.attrs[:0]
	name, err := t.readName("element name")
	if err != nil {
		return 0, err
	}
	if t.rootDone {
		return 0, t.errorTok("a second root element <%s>: a document has one", name)
	}
	if len(t.open) >= t.lim.maxDepth {
		return 0, t.errorTok("elements nested deeper than the limit of %d", t.lim.maxDepth)
	}
	for {
		space := t.skipSpace()
		if !t.need(1) {
			return 0, t.errorEOF(fmt.Sprintf("the tag <%s>", name))
		}
		c := t.buf[t.pos]
		if c == '>' {
			t.pos++
			break
		}
		if c == '/' {
			if !t.need(2) {
				return 0, t.errorEOF(fmt.Sprintf("the tag <%s>", name))
			}
			if t.buf[t.pos+1] != '>' {
				return 0, t.errorHere("'>' expected after '/' in <%s>", name)
			}
			t.pos += 2
			t.closeTag = true
			break
		}
		if !space {
			return 0, t.errorHere("white space expected before an attribute in <%s>, found %q", name, c)
		}
		if err := t.attribute(name); err != nil {
			return 0, err
		}
	}
	if err := t.pushElement(name); err != nil {
		return 0, err
	}
	return tokStart, nil
}

// attribute reads name="value" into attrs.
func (t *tokenizer) attribute(elem []byte) error {
	t.advanceTo(t.base + int64(t.pos))
	attrLine, attrCol := t.line, int(t.ckpt-t.lineStart)+1
	name, err := t.readName("attribute name")
	if err != nil {
		return err
	}
	t.skipSpace()
	if !t.need(1) {
		return t.errorEOF(fmt.Sprintf("the tag <%s>", elem))
	}
	if t.buf[t.pos] != '=' {
		return t.errorHere("attribute %s in <%s> has no value", name, elem)
	}
	t.pos++
	t.skipSpace()
	if !t.need(1) {
		return t.errorEOF(fmt.Sprintf("the tag <%s>", elem))
	}
	quote := t.buf[t.pos]
	if quote != '"' && quote != '\'' {
		return t.errorHere("the value of attribute %s in <%s> is not quoted", name, elem)
	}
	t.pos++
	t.mark = t.pos
	start := len(t.arena)
	for {
		i := t.pos
		for i < t.end && textByte[t.buf[i]] && t.buf[i] != quote {
			i++
		}
		t.pos = i
		t.arena = append(t.arena, t.buf[t.mark:t.pos]...)
		t.mark = t.pos
		if len(t.arena)-start > t.lim.maxAttrLen {
			return t.errorHere("the value of attribute %s in <%s> is longer than the limit of %d bytes", name, elem, t.lim.maxAttrLen)
		}
		if !t.need(1) {
			return t.errorEOF(fmt.Sprintf("the value of attribute %s in <%s>", name, elem))
		}
		switch c := t.buf[t.pos]; {
		case c == quote:
			t.pos++
			value := t.arena[start:len(t.arena):len(t.arena)]
			for _, a := range t.attrs {
				if bytes.Equal(a.name, name) {
					return &Error{Line: attrLine, Column: attrCol, Msg: fmt.Sprintf("attribute %s appears twice in <%s>", name, elem)}
				}
			}
			if len(t.attrs) == maxAttrs {
				return &Error{Line: attrLine, Column: attrCol, Msg: fmt.Sprintf("more than %d attributes in <%s>", maxAttrs, elem)}
			}
			t.attrs = append(t.attrs, xmlAttr{name: name, value: value})
			return nil
		case c == '<':
			return t.errorHere("'<' in the value of attribute %s in <%s>", name, elem)
		case c == '&':
			var err error
			if t.arena, err = t.appendEntity(t.arena); err != nil {
				return err
			}
		case c == '\r':
			t.arena = append(t.arena, '\n')
			t.pos++
			if t.need(1) && t.buf[t.pos] == '\n' {
				t.pos++
			}
		case c == ']':
			t.pos++
			t.arena = append(t.arena, c)
		default:
			if err := t.char(); err != nil {
				return err
			}
			t.arena = append(t.arena, t.buf[t.mark:t.pos]...)
		}
		t.mark = t.pos
	}
}

// pushElement opens an element: namespace declarations first, then the
// prefixes of the element and its attributes must be declared.
func (t *tokenizer) pushElement(name []byte) error {
	depth := len(t.open) + 1
	for _, a := range t.attrs {
		prefix, local, ok := bytes.Cut(a.name, []byte{':'})
		if !ok || string(prefix) != "xmlns" {
			continue
		}
		if string(local) == "xmlns" || len(a.value) == 0 {
			return t.errorTok("invalid namespace declaration %s=%q in <%s>", a.name, a.value, name)
		}
		t.ns = append(t.ns, nsBinding{prefix: string(local), uri: string(a.value), depth: depth})
	}
	t.local, t.space = name, ""
	if prefix, local, ok := bytes.Cut(name, []byte{':'}); ok {
		uri, ok := t.lookupNS(prefix)
		if !ok {
			return t.errorTok("the namespace prefix %q of <%s> is not declared", prefix, name)
		}
		t.local, t.space = local, uri
	}
	for _, a := range t.attrs {
		if prefix, _, ok := bytes.Cut(a.name, []byte{':'}); ok && string(prefix) != "xmlns" {
			if _, ok := t.lookupNS(prefix); !ok {
				return t.errorTok("the namespace prefix %q of attribute %s in <%s> is not declared", prefix, a.name, name)
			}
		}
	}
	t.name = name
	t.names = append(t.names, name...)
	t.open = append(t.open, openElem{end: len(t.names), line: t.tokLine})
	t.rootSeen = true
	return nil
}

const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

func (t *tokenizer) lookupNS(prefix []byte) (string, bool) {
	if string(prefix) == "xml" {
		return xmlNamespace, true
	}
	for i := len(t.ns) - 1; i >= 0; i-- {
		if t.ns[i].prefix == string(prefix) {
			return t.ns[i].uri, true
		}
	}
	return "", false
}

func (t *tokenizer) popElement() {
	depth := len(t.open)
	for len(t.ns) > 0 && t.ns[len(t.ns)-1].depth >= depth {
		t.ns = t.ns[:len(t.ns)-1]
	}
	t.open = t.open[:depth-1]
	if depth > 1 {
		t.names = t.names[:t.open[depth-2].end]
	} else {
		t.names = t.names[:0]
		t.rootDone = true
	}
}

// endTag reads </name>, which must close the innermost open element.
func (t *tokenizer) endTag() (tokKind, error) {
	t.pos += 2
	t.arena = t.arena[:0]
	name, err := t.readName("element name")
	if err != nil {
		return 0, err
	}
	t.skipSpace()
	if !t.need(1) {
		return 0, t.errorEOF(fmt.Sprintf("the end tag </%s>", name))
	}
	if t.buf[t.pos] != '>' {
		return 0, t.errorHere("'>' expected in the end tag </%s>, found %q", name, t.buf[t.pos])
	}
	t.pos++
	if len(t.open) == 0 {
		return 0, t.errorTok("end tag </%s> without a start tag", name)
	}
	if top := t.topName(); !bytes.Equal(top, name) {
		return 0, t.errorTok("element <%s>, opened at line %d, is closed by </%s>", top, t.open[len(t.open)-1].line, name)
	}
	t.name = name
	t.popElement()
	return tokEnd, nil
}
