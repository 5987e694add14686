package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// splitPane is two panes side by side (horizontal) or one above the other,
// with a divider the user drags. It does what Fyne's container.Split does,
// with a divider that looks like one: Fyne draws its handle as a short bar
// in the text colour, which users took for a text cursor (issue 11). Here
// the divider is a thin rule with a three-dot grip, lit while the pointer
// is over it.
type splitPane struct {
	widget.BaseWidget
	horizontal        bool
	offset            float64 // the leading pane's share of the room, 0…1
	leading, trailing fyne.CanvasObject
	divider           *splitDivider
	onMoved           func(offset float64) // at the end of a drag
}

func newHSplit(leading, trailing fyne.CanvasObject, offset float64) *splitPane {
	return newSplit(true, leading, trailing, offset)
}

func newVSplit(leading, trailing fyne.CanvasObject, offset float64) *splitPane {
	return newSplit(false, leading, trailing, offset)
}

func newSplit(horizontal bool, leading, trailing fyne.CanvasObject, offset float64) *splitPane {
	s := &splitPane{horizontal: horizontal, offset: offset, leading: leading, trailing: trailing}
	s.divider = &splitDivider{split: s}
	s.divider.ExtendBaseWidget(s.divider)
	s.ExtendBaseWidget(s)
	return s
}

// setOffset moves the divider: offset is the leading pane's share.
func (s *splitPane) setOffset(offset float64) {
	s.offset = min(1, max(0, offset))
	s.Refresh()
}

func (s *splitPane) CreateRenderer() fyne.WidgetRenderer {
	return &splitRenderer{s: s}
}

// thickness is the divider's thickness across the split.
func (s *splitPane) thickness() float32 { return s.Theme().Size(theme.SizeNamePadding) * 2 }

// along is the length of size in the split's direction.
func (s *splitPane) along(size fyne.Size) float32 {
	if s.horizontal {
		return size.Width
	}
	return size.Height
}

type splitRenderer struct{ s *splitPane }

func (r *splitRenderer) Destroy() {}

func (r *splitRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.s.leading, r.s.divider, r.s.trailing}
}

// lengths is the room each pane gets along the split: the offset's share,
// moved as little as needed for both panes to have their minimum.
func (r *splitRenderer) lengths(total float32) (lead, trail float32) {
	s := r.s
	room := total - s.thickness()
	if room <= 0 {
		return 0, 0
	}
	leadMin, trailMin := s.along(s.leading.MinSize()), s.along(s.trailing.MinSize())
	if leadMin+trailMin > room {
		lead = room * leadMin / (leadMin + trailMin)
		return lead, room - lead
	}
	lead = min(max(float32(s.offset)*room, leadMin), room-trailMin)
	return lead, room - lead
}

func (r *splitRenderer) Layout(size fyne.Size) {
	s := r.s
	lead, trail := r.lengths(s.along(size))
	t := s.thickness()
	if s.horizontal {
		s.leading.Move(fyne.NewPos(0, 0))
		s.leading.Resize(fyne.NewSize(lead, size.Height))
		s.divider.Move(fyne.NewPos(lead, 0))
		s.divider.Resize(fyne.NewSize(t, size.Height))
		s.trailing.Move(fyne.NewPos(lead+t, 0))
		s.trailing.Resize(fyne.NewSize(trail, size.Height))
		return
	}
	s.leading.Move(fyne.NewPos(0, 0))
	s.leading.Resize(fyne.NewSize(size.Width, lead))
	s.divider.Move(fyne.NewPos(0, lead))
	s.divider.Resize(fyne.NewSize(size.Width, t))
	s.trailing.Move(fyne.NewPos(0, lead+t))
	s.trailing.Resize(fyne.NewSize(size.Width, trail))
}

func (r *splitRenderer) MinSize() fyne.Size {
	s := r.s
	l, t := s.leading.MinSize(), s.trailing.MinSize()
	if s.horizontal {
		return fyne.NewSize(l.Width+s.thickness()+t.Width, max(l.Height, t.Height))
	}
	return fyne.NewSize(max(l.Width, t.Width), l.Height+s.thickness()+t.Height)
}

func (r *splitRenderer) Refresh() {
	r.Layout(r.s.Size())
	r.s.leading.Refresh()
	r.s.divider.Refresh()
	r.s.trailing.Refresh()
}

// splitDivider is the bar between the panes: drag it to share the room
// differently.
type splitDivider struct {
	widget.BaseWidget
	split    *splitPane
	hovered  bool
	dragging bool
	dragged  float32 // how far the pointer has moved along the split in this drag
	start    float32 // the leading pane's length when the drag began
}

var (
	_ fyne.Draggable     = (*splitDivider)(nil)
	_ desktop.Cursorable = (*splitDivider)(nil)
	_ desktop.Hoverable  = (*splitDivider)(nil)
)

func (d *splitDivider) Cursor() desktop.Cursor {
	if d.split.horizontal {
		return desktop.HResizeCursor
	}
	return desktop.VResizeCursor
}

func (d *splitDivider) Dragged(e *fyne.DragEvent) {
	s := d.split
	if !d.dragging {
		d.dragging, d.dragged, d.start = true, 0, s.along(s.leading.Size())
	}
	if s.horizontal {
		d.dragged += e.Dragged.DX
	} else {
		d.dragged += e.Dragged.DY
	}
	room := s.along(s.Size()) - s.thickness()
	if room > 0 {
		s.setOffset(float64((d.start + d.dragged) / room))
	}
}

func (d *splitDivider) DragEnd() {
	d.dragging = false
	if d.split.onMoved != nil {
		d.split.onMoved(d.split.offset)
	}
}

func (d *splitDivider) MouseIn(*desktop.MouseEvent) { d.hovered = true; d.Refresh() }

func (d *splitDivider) MouseMoved(*desktop.MouseEvent) {}

func (d *splitDivider) MouseOut() { d.hovered = false; d.Refresh() }

func (d *splitDivider) CreateRenderer() fyne.WidgetRenderer {
	r := &dividerRenderer{d: d, background: canvas.NewRectangle(nil), rule: canvas.NewRectangle(nil)}
	for i := range r.grip {
		r.grip[i] = canvas.NewCircle(nil)
	}
	r.Refresh()
	return r
}

type dividerRenderer struct {
	d          *splitDivider
	background *canvas.Rectangle // lit while hovered
	rule       *canvas.Rectangle // a hairline along the divider
	grip       [3]*canvas.Circle // three dots in the middle: "drag here"
}

func (r *dividerRenderer) Destroy() {}

func (r *dividerRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.background, r.rule, r.grip[0], r.grip[1], r.grip[2]}
}

func (r *dividerRenderer) MinSize() fyne.Size {
	t := r.d.split.thickness()
	return fyne.NewSize(t, t)
}

func (r *dividerRenderer) Layout(size fyne.Size) {
	r.background.Resize(size)
	const dot, gap = 3, 4
	mid := fyne.NewPos(size.Width/2, size.Height/2)
	if r.d.split.horizontal {
		r.rule.Move(fyne.NewPos(mid.X-0.5, 0))
		r.rule.Resize(fyne.NewSize(1, size.Height))
	} else {
		r.rule.Move(fyne.NewPos(0, mid.Y-0.5))
		r.rule.Resize(fyne.NewSize(size.Width, 1))
	}
	for i, c := range r.grip {
		step := float32(i-1) * (dot + gap)
		at := mid.Add(fyne.NewPos(-dot/2, -dot/2))
		if r.d.split.horizontal {
			at.Y += step
		} else {
			at.X += step
		}
		c.Move(at)
		c.Resize(fyne.NewSize(dot, dot))
	}
}

func (r *dividerRenderer) Refresh() {
	th := r.d.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.background.FillColor = th.Color(theme.ColorNameBackground, v)
	if r.d.hovered {
		r.background.FillColor = th.Color(theme.ColorNameHover, v)
	}
	r.rule.FillColor = th.Color(theme.ColorNameSeparator, v)
	for _, c := range r.grip {
		c.FillColor = th.Color(theme.ColorNamePlaceHolder, v)
	}
	r.Layout(r.d.Size())
	r.background.Refresh()
	r.rule.Refresh()
	for _, c := range r.grip {
		c.Refresh()
	}
}
