package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
	"servicebook/store"
)

// typesScreen defines CI types and their attributes.
type typesScreen struct {
	ui       *UI
	types    []cmdb.Type
	selected int       // index into types; -1 for a new type
	draft    cmdb.Type // the type being edited
	problems []string  // problems from the last save
	list     *widget.List
	save     *widget.Button
	remove   *widget.Button
	inputs   map[string]*widget.Entry
}

func newTypesScreen(ui *UI) *typesScreen { return &typesScreen{ui: ui, selected: -2} }

func (s *typesScreen) title() string { return tr("CI types") }

func (s *typesScreen) reload() {
	var err error
	if s.types, err = s.ui.store.CMDB.Types(s.ui.ctx); err != nil {
		s.ui.showError(err)
	}
}

func (s *typesScreen) view() fyne.CanvasObject {
	if s.types == nil {
		s.reload()
	}
	s.list = widget.NewList(
		func() int { return len(s.types) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			t := s.types[i]
			text := typeName(t) + "  (" + t.Key + ")"
			if t.IsService {
				text = "★ " + text
			}
			o.(*widget.Label).SetText(text)
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		if i != s.selected {
			s.edit(i)
		}
	}
	if s.selected >= 0 {
		s.list.Select(s.selected)
	}
	newBtn := &widget.Button{Text: tr("New type"), Icon: theme.ContentAddIcon(), OnTapped: s.onNew}
	left := container.NewBorder(nil, newBtn, nil, nil, s.list)
	split := newHSplit(left, s.form(), 0.28)
	s.ui.keepSplit("types", split)
	return split
}

func (s *typesScreen) edit(i int) {
	s.selected = i
	s.draft = s.types[i]
	s.draft.Attributes = append([]cmdb.AttrDef(nil), s.types[i].Attributes...)
	s.problems = nil
	s.ui.show(s.ui.current)
}

func (s *typesScreen) onNew() {
	s.selected = -1
	s.draft = cmdb.Type{}
	s.problems = nil
	s.ui.show(s.ui.current)
}

func (s *typesScreen) form() fyne.CanvasObject {
	if s.selected == -2 {
		return container.NewCenter(widget.NewLabel(tr("Select a type, or add a new one.")))
	}
	d := &s.draft
	s.inputs = map[string]*widget.Entry{}
	entry := func(id, value string, set func(string)) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(value)
		e.OnChanged = set
		s.inputs[id] = e
		return e
	}
	key := entry("key", d.Key, func(v string) { d.Key = strings.TrimSpace(v) })
	if d.Builtin {
		key.Disable()
	}
	service := widget.NewCheck(tr("CIs of this type are services (impact analysis reports them)"), func(b bool) { d.IsService = b })
	service.SetChecked(d.IsService)
	head := widget.NewForm(
		widget.NewFormItem(tr("Key"), key),
		widget.NewFormItem(tr("Name"), entry("name", d.Name, func(v string) { d.Name = v })),
		widget.NewFormItem(tr("Chinese name"), entry("name_zh", d.NameZh, func(v string) { d.NameZh = v })),
		widget.NewFormItem(tr("Description"), entry("description", d.Description, func(v string) { d.Description = v })),
		widget.NewFormItem("", service),
	)
	kinds := make([]string, len(cmdb.AttrKinds))
	for i, k := range cmdb.AttrKinds {
		kinds[i] = string(k)
	}
	rows := container.NewVBox(container.NewGridWithColumns(6,
		bold(tr("Key")), bold(tr("Name")), bold(tr("Chinese name")), bold(tr("Value type")), bold(tr("Choices (a|b|c)")), bold(tr("Required"))))
	for i := range d.Attributes {
		a := &d.Attributes[i]
		idx := i
		kind := newSelect(kinds, func(v string) { a.Kind = cmdb.AttrKind(v) })
		kind.SetSelected(string(a.Kind))
		req := widget.NewCheck("", func(b bool) { a.Required = b })
		req.SetChecked(a.Required)
		remove := &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() {
			d.Attributes = append(d.Attributes[:idx], d.Attributes[idx+1:]...)
			s.ui.show(s.ui.current)
		}}
		rows.Add(container.NewGridWithColumns(6,
			entry("attr.key."+a.Key, a.Key, func(v string) { a.Key = strings.TrimSpace(v) }),
			entry("attr.name."+a.Key, a.Name, func(v string) { a.Name = v }),
			entry("attr.name_zh."+a.Key, a.NameZh, func(v string) { a.NameZh = v }),
			kind,
			entry("attr.choices."+a.Key, strings.Join(a.Choices, "|"), func(v string) { a.Choices = splitChoices(v) }),
			container.NewBorder(nil, nil, req, remove)))
	}
	addAttr := &widget.Button{Text: tr("Add attribute"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		d.Attributes = append(d.Attributes, cmdb.AttrDef{Kind: cmdb.AttrText})
		s.ui.show(s.ui.current)
	}}
	s.save = &widget.Button{Text: tr("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: s.onSave}
	problems := widget.NewLabel(strings.Join(s.problems, "\n"))
	problems.Importance = widget.DangerImportance
	problems.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(head, widget.NewSeparator(), bold(tr("Attributes")), rows, container.NewHBox(addAttr), problems)
	s.remove = &widget.Button{Text: tr("Delete type"), Icon: theme.DeleteIcon(), OnTapped: s.onDelete}
	if d.ID == 0 || d.Builtin {
		s.remove.Disable()
	}
	return container.NewBorder(nil, container.NewHBox(s.save, s.remove), nil, nil, container.NewVScroll(body))
}

// onDelete deletes a user-defined type that no CI has, after asking.
func (s *typesScreen) onDelete() {
	key := s.draft.Key
	s.ui.confirm(tr("Delete type"), trf("Delete the CI type {{.Key}}?", map[string]any{"Key": key}), tr("Delete"), func(ok bool) {
		if !ok {
			return
		}
		s.ui.save(s.remove, func() error { return s.ui.store.CMDB.DeleteType(s.ui.ctx, key) }, func() {
			s.selected = -2
			s.ui.setStatus(trf("Deleted CI type {{.Key}}", map[string]any{"Key": key}))
			s.ui.show(s.ui.current)
		})
	})
}

func splitChoices(v string) []string {
	var out []string
	for _, c := range strings.Split(v, "|") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func bold(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func (s *typesScreen) onSave() {
	draft := s.draft
	var saved cmdb.Type
	s.ui.write(s.save, func() (err error) {
		saved, err = s.ui.store.CMDB.SaveType(s.ui.ctx, draft)
		return err
	}, func(err error) { s.afterSave(saved, err) })
}

// afterSave shows what saving the type came to: the fields to correct, or
// the saved type selected.
func (s *typesScreen) afterSave(saved cmdb.Type, err error) {
	if err != nil {
		s.ui.setStatus(tr("Not saved."))
		var lines []string
		if e, ok := err.(*store.Error); ok && len(e.Fields) > 0 {
			for _, p := range e.Fields {
				lines = append(lines, p.Field+": "+msgText(p.Msg, p.Message))
			}
		} else {
			lines = []string{errText(err)}
		}
		s.problems = lines
		s.ui.show(s.ui.current)
		return
	}
	s.ui.setStatus(trf("Saved CI type {{.Key}}", map[string]any{"Key": saved.Key}))
	s.reload()
	for i, t := range s.types {
		if t.Key == saved.Key {
			s.selected = i
			s.draft = t
		}
	}
	s.problems = nil
	// The CI screen's forms follow the new definition.
	s.ui.cis.types = nil
	s.ui.show(s.ui.current)
}
