package report

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
)

// DejaVu Sans Condensed is embedded rather than read from the system so
// that reports look the same on every server and need no font packages; the
// condensed cut fits wide registers on a page.
var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	fontBold []byte
)

const fontFamily = "DejaVu"

// coverage is the set of BMP characters both embedded faces can draw.
var coverage = sync.OnceValue(func() []bool {
	reg, err := cmapCoverage(fontRegular)
	if err != nil {
		panic("report: embedded regular font: " + err.Error())
	}
	bold, err := cmapCoverage(fontBold)
	if err != nil {
		panic("report: embedded bold font: " + err.Error())
	}
	for r := range reg {
		reg[r] = reg[r] && bold[r]
	}
	return reg
})

// pdfText makes s drawable with the embedded font. A character the font
// lacks becomes '?' instead of an empty .notdef box, so a reader can see
// that something was lost; characters outside the BMP must go in any case
// because fpdf's width tables only cover the BMP.
func pdfText(s string) string {
	cov := coverage()
	var b strings.Builder
	b.Grow(len(s))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7F:
		case r < 0x10000 && cov[r]:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

var errFont = errors.New("malformed TrueType font")

// cmapCoverage reads the Unicode BMP (format 4) character map of a TrueType
// font: fpdf can measure text but cannot say whether a glyph exists.
func cmapCoverage(ttf []byte) ([]bool, error) {
	be := binary.BigEndian
	if len(ttf) < 12 {
		return nil, errFont
	}
	var cmap []byte
	for k := range int(be.Uint16(ttf[4:])) {
		rec := 12 + 16*k
		if rec+16 > len(ttf) {
			return nil, errFont
		}
		if string(ttf[rec:rec+4]) != "cmap" {
			continue
		}
		off, n := int(be.Uint32(ttf[rec+8:])), int(be.Uint32(ttf[rec+12:]))
		if off < 0 || n < 4 || off+n > len(ttf) {
			return nil, errFont
		}
		cmap = ttf[off : off+n]
	}
	if cmap == nil {
		return nil, errors.New("font has no cmap table")
	}
	for k := range int(be.Uint16(cmap[2:])) {
		rec := 4 + 8*k
		if rec+8 > len(cmap) {
			return nil, errFont
		}
		platform, encoding := be.Uint16(cmap[rec:]), be.Uint16(cmap[rec+2:])
		if platform != 0 && (platform != 3 || encoding != 1) {
			continue
		}
		off := int(be.Uint32(cmap[rec+4:]))
		if off+14 > len(cmap) || be.Uint16(cmap[off:]) != 4 {
			continue
		}
		return cmapFormat4(cmap[off:])
	}
	return nil, errors.New("font has no Unicode BMP character map")
}

func cmapFormat4(t []byte) ([]bool, error) {
	be := binary.BigEndian
	segs := int(be.Uint16(t[6:])) / 2
	ends := 14
	starts := ends + 2*segs + 2
	deltas := starts + 2*segs
	ranges := deltas + 2*segs
	if ranges+2*segs > len(t) {
		return nil, errFont
	}
	cov := make([]bool, 0x10000)
	for s := range segs {
		start, end := int(be.Uint16(t[starts+2*s:])), int(be.Uint16(t[ends+2*s:]))
		delta := be.Uint16(t[deltas+2*s:])
		ro := int(be.Uint16(t[ranges+2*s:]))
		// U+FFFF closes the last segment by convention and is no character.
		for c := start; c <= end && c < 0xFFFF; c++ {
			g := uint16(c) + delta
			if ro != 0 {
				at := ranges + 2*s + ro + 2*(c-start)
				if at+2 > len(t) {
					return nil, errFont
				}
				if g = be.Uint16(t[at:]); g != 0 {
					g += delta
				}
			}
			cov[c] = g != 0
		}
	}
	return cov, nil
}
