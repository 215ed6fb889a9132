package documents

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"hukou/domain"
)

// Tables writes query exports (1.5.x) row by row, implementing
// domain.TableEncoder: CSV (UTF-8 with a byte-order mark, so that
// spreadsheet programs read Chinese correctly) and XLSX through excelize's
// stream writer, whose rows go to a temporary file rather than memory.
type Tables struct{}

// NewTable implements domain.TableEncoder.
func (Tables) NewTable(format domain.ExportFormat, w io.Writer, title string) (domain.TableWriter, error) {
	switch format {
	case domain.ExportCSV:
		bw := bufio.NewWriterSize(w, 64<<10)
		if _, err := bw.WriteString("\uFEFF"); err != nil {
			return nil, err
		}
		return &csvTable{buf: bw, w: csv.NewWriter(bw)}, nil
	case domain.ExportXLSX:
		return newXLSXTable(w, title)
	default:
		return nil, domain.FieldErrorf("format", "exports are CSV or XLSX, not %q", format).WithReason("query.export_format")
	}
}

type csvTable struct {
	buf   *bufio.Writer
	w     *csv.Writer
	cells []string
}

func (t *csvTable) WriteRow(cells []*string) error {
	t.cells = t.cells[:0]
	for _, c := range cells {
		if c == nil {
			t.cells = append(t.cells, "")
		} else {
			t.cells = append(t.cells, csvSafe(*c))
		}
	}
	return t.w.Write(t.cells)
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (CSV
// injection): a cell starting with = + - @ or a tab gets a leading quote.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

func (t *csvTable) Close() error {
	t.w.Flush()
	if err := t.w.Error(); err != nil {
		return err
	}
	return t.buf.Flush()
}

type xlsxTable struct {
	file  *excelize.File
	sw    *excelize.StreamWriter
	out   io.Writer
	row   int
	cells []any
}

// sheetName is a valid sheet name from title (at most 31 characters,
// none of []:*?/\).
func sheetName(title string) string {
	out := []rune{}
	for _, r := range title {
		switch r {
		case '[', ']', ':', '*', '?', '/', '\\':
			continue
		}
		if len(out) == 31 {
			break
		}
		out = append(out, r)
	}
	if len(out) == 0 || !utf8.ValidString(string(out)) {
		return "Sheet1"
	}
	return string(out)
}

func newXLSXTable(w io.Writer, title string) (*xlsxTable, error) {
	f := excelize.NewFile()
	name := sheetName(title)
	if name != "Sheet1" {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return nil, fmt.Errorf("xlsx sheet: %w", err)
		}
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("xlsx stream: %w", err)
	}
	return &xlsxTable{file: f, sw: sw, out: w}, nil
}

func (t *xlsxTable) WriteRow(cells []*string) error {
	t.row++
	t.cells = t.cells[:0]
	for _, c := range cells {
		if c == nil {
			t.cells = append(t.cells, nil)
		} else {
			t.cells = append(t.cells, *c) // strings stay strings: no formula, no number guessing
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, t.row)
	if err != nil {
		return err
	}
	return t.sw.SetRow(cell, t.cells)
}

func (t *xlsxTable) Close() error {
	defer t.file.Close()
	if err := t.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx flush: %w", err)
	}
	if _, err := t.file.WriteTo(t.out); err != nil {
		return fmt.Errorf("xlsx write: %w", err)
	}
	return nil
}
