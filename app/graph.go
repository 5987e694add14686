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
	g := &graphLayout{maxDepth: maxDepth, maxRows: maxRows}
	lineColor := theme.Color(theme.ColorNameDisabled)
	shapes := map[*node]*graphNode{}
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
		text := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		if n.service || n.depth == 0 {
			text.Color = color.White
		}
		text.TextSize = theme.TextSize() * 0.85
		gn := &graphNode{depth: n.depth, row: n.row, service: n.service, ref: n.ref, label: n.ref + "  " + n.name, box: box, text: text}
		shapes[n] = gn
		g.nodes = append(g.nodes, gn)
	}
	var objects []fyne.CanvasObject
	for _, n := range nodes {
		if p := nodes[n.parent]; p != nil {
			l := canvas.NewLine(lineColor)
			l.StrokeWidth = 1.5
			g.lines = append(g.lines, graphLine{from: shapes[p], to: shapes[n], line: l})
			objects = append(objects, l)
		}
	}
	for _, gn := range g.nodes {
		objects = append(objects, gn.box, gn.text)
	}
	return container.NewScroll(container.New(g, objects...))
}

// graphNode is one CI's box in the impact graph.
type graphNode struct {
	depth, row int
	service    bool
	ref        string
	label      string // the whole "REF  name", cut to the box when drawn
	box        *canvas.Rectangle
	text       *canvas.Text
}

type graphLine struct {
	from, to *graphNode
	line     *canvas.Line
}

// graphLayout places the graph's columns across the width it is given, so
// that the services — the answer — are in view without scrolling: a column
// holding a service keeps a box wide enough for its name (or, on a narrow
// window, for the start of it), and the columns
// between the failed CI and the services narrow (their names cut, "…", the
// tree listing them whole) down to their references before the graph scrolls
// sideways.
type graphLayout struct {
	nodes             []*graphNode
	lines             []graphLine
	maxDepth, maxRows int
	narrow            float32 // narrowest(), once measured
}

// graphServiceMin is the narrowest column holding a service: its box shows
// the reference and the start of the name.
const graphServiceMin = 150

// narrowest is the narrowest a column may be: its boxes still show their
// references whole.
func (g *graphLayout) narrowest() float32 {
	if g.narrow > 0 {
		return g.narrow
	}
	for _, n := range g.nodes {
		size := n.text.TextSize
		if size == 0 {
			size = theme.TextSize() * 0.85
		}
		g.narrow = max(g.narrow, fyne.MeasureText(n.ref+" …", size, fyne.TextStyle{}).Width)
	}
	g.narrow += 12 + graphColumn - graphBoxW
	return g.narrow
}

// columns is each depth's left edge and box width at width.
func (g *graphLayout) columns(width float32) (left, box []float32) {
	services, wide := g.serviceColumns()
	narrow := len(services) - wide
	avail := width - 20
	narrowPitch, widePitch := float32(graphColumn), float32(graphColumn)
	if float32(len(services))*graphColumn > avail {
		if narrow > 0 {
			narrowPitch = max(g.narrowest(), min(graphColumn, (avail-float32(wide)*graphColumn)/float32(narrow)))
		}
		if wide > 0 {
			widePitch = max(graphServiceMin, min(graphColumn, (avail-float32(narrow)*narrowPitch)/float32(wide)))
		}
	}
	x := float32(10)
	for _, s := range services {
		pitch := narrowPitch
		if s {
			pitch = widePitch
		}
		left = append(left, x)
		box = append(box, pitch-(graphColumn-graphBoxW))
		x += pitch
	}
	return left, box
}

func (g *graphLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	left, boxW := g.columns(size.Width)
	pos := func(n *graphNode) fyne.Position {
		return fyne.NewPos(left[n.depth], float32(10+n.row*graphRow))
	}
	for _, n := range g.nodes {
		w := boxW[n.depth]
		n.box.Move(pos(n))
		n.box.Resize(fyne.NewSize(w, graphBoxH))
		n.text.Text = fitText(n.label, n.text.TextSize, w-12)
		n.text.Move(pos(n).Add(fyne.NewPos(6, 5)))
		n.text.Resize(fyne.NewSize(w-12, graphBoxH-10))
		n.text.Refresh()
	}
	for _, l := range g.lines {
		from, to := pos(l.from), pos(l.to)
		l.line.Position1 = fyne.NewPos(from.X+boxW[l.from.depth], from.Y+graphBoxH/2)
		l.line.Position2 = fyne.NewPos(to.X, to.Y+graphBoxH/2)
		l.line.Refresh()
	}
}

// serviceColumns says which depths hold a service, and how many do.
func (g *graphLayout) serviceColumns() (services []bool, count int) {
	services = make([]bool, g.maxDepth+1)
	for _, n := range g.nodes {
		if n.service && !services[n.depth] {
			services[n.depth] = true
			count++
		}
	}
	return services, count
}

// MinSize has room for the start of every service's name and a reference
// in every other box.
func (g *graphLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	services, wide := g.serviceColumns()
	width := 20 + float32(wide)*graphServiceMin + float32(len(services)-wide)*g.narrowest()
	return fyne.NewSize(width, float32(20+g.maxRows*graphRow))
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
