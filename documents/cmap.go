package documents

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// coverage is the set of characters a font maps to a real glyph (glyph ID
// other than 0, .notdef), read from its cmap table. It is kept as sorted,
// disjoint code point ranges so that a CJK font's tens of thousands of
// characters cost a few kilobytes.
type coverage []runeRange

type runeRange struct{ lo, hi rune }

// has reports whether the font has a glyph for r.
func (c coverage) has(r rune) bool {
	i := sort.Search(len(c), func(i int) bool { return c[i].hi >= r })
	return i < len(c) && c[i].lo <= r
}

// parseCoverage reads the Unicode cmap of a TrueType font (sfnt version
// 0x00010000 or "true"). It prefers a format 12 subtable (full Unicode,
// needed for CJK Extension B and later) and falls back to format 4 (BMP).
// Collections (TTC) and CFF-flavoured OpenType fonts are rejected, since the
// PDF library embeds only TrueType outlines.
func parseCoverage(font []byte) (coverage, error) {
	if len(font) < 12 {
		return nil, errors.New("not a font file: too short")
	}
	switch tag := string(font[:4]); tag {
	case "\x00\x01\x00\x00", "true":
	case "ttcf":
		return nil, errors.New("a TrueType collection (.ttc) is not supported; use a single .ttf")
	case "OTTO":
		return nil, errors.New("an OpenType font with CFF outlines is not supported; use a TrueType (.ttf) font")
	default:
		return nil, fmt.Errorf("not a TrueType font (signature %q)", tag)
	}
	be := binary.BigEndian
	numTables := int(be.Uint16(font[4:]))
	var cmap []byte
	for i := 0; i < numTables; i++ {
		rec := 12 + 16*i
		if rec+16 > len(font) {
			return nil, errors.New("truncated table directory")
		}
		if string(font[rec:rec+4]) != "cmap" {
			continue
		}
		off, n := int(be.Uint32(font[rec+8:])), int(be.Uint32(font[rec+12:]))
		if off < 0 || n < 4 || off+n > len(font) {
			return nil, errors.New("cmap table out of bounds")
		}
		cmap = font[off : off+n]
	}
	if cmap == nil {
		return nil, errors.New("font has no cmap table")
	}
	var fmt4, fmt12 []byte
	numSub := int(be.Uint16(cmap[2:]))
	for i := 0; i < numSub; i++ {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			return nil, errors.New("truncated cmap")
		}
		platform, encoding := be.Uint16(cmap[rec:]), be.Uint16(cmap[rec+2:])
		off := int(be.Uint32(cmap[rec+4:]))
		if off+4 > len(cmap) {
			return nil, errors.New("cmap subtable out of bounds")
		}
		unicode := platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
		if !unicode {
			continue
		}
		switch be.Uint16(cmap[off:]) {
		case 4:
			fmt4 = cmap[off:]
		case 12:
			fmt12 = cmap[off:]
		}
	}
	switch {
	case fmt12 != nil:
		return parseFormat12(fmt12)
	case fmt4 != nil:
		return parseFormat4(fmt4)
	}
	return nil, errors.New("font has no Unicode cmap subtable (format 4 or 12)")
}

func parseFormat12(b []byte) (coverage, error) {
	be := binary.BigEndian
	if len(b) < 16 {
		return nil, errors.New("truncated cmap format 12")
	}
	n := int(be.Uint32(b[12:]))
	if n < 0 || 16+12*n > len(b) {
		return nil, errors.New("truncated cmap format 12 groups")
	}
	var c coverage
	for i := 0; i < n; i++ {
		g := b[16+12*i:]
		lo, hi, gid := rune(be.Uint32(g)), rune(be.Uint32(g[4:])), be.Uint32(g[8:])
		if gid == 0 { // the first character of the group maps to .notdef
			lo++
		}
		if lo <= hi {
			c = append(c, runeRange{lo, hi})
		}
	}
	return normalize(c), nil
}

func parseFormat4(b []byte) (coverage, error) {
	be := binary.BigEndian
	if len(b) < 14 {
		return nil, errors.New("truncated cmap format 4")
	}
	seg := int(be.Uint16(b[6:])) / 2
	ends, starts := 14, 16+2*seg
	deltas, ranges := starts+2*seg, starts+4*seg
	if ranges+2*seg > len(b) {
		return nil, errors.New("truncated cmap format 4 segments")
	}
	var c coverage
	for s := 0; s < seg; s++ {
		end, start := int(be.Uint16(b[ends+2*s:])), int(be.Uint16(b[starts+2*s:]))
		delta, ro := int(be.Uint16(b[deltas+2*s:])), int(be.Uint16(b[ranges+2*s:]))
		for ch := start; ch <= end && ch != 0xFFFF; ch++ {
			gid := (ch + delta) & 0xFFFF
			if ro != 0 {
				at := ranges + 2*s + ro + 2*(ch-start)
				if at+2 > len(b) {
					return nil, errors.New("cmap format 4 glyph index out of bounds")
				}
				if gid = int(be.Uint16(b[at:])); gid != 0 {
					gid = (gid + delta) & 0xFFFF
				}
			}
			if gid != 0 {
				c = append(c, runeRange{rune(ch), rune(ch)})
			}
		}
	}
	return normalize(c), nil
}

// normalize sorts c and merges overlapping or adjacent ranges.
func normalize(c coverage) coverage {
	sort.Slice(c, func(i, j int) bool { return c[i].lo < c[j].lo })
	out := c[:0]
	for _, r := range c {
		if n := len(out); n > 0 && r.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}
