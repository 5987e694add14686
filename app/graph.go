package app

import (
	"image/color"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"servicebook/cmdb"
)

// Graph drawing sizes, in Fyne units.
const (
	graphColumn = 270 // distance between depth columns
	graphRow    = 36  // distance between nodes in a column
	graphBoxW   = 244
	graphBoxH   = 28
	graphMax    = 60 // services drawn at most; the tree lists all
)

// impactGraph draws an impact report as columns by depth: the failed CIs on
// the left, each CI joined by a line to the CI it was reached from, services
// highlighted. Only the paths to the first graphMax services are drawn, so
// that the picture stays readable on a 100k-CI CMDB.
func impactGraph(rep cmdb.ImpactReport) fyne.CanvasObject {
	type node struct {
		ref, name string
		depth     int
		parent    string
		service   bool
		row       int
	}
	nodes := map[string]*node{}
	add := func(ref, name string, depth int, parent string, service bool) {
		if n, ok := nodes[ref]; ok {
			n.service = n.service || service
			return
		}
		nodes[ref] = &node{ref: ref, name: name, depth: depth, parent: parent, service: service}
	}
	for _, s := range rep.Start {
		add(s.Ref, s.Name, 0, "", false)
	}
	drawn := 0
	for _, it := range rep.Items {
		if it.IsService {
			if drawn == graphMax {
				continue
			}
			drawn++
		} else if drawn > 0 || len(rep.Services()) > 0 {
			continue // with services to show, other CIs appear only on their paths
		} else if len(nodes) > graphMax {
			break
		}
		for i, step := range it.Path {
			parent := ""
			if i > 0 {
				parent = it.Path[i-1].Ref
			}
			add(step.Ref, step.Name, i, parent, i == len(it.Path)-1 && it.IsService)
		}
	}
	// Rows within each column, ordered by parent row so that lines cross
	// less, then by reference.
	byDepth := map[int][]*node{}
	maxDepth := 0
	for _, n := range nodes {
		byDepth[n.depth] = append(byDepth[n.depth], n)
		maxDepth = max(maxDepth, n.depth)
	}
	maxRows := 0
	for d := 0; d <= maxDepth; d++ {
		col := byDepth[d]
		sort.Slice(col, func(i, j int) bool {
			pi, pj := -1, -1
			if p := nodes[col[i].parent]; p != nil {
				pi = p.row
			}
			if p := nodes[col[j].parent]; p != nil {
				pj = p.row
			}
			if pi != pj {
				return pi < pj
			}
			return col[i].ref < col[j].ref
		})
		for r, n := range col {
			n.row = r
		}
		maxRows = max(maxRows, len(col))
	}
	pos := func(n *node) fyne.Position {
		return fyne.NewPos(float32(10+n.depth*graphColumn), float32(10+n.row*graphRow))
	}
	var objects []fyne.CanvasObject
	lineColor := theme.Color(theme.ColorNameDisabled)
	for _, n := range nodes {
		if p := nodes[n.parent]; p != nil {
			from, to := pos(p), pos(n)
			l := canvas.NewLine(lineColor)
			l.StrokeWidth = 1.5
			l.Position1 = fyne.NewPos(from.X+graphBoxW, from.Y+graphBoxH/2)
			l.Position2 = fyne.NewPos(to.X, to.Y+graphBoxH/2)
			objects = append(objects, l)
		}
	}
	for _, n := range nodes {
		fill := theme.Color(theme.ColorNameInputBackground)
		if n.service {
			fill = theme.Color(theme.ColorNamePrimary)
		}
		if n.depth == 0 {
			fill = theme.Color(theme.ColorNameError)
		}
		box := canvas.NewRectangle(fill)
		box.CornerRadius = 4
		box.StrokeColor = lineColor
		box.StrokeWidth = 1
		box.Move(pos(n))
		box.Resize(fyne.NewSize(graphBoxW, graphBoxH))
		textSize := theme.TextSize() * 0.85
		// Cut to the box, "…" marking the cut: the tree beside lists
		// every name whole.
		text := canvas.NewText(fitText(n.ref+"  "+n.name, textSize, graphBoxW-12), theme.Color(theme.ColorNameForeground))
		if n.service || n.depth == 0 {
			text.Color = color.White
		}
		text.TextSize = textSize
		text.Move(pos(n).Add(fyne.NewPos(6, 5)))
		text.Resize(fyne.NewSize(graphBoxW-12, graphBoxH-10))
		objects = append(objects, box, text)
	}
	size := fyne.NewSize(float32(20+(maxDepth+1)*graphColumn), float32(20+maxRows*graphRow))
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(size)
	return container.NewScroll(container.NewStack(spacer, container.NewWithoutLayout(objects...)))
}

// fitText is text cut (with "…") to fit width at size.
func fitText(text string, size, width float32) string {
	if fyne.MeasureText(text, size, fyne.TextStyle{}).Width <= width {
		return text
	}
	runes := []rune(text)
	for n := len(runes) - 1; n > 0; n-- {
		cut := string(runes[:n]) + "…"
		if fyne.MeasureText(cut, size, fyne.TextStyle{}).Width <= width {
			return cut
		}
	}
	return "…"
}
