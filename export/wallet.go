package export

import (
	"sort"
	"strings"

	"servicebook/continuity"
)

// Wallet cards: the call tree, the invocation criteria in two lines and the
// recovery site, on credit-card-sized panels (ISO/IEC 7810 ID-1, 85.6 × 54
// mm) with cut marks, to be cut out and carried.
const (
	cardW, cardH = 85.6, 54.0
	cardGap      = 2.5 // room for the cut marks between cards; two cards fit across A4 and Letter
)

// walletCards prints one card per plan, as many to a page as fit.
func (d *pdfDoc) walletCards(plans []BinderPlan) {
	d.appendix(plans, d.t("Wallet cards", "随身联络卡"))
	d.paragraph(d.t("Cut along the marks; keep the card with you.", "沿裁切线剪下，随身携带。"))
	top := d.GetY() + 2
	cols := int((d.contentWidth() + cardGap) / (cardW + cardGap))
	rows := int((d.pageBottom() - top + cardGap) / (cardH + cardGap))
	for i, b := range plans {
		slot := i % (cols * rows)
		if slot == 0 && i > 0 {
			d.AddPage()
			top = d.GetY() + 2
		}
		x := d.lMargin() + float64(slot%cols)*(cardW+cardGap)
		y := top + float64(slot/cols)*(cardH+cardGap)
		d.walletCard(b, x, y)
	}
}

func (d *pdfDoc) walletCard(b BinderPlan, x, y float64) {
	p := b.Plan
	d.cutMarks(x, y)
	d.SetDrawColor(200, 200, 200)
	d.Rect(x, y, cardW, cardH, "D")
	pad := 2.5
	width := cardW - 2*pad
	line := func(text string, style string, size float64, h float64, maxLines int) {
		d.SetFont(fontName, style, size)
		lines := d.wrap(text, width)
		if len(lines) > maxLines {
			lines = lines[:maxLines]
			last := []rune(lines[maxLines-1])
			if len(last) > 1 {
				lines[maxLines-1] = string(last[:len(last)-1]) + "…"
			}
		}
		for _, l := range lines {
			d.SetXY(x+pad, d.GetY())
			d.CellFormat(width, h, l, "", 1, "L", false, 0, "")
		}
	}
	d.SetXY(x+pad, y+pad)
	line(p.DocNumber+"  "+p.ServiceName, "B", 8, 3.8, 1)
	invocation := oneLine(p.Invocation)
	if invocation == "" {
		invocation = "—"
	}
	line(d.t("Invoke when: ", "启动条件：")+invocation, "", 6.5, 3, 2)
	if site := recoverySite(b.Steps); site != "" {
		line(d.t("Recovery site: ", "恢复场所：")+site, "", 6.5, 3, 1)
	}
	d.SetDrawColor(220, 220, 220)
	d.Line(x+pad, d.GetY()+0.6, x+cardW-pad, d.GetY()+0.6)
	d.SetY(d.GetY() + 1.2)
	for _, r := range b.Roles {
		if d.GetY() > y+cardH-pad-3 {
			break
		}
		// A number cut short is no use: the alternate goes on its own line.
		line(r.Role+": "+contactLine(r.Primary), "", 6.3, 2.9, 2)
		if r.Alternate != nil {
			line("    "+d.t("or ", "或 ")+contactLine(r.Alternate), "", 6.3, 2.9, 2)
		}
	}
}

// cutMarks draws short lines at the card's corners, outside it.
func (d *pdfDoc) cutMarks(x, y float64) {
	d.SetDrawColor(0, 0, 0)
	d.SetLineWidth(0.15)
	const m, gap = 1.5, 0.4 // short enough not to reach the next card
	for _, cx := range []float64{x, x + cardW} {
		for _, cy := range []float64{y, y + cardH} {
			dx, dy := -1.0, -1.0
			if cx > x {
				dx = 1
			}
			if cy > y {
				dy = 1
			}
			d.Line(cx+dx*gap, cy, cx+dx*(gap+m), cy)
			d.Line(cx, cy+dy*gap, cx, cy+dy*(gap+m))
		}
	}
	d.SetLineWidth(0.2)
}

// recoverySite is where most recovery-phase steps are carried out.
func recoverySite(steps []continuity.PlanStep) string {
	count := map[string]int{}
	for _, s := range steps {
		if s.Phase == continuity.Recovery && strings.TrimSpace(s.Location) != "" {
			count[strings.TrimSpace(s.Location)]++
		}
	}
	sites := make([]string, 0, len(count))
	for s := range count {
		sites = append(sites, s)
	}
	sort.Slice(sites, func(i, j int) bool {
		if count[sites[i]] != count[sites[j]] {
			return count[sites[i]] > count[sites[j]]
		}
		return sites[i] < sites[j]
	})
	if len(sites) == 0 {
		return ""
	}
	return sites[0]
}

func contactLine(c *continuity.Contact) string {
	if c == nil {
		return "—"
	}
	phone := c.Mobile
	if phone == "" {
		phone = c.Phone
	}
	return strings.TrimSpace(c.Name + " " + phone)
}

func oneLine(text string) string {
	return strings.Join(strings.Fields(text), " ")
}
