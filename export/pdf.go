package export

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"servicebook/assets"
)

// PDFOptions are what every printed document shares.
type PDFOptions struct {
	Lang   string    // "en" or "zh"
	Paper  string    // "a4" (default) or "letter"
	AsOf   time.Time // printed on the cover and used as the file's dates, so that the same data gives the same bytes
	Org    string    // the organisation, on the cover
	Author string
	// CopyFor is the holder the binder is printed for: each plan's copy
	// number is taken from its distribution list. Empty: an uncontrolled
	// copy, which the cover says.
	CopyFor string
	// Landscape turns the pages: a checklist's many narrow columns.
	Landscape bool
}

// fontName is the embedded face. It holds Latin and CJK, so Chinese prints
// on a machine without Chinese fonts. It has no bold face: bold is the same
// face registered under the bold style, which fpdf needs for "B".
const fontName = "wqy"

// pdfDoc is an fpdf document with servicebook's page furniture: the
// classification in the header, "Page N of M" and the document number in
// the footer, and a diagonal DRAFT across pages of unapproved documents.
type pdfDoc struct {
	*fpdf.Fpdf
	opt            PDFOptions
	classification string // printed top right of every page
	docNumber      string // printed in the footer of the pages to come; changes per plan
	pageDoc        string // docNumber as it was when this page began: fpdf writes a page's footer when the next page starts
	draft          bool   // a DRAFT watermark on the pages now being added
	title          string // top left of every page but the cover
	cover          bool   // the page now being added is the cover
	contents       []tocEntry
}

// tocEntry is one line of the table of contents: a heading and the page
// it starts on.
type tocEntry struct {
	level int
	text  string
	page  int
}

// newPDF starts a document. Its dates are opt.AsOf, its catalogue sorted:
// the same content gives byte-identical files.
func newPDF(opt PDFOptions) *pdfDoc {
	size := "A4"
	if strings.EqualFold(opt.Paper, "letter") {
		size = "Letter"
	}
	orientation := "P"
	if opt.Landscape {
		orientation = "L"
	}
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orientation, UnitStr: "mm", SizeStr: size})
	f.AddUTF8FontFromBytes(fontName, "", assets.Font)
	f.AddUTF8FontFromBytes(fontName, "B", assets.Font)
	f.SetCreationDate(opt.AsOf)
	f.SetModificationDate(opt.AsOf)
	f.SetCatalogSort(true)
	f.SetCompression(true)
	f.SetAuthor(opt.Author, true)
	f.SetCreator("servicebook", true)
	f.SetMargins(18, 20, 18)
	f.SetAutoPageBreak(true, 20)
	f.AliasNbPages("{nb}")
	d := &pdfDoc{Fpdf: f, opt: opt}
	f.SetHeaderFunc(d.header)
	f.SetFooterFunc(d.footer)
	return d
}

// t is the label in the document's language.
func (d *pdfDoc) t(en, zh string) string {
	if d.opt.Lang == "zh" {
		return zh
	}
	return en
}

func (d *pdfDoc) header() {
	d.pageDoc = d.docNumber
	if d.draft {
		d.watermark()
	}
	if d.cover {
		return
	}
	d.SetFont(fontName, "", 8)
	d.SetTextColor(90, 90, 90)
	w, _ := d.GetPageSize()
	left, _, right, _ := d.GetMargins()
	d.SetXY(left, 10)
	d.CellFormat((w-left-right)/2, 5, d.title, "", 0, "L", false, 0, "")
	d.CellFormat((w-left-right)/2, 5, d.classification, "", 1, "R", false, 0, "")
	d.SetDrawColor(180, 180, 180)
	d.Line(left, 15.5, w-right, 15.5)
	d.SetTextColor(0, 0, 0)
	d.SetY(20)
}

func (d *pdfDoc) footer() {
	w, h := d.GetPageSize()
	left, _, right, _ := d.GetMargins()
	d.SetFont(fontName, "", 8)
	d.SetTextColor(90, 90, 90)
	d.SetXY(left, h-13)
	page := fmt.Sprintf("Page %d of {nb}", d.PageNo())
	if d.opt.Lang == "zh" {
		page = fmt.Sprintf("第 %d 页 / 共 {nb} 页", d.PageNo())
	}
	d.CellFormat((w-left-right)/2, 5, d.pageDoc, "", 0, "L", false, 0, "")
	d.CellFormat((w-left-right)/2, 5, page, "", 0, "R", false, 0, "")
	d.SetTextColor(0, 0, 0)
}

// watermark writes DRAFT / 草案 across the page, light, under the text
// that follows.
func (d *pdfDoc) watermark() {
	w, h := d.GetPageSize()
	d.SetFont(fontName, "B", 72)
	d.SetTextColor(235, 200, 200)
	text := d.t("DRAFT", "草案")
	tw := d.GetStringWidth(text)
	d.TransformBegin()
	d.TransformRotate(45, w/2, h/2)
	d.Text(w/2-tw/2, h/2+10, text)
	d.TransformEnd()
	d.SetTextColor(0, 0, 0)
}

// heading writes a section title and bookmarks it at level.
func (d *pdfDoc) heading(text string, level int) {
	size := []float64{16, 12.5, 11}[min(level, 2)]
	if d.GetY()+size > d.pageBottom()-20 {
		d.AddPage()
	}
	d.Bookmark(text, level, -1)
	if level <= 1 {
		d.contents = append(d.contents, tocEntry{level: level, text: text, page: d.PageNo()})
	}
	d.SetFont(fontName, "B", size)
	d.Ln(2)
	d.multiline(0, size*0.5, text, "L")
	d.Ln(1.5)
	d.SetFont(fontName, "", 10)
}

// paragraph writes text, wrapped; empty text prints a dash so a blank
// field is seen to be blank.
func (d *pdfDoc) paragraph(text string) {
	d.SetFont(fontName, "", 10)
	if strings.TrimSpace(text) == "" {
		text = "—"
	}
	d.multiline(0, 5, text, "L")
	d.Ln(2)
}

func (d *pdfDoc) pageBottom() float64 {
	_, h := d.GetPageSize()
	_, _, _, bottom := d.GetMargins()
	return h - bottom
}

func (d *pdfDoc) contentWidth() float64 {
	w, _ := d.GetPageSize()
	left, _, right, _ := d.GetMargins()
	return w - left - right
}

// table writes rows under a header with the given column widths (in parts
// of the content width) and alignments ("L", "R", "C"); cells wrap, the
// header repeats on every page the table runs onto, and bold marks rows
// for which bold returns true.
func (d *pdfDoc) table(header []string, widths []float64, align string, rows [][]string, bold func(int) bool) {
	if len(rows) == 0 {
		// An empty register says so: a header alone reads as a printing fault.
		// The words go in the second column, the first being a number or
		// a date in most tables.
		none := make([]string, len(header))
		none[0] = "—"
		none[min(1, len(none)-1)] = d.t("None recorded.", "无记录。")
		rows, bold = [][]string{none}, nil
	}
	total := 0.0
	for _, w := range widths {
		total += w
	}
	cw := make([]float64, len(widths))
	for i, w := range widths {
		cw[i] = d.contentWidth() * w / total
	}
	const lineH = 4.6
	// drawLines draws one row from its cells' wrapped lines. A row taller
	// than what is left of a fresh page goes on over the next pages, its
	// lines split between them (a contact with many roles, a long step).
	var headerLines [][]string
	var drawLines func(lines [][]string, head bool, style string)
	drawLines = func(lines [][]string, head bool, style string) {
		d.SetFont(fontName, style, 9)
		height := 1
		for _, l := range lines {
			height = max(height, len(l))
		}
		room := func() int { return int((d.pageBottom() - d.GetY() - 1.6) / lineH) }
		if d.GetY()+float64(height)*lineH+1.6 > d.pageBottom() {
			d.AddPage()
			if !head {
				drawLines(headerLines, true, "B") // the header again on the new page
				d.SetFont(fontName, style, 9)
			}
		}
		if fit := room(); height > fit && fit > 0 {
			first, rest := make([][]string, len(lines)), make([][]string, len(lines))
			for i, l := range lines {
				n := min(len(l), fit)
				first[i], rest[i] = l[:n], l[n:]
			}
			drawLines(first, head, style)
			drawLines(rest, head, style)
			return
		}
		h := float64(height)*lineH + 1.6
		x, y := d.GetX(), d.GetY()
		for i := range lines {
			if head {
				d.SetFillColor(230, 235, 242)
				d.Rect(x, y, cw[i], h, "FD")
			} else {
				d.Rect(x, y, cw[i], h, "D")
			}
			for j, line := range lines[i] {
				d.SetXY(x+1, y+0.8+float64(j)*lineH)
				a := "L"
				if i < len(align) && !head {
					a = string(align[i])
				}
				d.CellFormat(cw[i]-2, lineH, line, "", 0, a, false, 0, "")
			}
			x += cw[i]
		}
		d.SetXY(d.lMargin(), y+h)
	}
	// wrapCells wraps each cell to its column in the given style.
	wrapCells := func(cells []string, style string) [][]string {
		d.SetFont(fontName, style, 9)
		lines := make([][]string, len(cells))
		for i, c := range cells {
			lines[i] = d.wrap(c, cw[i]-2-2*d.GetCellMargin()) // CellFormat indents by its cell margin
		}
		return lines
	}
	d.SetDrawColor(170, 170, 170)
	headerLines = wrapCells(header, "B")
	drawLines(headerLines, true, "B")
	for i, r := range rows {
		style := ""
		if bold != nil && bold(i) {
			style = "B"
		}
		drawLines(wrapCells(r, style), false, style)
	}
	d.Ln(3)
	d.SetFont(fontName, "", 10)
}

func (d *pdfDoc) lMargin() float64 {
	left, _, _, _ := d.GetMargins()
	return left
}

// fields writes label: value pairs in two columns.
func (d *pdfDoc) fields(pairs [][2]string) {
	labelW := d.contentWidth() * 0.3
	for _, p := range pairs {
		value := p[1]
		if strings.TrimSpace(value) == "" {
			value = "—"
		}
		d.SetFont(fontName, "B", 9.5)
		y := d.GetY()
		d.multiline(labelW, 5, p[0], "L")
		after := d.GetY()
		d.SetXY(d.lMargin()+labelW, y)
		d.SetFont(fontName, "", 9.5)
		d.multiline(0, 5, value, "L")
		d.SetY(max(after, d.GetY()) + 0.5)
	}
	d.Ln(2)
}

// tableOfContents writes the contents with each entry's page, offset by
// shift (the pages the contents itself will take when they are counted
// before it is written), dotted leaders between heading and number.
func (d *pdfDoc) tableOfContents(entries []tocEntry, shift int) {
	d.heading(d.t("Contents", "目录"), 0)
	width := d.contentWidth()
	for _, e := range entries {
		indent := 0.0
		style, size := "B", 10.5
		if e.level > 0 {
			indent, style, size = 8, "", 9.5
		}
		if d.GetY()+6 > d.pageBottom() {
			d.AddPage()
		}
		d.SetFont(fontName, style, size)
		number := strconv.Itoa(e.page + shift)
		numberW := d.GetStringWidth(number) + 1
		text := e.text
		for d.GetStringWidth(text) > width-indent-numberW-12 && len([]rune(text)) > 4 {
			r := []rune(text)
			text = string(r[:len(r)-2]) + "…"
		}
		x, y := d.lMargin()+indent, d.GetY()
		d.SetXY(x, y)
		d.CellFormat(d.GetStringWidth(text)+1, 6, text, "", 0, "L", false, 0, "")
		dotsFrom := d.GetX() + 1
		dotsTo := d.lMargin() + width - numberW - 1
		d.SetTextColor(150, 150, 150)
		for dx := dotsFrom; dx < dotsTo-1; dx += 1.6 {
			d.Text(dx, y+4.2, ".")
		}
		d.SetTextColor(0, 0, 0)
		d.SetXY(d.lMargin()+width-numberW, y)
		d.CellFormat(numberW, 6, number, "", 1, "R", false, 0, "")
	}
}

// wrap splits text into lines no wider than width in the current font:
// at a space where there is one, else between characters (Chinese has no
// spaces), and at every newline. No character is ever lost: fpdf's own
// SplitText drops the character where it breaks a word without spaces
// ("（备选）" became "（备" and "）"), which on a call card would cut a
// phone number.
func (d *pdfDoc) wrap(text string, width float64) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		runes := []rune(para)
		if len(runes) == 0 {
			out = append(out, "")
			continue
		}
		for len(runes) > 0 {
			n, w := 0, 0.0
			for n < len(runes) {
				w += d.GetStringWidth(string(runes[n]))
				if w > width && n > 0 {
					break
				}
				n++
			}
			line, rest := runes[:n], runes[n:]
			if len(rest) > 0 {
				// Break at the last space if the line has one: words stay whole.
				for i := n; i > 0; i-- {
					if i < len(runes) && runes[i] == ' ' {
						line, rest = runes[:i], runes[i+1:]
						break
					}
				}
			}
			out = append(out, string(line))
			runes = rest
		}
	}
	return out
}

// multiline writes text wrapped to width w (0: to the right margin), one
// line of height h after another from the current x, aligned L, C or R.
// It stands in for fpdf's MultiCell, which drops the character at each
// break inside a run of Chinese (王建国 printed as 王建).
func (d *pdfDoc) multiline(w, h float64, text, align string) {
	x := d.GetX()
	if w == 0 {
		pageW, _ := d.GetPageSize()
		_, _, right, _ := d.GetMargins()
		w = pageW - right - x
	}
	for _, line := range d.wrap(text, w-2*d.GetCellMargin()) {
		d.SetX(x)
		d.CellFormat(w, h, line, "", 1, align, false, 0, "")
	}
}
