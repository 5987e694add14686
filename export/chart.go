package export

import (
	"math"
	"strconv"
)

// Charts are drawn with the PDF's own lines and rectangles, not as
// pictures: they print sharp at any size, weigh little, and their labels
// are text a reader can search and copy.

// rgb is a colour.
type rgb [3]int

var (
	chartBlue  = rgb{70, 110, 170}
	chartGrey  = rgb{170, 170, 170}
	chartGreen = rgb{80, 150, 90}
	chartRed   = rgb{200, 70, 60}
	chartAmber = rgb{220, 150, 40}
)

// series is one set of values on a chart, with its legend label.
type series struct {
	label  string
	values []float64
	colour rgb
	// missing marks values not to draw (a month not yet closed): the
	// future is not drawn as if it were known.
	missing []bool
}

func (s series) has(i int) bool { return i < len(s.values) && (s.missing == nil || !s.missing[i]) }

// niceScale returns a lower and upper bound around lo..hi and a tick step
// of 1, 2 or 5 times a power of ten, about five ticks.
func niceScale(lo, hi float64) (float64, float64, float64) {
	if hi <= lo { // one value: a scale that ends at it (100%) or starts at it (0)
		if lo == 0 {
			hi = 1
		} else {
			lo = hi - 1
		}
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step, step
}

// ticks are the values from lo to hi by step, each the nearest float to
// its decimal (99.9, not 99.90000000000001), so labels print clean.
func ticks(lo, hi, step float64) []float64 {
	decimals := max(0, int(-math.Floor(math.Log10(step))))
	var out []float64
	for i := 0; ; i++ {
		v := lo + float64(i)*step
		if v > hi+step/2 {
			return out
		}
		clean, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', decimals, 64), 64)
		out = append(out, clean)
	}
}

// chartFrame draws the value axis with gridlines and tick labels for a
// chart at x, y of w × h and returns the function placing a value.
func (d *pdfDoc) chartFrame(x, y, w, h, lo, hi, step float64, label func(float64) string) func(float64) float64 {
	place := func(v float64) float64 { return y + h - (v-lo)/(hi-lo)*h }
	d.SetFont(fontName, "", 7)
	d.SetLineWidth(0.1)
	for _, v := range ticks(lo, hi, step) {
		py := place(v)
		d.SetDrawColor(225, 225, 225)
		d.Line(x, py, x+w, py)
		d.SetTextColor(90, 90, 90)
		text := label(v)
		d.Text(x-1.5-d.GetStringWidth(text), py+1.2, text)
	}
	d.SetDrawColor(120, 120, 120)
	d.Line(x, y, x, y+h)
	d.Line(x, y+h, x+w, y+h)
	d.SetTextColor(0, 0, 0)
	return place
}

// columnChart draws bars (grouped per category) and lines over the same
// categories, with the value axis from the data (from zero when there are
// bars, which must start there; around the data for lines alone, so that
// 99.9 and 99.5 are told apart), category labels under them and a legend.
// It takes h plus the legend's height from the current position and moves
// below it.
func (d *pdfDoc) columnChart(h float64, categories []string, bars, lines []series, label func(float64) string) {
	left := d.lMargin() + 16
	w := d.contentWidth() - 16
	if d.GetY()+h+14 > d.pageBottom() {
		d.AddPage()
	}
	y := d.GetY() + 2
	lo, hi := math.Inf(1), math.Inf(-1)
	if len(bars) > 0 {
		lo, hi = 0, 0
	}
	for _, s := range append(append([]series{}, bars...), lines...) {
		for i, v := range s.values {
			if s.has(i) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	lo, hi, step := niceScale(lo, hi)
	place := d.chartFrame(left, y, w, h, lo, hi, step, label)
	slot := w / float64(max(len(categories), 1))
	barW := slot * 0.7 / float64(max(len(bars), 1))
	for c := range categories {
		for b, s := range bars {
			if !s.has(c) {
				continue
			}
			bx := left + float64(c)*slot + slot*0.15 + float64(b)*barW
			top, bottom := place(math.Max(s.values[c], 0)), place(math.Min(s.values[c], 0))
			d.SetFillColor(s.colour[0], s.colour[1], s.colour[2])
			d.Rect(bx, top, barW, bottom-top, "F")
		}
	}
	for _, s := range lines {
		d.SetDrawColor(s.colour[0], s.colour[1], s.colour[2])
		d.SetLineWidth(0.5)
		prevX, prevY, have := 0.0, 0.0, false
		for c := range categories {
			if !s.has(c) {
				have = false
				continue
			}
			px, py := left+(float64(c)+0.5)*slot, place(s.values[c])
			if have {
				d.Line(prevX, prevY, px, py)
			}
			d.SetFillColor(s.colour[0], s.colour[1], s.colour[2])
			d.Circle(px, py, 0.7, "F")
			prevX, prevY, have = px, py, true
		}
	}
	d.SetLineWidth(0.2)
	d.SetFont(fontName, "", 7)
	for c, name := range categories {
		d.Text(left+(float64(c)+0.5)*slot-d.GetStringWidth(name)/2, y+h+3.5, name)
	}
	d.legend(left, y+h+7, append(append([]series{}, bars...), lines...))
	d.SetY(y + h + 12)
}

// legend writes a colour key for each series in a row from x, y.
func (d *pdfDoc) legend(x, y float64, all []series) {
	d.SetFont(fontName, "", 7.5)
	for _, s := range all {
		d.SetFillColor(s.colour[0], s.colour[1], s.colour[2])
		d.Rect(x, y-2.2, 3, 2.4, "F")
		d.Text(x+4, y, s.label)
		x += 4 + d.GetStringWidth(s.label) + 6
	}
}

// targetBars draws one horizontal bar per item from lo to its value, with
// the item's target as a tick: green when the value meets the target,
// red when not. It moves below the chart.
func (d *pdfDoc) targetBars(labels []string, values, targets []float64, lo, hi float64, label, valueLabel func(float64) string) {
	rowH := 6.0
	labelW := 46.0
	left := d.lMargin() + labelW
	w := d.contentWidth() - labelW - 14
	h := rowH * float64(len(labels))
	if d.GetY()+h+10 > d.pageBottom() {
		d.AddPage()
	}
	y := d.GetY() + 2
	place := func(v float64) float64 { return left + (math.Max(lo, math.Min(v, hi))-lo)/(hi-lo)*w }
	_, _, step := niceScale(lo, hi)
	d.SetFont(fontName, "", 7)
	d.SetLineWidth(0.1)
	for _, v := range ticks(lo, hi, step) {
		px := place(v)
		d.SetDrawColor(225, 225, 225)
		d.Line(px, y, px, y+h)
		d.SetTextColor(90, 90, 90)
		text := label(v)
		d.Text(px-d.GetStringWidth(text)/2, y+h+3.5, text)
	}
	d.SetTextColor(0, 0, 0)
	for i, name := range labels {
		ry := y + float64(i)*rowH
		d.SetFont(fontName, "", 8)
		lines := d.wrap(name, labelW-2)
		d.Text(d.lMargin(), ry+rowH/2+1.2, lines[0])
		colour := chartGreen
		if values[i] < targets[i] {
			colour = chartRed
		}
		d.SetFillColor(colour[0], colour[1], colour[2])
		d.Rect(left, ry+1, place(values[i])-left, rowH-2, "F")
		d.SetDrawColor(0, 0, 0)
		d.SetLineWidth(0.5)
		tx := place(targets[i])
		d.Line(tx, ry+0.3, tx, ry+rowH-0.3)
		d.SetFont(fontName, "", 7)
		d.Text(place(values[i])+1.2, ry+rowH/2+1.2, valueLabel(values[i]))
	}
	d.SetLineWidth(0.2)
	d.SetY(y + h + 7)
}
