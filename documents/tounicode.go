package documents

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"unicode/utf16"
)

// bmpOnlyEntry matches a ToUnicode bfrange entry whose destination is a
// code point above U+FFFF written as plain hex ("<6C74><6C74><20BB7>"),
// which is how gopdf writes it. A PDF destination string is UTF-16BE, so
// readers take <20BB7> as U+20BB plus garbage; it must be the surrogate pair
// <D842DFB7>.
var bmpOnlyEntry = regexp.MustCompile(`(<[0-9A-F]{4}><[0-9A-F]{4}>)<([0-9A-F]{5,6})>\n`)

var lengthKey = regexp.MustCompile(`/Length (\d+)\n`)

// edit replaces old[at:at+n] by text.
type edit struct {
	at, n int
	text  []byte
}

// fixToUnicode rewrites the ToUnicode entries of characters outside the BMP
// as UTF-16 surrogate pairs, then corrects the stream /Length, the
// cross-reference offsets and startxref that the longer entries shift. A PDF
// without such entries is returned unchanged.
func fixToUnicode(pdf []byte) ([]byte, error) {
	if !bmpOnlyEntry.Match(pdf) {
		return pdf, nil
	}
	var edits []edit
	const begin, end = "beginbfrange\n", "endbfrange"
	for from := 0; ; {
		i := bytes.Index(pdf[from:], []byte(begin))
		if i < 0 {
			break
		}
		start := from + i
		j := bytes.Index(pdf[start:], []byte(end))
		if j < 0 {
			return nil, errors.New("ToUnicode map without endbfrange")
		}
		stop := start + j
		from = stop
		var local []edit
		delta := 0
		for _, m := range bmpOnlyEntry.FindAllSubmatchIndex(pdf[start:stop], -1) {
			cp, err := strconv.ParseUint(string(pdf[start+m[4]:start+m[5]]), 16, 32)
			if err != nil || cp > 0x10FFFF {
				return nil, fmt.Errorf("bad ToUnicode code point %q", pdf[start+m[4]:start+m[5]])
			}
			hi, lo := utf16.EncodeRune(rune(cp))
			repl := fmt.Appendf(nil, "%s<%04X%04X>\n", pdf[start+m[2]:start+m[3]], hi, lo)
			local = append(local, edit{start + m[0], m[1] - m[0], repl})
			delta += len(repl) - (m[1] - m[0])
		}
		if len(local) == 0 {
			continue
		}
		// The stream's dictionary ("<<\n/Length n\n>>\nstream\n") precedes the map.
		head := pdf[:start]
		s := bytes.LastIndex(head, []byte("stream\n"))
		ls := lengthKey.FindAllSubmatchIndex(head, -1)
		if s < 0 || len(ls) == 0 || ls[len(ls)-1][0] > s {
			return nil, errors.New("ToUnicode stream without /Length")
		}
		l := ls[len(ls)-1]
		n, err := strconv.Atoi(string(pdf[l[2]:l[3]]))
		if err != nil {
			return nil, fmt.Errorf("ToUnicode /Length: %w", err)
		}
		edits = append(edits, edit{l[2], l[3] - l[2], []byte(strconv.Itoa(n + delta))})
		edits = append(edits, local...)
	}
	if len(edits) == 0 {
		return pdf, nil
	}

	// shift maps an offset in the old file to the new one.
	shift := func(off int) int {
		d := 0
		for _, e := range edits {
			if e.at < off {
				d += len(e.text) - e.n
			}
		}
		return off + d
	}
	sx := bytes.LastIndex(pdf, []byte("startxref\n"))
	if sx < 0 {
		return nil, errors.New("no startxref")
	}
	numEnd := sx + len("startxref\n")
	for numEnd < len(pdf) && pdf[numEnd] >= '0' && pdf[numEnd] <= '9' {
		numEnd++
	}
	xref, err := strconv.Atoi(string(pdf[sx+len("startxref\n") : numEnd]))
	if err != nil || xref <= 0 || xref >= len(pdf) || !bytes.HasPrefix(pdf[xref:], []byte("xref\n")) {
		return nil, errors.New("bad startxref")
	}
	for _, e := range edits {
		if e.at >= xref {
			return nil, errors.New("ToUnicode edit after the cross-reference table")
		}
	}

	var out bytes.Buffer
	out.Grow(len(pdf) + 64*len(edits))
	pos := 0
	for _, e := range edits {
		out.Write(pdf[pos:e.at])
		out.Write(e.text)
		pos = e.at + e.n
	}
	out.Write(pdf[pos:xref])

	// Rewrite the table: "xref\n0 N\n" then N entries of 20 bytes.
	p := xref + len("xref\n")
	nl := bytes.IndexByte(pdf[p:], '\n')
	if nl < 0 {
		return nil, errors.New("bad xref header")
	}
	var first, count int
	if _, err := fmt.Sscanf(string(pdf[p:p+nl]), "%d %d", &first, &count); err != nil {
		return nil, fmt.Errorf("bad xref header: %w", err)
	}
	out.Write(pdf[xref : p+nl+1])
	p += nl + 1
	for i := 0; i < count; i++ {
		if p+20 > len(pdf) {
			return nil, errors.New("truncated xref table")
		}
		entry := pdf[p : p+20]
		if entry[17] == 'n' {
			off, err := strconv.Atoi(string(entry[:10]))
			if err != nil {
				return nil, fmt.Errorf("bad xref entry %q", entry)
			}
			fmt.Fprintf(&out, "%010d%s", shift(off), entry[10:])
		} else {
			out.Write(entry)
		}
		p += 20
	}
	out.Write(pdf[p:sx])
	fmt.Fprintf(&out, "startxref\n%d", shift(xref))
	out.Write(pdf[numEnd:])
	return out.Bytes(), nil
}
