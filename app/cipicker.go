package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
)

// pickerMatches is how many matches the picker lists under its entry.
const pickerMatches = 8

// ciPicker is where the window asks for a CI: an entry that searches as it
// is typed — reference, name, owner, location — and lists the matches
// under it to tap. A person types "bj-backup" or "核心数据库", not a
// reference they would have to look up. Enter takes the match when there
// is one obvious CI.
type ciPicker struct {
	ui    *UI
	entry *widget.Entry
	// services, when set, lists business and IT services only.
	services bool
	matches  []cmdb.CI
	chosen   *cmdb.CI // the CI tapped in the list, while the entry shows it
	list     *widget.List
	popup    *widget.PopUp
	// OnSubmitted is called with the CI's reference when Enter is pressed
	// on an entry that names one CI — and, with submitOnChoose, when a CI
	// is tapped in the list.
	OnSubmitted    func(ref string)
	submitOnChoose bool
	// refOnly puts only the reference in the entry when a CI is tapped,
	// for a field that reads the entry's text as a reference or a name.
	refOnly bool
	// suggest, when set, says whether to list matches now (a field that
	// also takes other things, such as a pool's name, turns them off).
	suggest func() bool
	// serviceTypes are the type keys of services, read once per picker
	// rather than on every key typed.
	serviceTypes map[string]bool
}

func newCIPicker(ui *UI, placeholder string, services bool) *ciPicker {
	p := &ciPicker{ui: ui, entry: widget.NewEntry(), services: services}
	p.entry.SetPlaceHolder(placeholder)
	p.entry.OnChanged = p.search
	p.entry.OnSubmitted = func(string) {
		p.hide()
		if p.OnSubmitted == nil {
			return
		}
		ref, err := p.Ref()
		if err != nil {
			ui.showError(err)
			return
		}
		p.OnSubmitted(ref)
	}
	p.list = widget.NewList(
		func() int { return len(p.matches) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(pickerLabel(p.matches[i])) },
	)
	p.list.OnSelected = func(i widget.ListItemID) {
		if i < len(p.matches) {
			p.choose(p.matches[i])
		}
		p.list.UnselectAll()
	}
	return p
}

// pickerLabel is how a CI reads in the list: reference, name, and where
// to tell two alike apart, owner and location.
func pickerLabel(c cmdb.CI) string {
	label := c.Ref + "  " + c.Name
	var more []string
	for _, v := range []string{c.Owner, c.Location} {
		if strings.TrimSpace(v) != "" {
			more = append(more, v)
		}
	}
	if len(more) > 0 {
		label += "  — " + strings.Join(more, ", ")
	}
	return label
}

// SetText puts a CI's reference (or any text) in the entry without
// opening the list.
func (p *ciPicker) SetText(text string) {
	onChanged := p.entry.OnChanged
	p.entry.OnChanged = nil
	p.entry.SetText(text)
	p.entry.OnChanged = onChanged
	p.chosen = nil
}

// Text is what the entry holds.
func (p *ciPicker) Text() string { return p.entry.Text }

func (p *ciPicker) choose(c cmdb.CI) {
	p.SetText(c.Ref + "  " + c.Name)
	if p.refOnly {
		p.SetText(c.Ref)
	}
	chosen := c
	p.chosen = &chosen
	p.hide()
	p.ui.win.Canvas().Focus(p.entry)
	if p.submitOnChoose && p.OnSubmitted != nil {
		p.OnSubmitted(c.Ref)
	}
}

// find returns the CIs matching text, services only where asked.
func (p *ciPicker) find(text string, limit int) ([]cmdb.CI, error) {
	found, err := p.ui.store.CMDB.SearchFiltered(p.ui.ctx, text, cmdb.Filter{Limit: limit * 4})
	if err != nil || !p.services {
		return found[:min(limit, len(found))], err
	}
	if p.serviceTypes == nil {
		types, err := p.ui.store.CMDB.Types(p.ui.ctx)
		if err != nil {
			return nil, err
		}
		p.serviceTypes = map[string]bool{}
		for _, t := range types {
			p.serviceTypes[t.Key] = t.IsService
		}
	}
	out := found[:0]
	for _, c := range found {
		if p.serviceTypes[c.TypeKey] && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

// search lists the matches of what has been typed under the entry.
func (p *ciPicker) search(text string) {
	p.chosen = nil
	text = strings.TrimSpace(text)
	if text == "" || (p.suggest != nil && !p.suggest()) {
		p.matches = nil
		p.hide()
		return
	}
	matches, err := p.find(text, pickerMatches)
	if err != nil {
		p.matches = nil
		p.hide()
		return
	}
	p.matches = matches
	p.list.Refresh()
	if len(matches) == 0 {
		p.hide()
		return
	}
	p.show()
}

func (p *ciPicker) show() {
	canvas := p.ui.win.Canvas()
	if p.popup == nil {
		p.popup = widget.NewPopUp(p.list, canvas)
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.entry)
	size := p.entry.Size()
	rowH := p.list.MinSize().Height
	if rowH <= 0 {
		rowH = 36
	}
	height := min(float32(len(p.matches))*rowH, float32(pickerMatches)*rowH)
	// Above the entry when there is no room under it (a form at the
	// bottom of the window).
	y := pos.Y + size.Height
	if y+height > canvas.Size().Height && pos.Y-height > 0 {
		y = pos.Y - height
	}
	p.popup.Resize(fyne.NewSize(max(size.Width, 560), height))
	p.popup.ShowAtPosition(fyne.NewPos(pos.X, y))
	// The list is an overlay: the keys still go to the entry.
	canvas.Focus(p.entry)
}

func (p *ciPicker) hide() {
	if p.popup != nil {
		p.popup.Hide()
	}
}

// Ref is the reference of the CI the entry names: the one tapped in the
// list, a reference typed, or the one CI the text matches (or the one
// whose name it is). Anything else is an error that says what to do.
func (p *ciPicker) Ref() (string, error) {
	text := strings.TrimSpace(p.entry.Text)
	if p.chosen != nil && text == strings.TrimSpace(p.chosen.Ref+"  "+p.chosen.Name) {
		return p.chosen.Ref, nil
	}
	if text == "" {
		return "", fmt.Errorf("%s", tr("Choose a CI: type part of its reference, name, owner or location."))
	}
	if ref := cmdb.NormalizeRef(strings.Fields(text)[0]); cmdb.IsRef(ref) {
		if _, err := p.ui.store.CMDB.CI(p.ui.ctx, ref); err == nil {
			return ref, nil
		}
	}
	matches, err := p.find(text, 20)
	if err != nil {
		return "", err
	}
	for _, c := range matches {
		if strings.EqualFold(c.Name, text) {
			return c.Ref, nil
		}
	}
	switch len(matches) {
	case 0:
		return "", fmt.Errorf("%s", trf("No CI matches “{{.Text}}”.", map[string]any{"Text": text}))
	case 1:
		return matches[0].Ref, nil
	}
	return "", fmt.Errorf("%s", trf("{{.Count}} CIs match “{{.Text}}”: choose one from the list.", map[string]any{"Count": len(matches), "Text": text}))
}
