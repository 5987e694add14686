package app

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
)

// unknownValues are the values of a column of the previewed sheet that the
// CMDB does not know: the types and statuses the person can map, for this
// import, to ones it does ("打印机" → Printer).
func (s *importScreen) unknownValues(field string, known func(string) bool) []string {
	header, ok := s.mapping[field]
	if !ok || s.book == nil {
		return nil
	}
	col := -1
	for i, h := range s.header {
		if strings.TrimSpace(h) == header {
			col = i
		}
	}
	if col < 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	rows := s.book.Sheets[s.sheetIx].Rows
	for r := s.headRow; r < len(rows); r++ {
		if col >= len(rows[r]) {
			continue
		}
		v := strings.TrimSpace(rows[r][col])
		if v != "" && !seen[v] && !known(v) {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// valueMapping is the form that maps each unknown type and status of the
// file to a known one; a value left unmapped is refused by the check, with
// its row, as before.
func (s *importScreen) valueMapping() fyne.CanvasObject {
	if s.kind != "" && s.kind != "cis" {
		return nil
	}
	if s.values == nil {
		s.values = map[string]map[string]string{"type": {}, "status": {}}
	}
	types, _ := s.ui.store.CMDB.Types(s.ui.ctx)
	typeNames := []string{tr("(refuse the rows)")}
	typeKeyOf := map[string]string{}
	for _, t := range types {
		typeNames = append(typeNames, typeName(t))
		typeKeyOf[typeName(t)] = t.Key
	}
	statusNames := []string{tr("(refuse the rows)")}
	statusOf := map[string]string{}
	for _, st := range cmdb.Statuses {
		statusNames = append(statusNames, statusLabel(st))
		statusOf[statusLabel(st)] = string(st)
	}
	form := container.NewGridWithColumns(4)
	add := func(field, value string, choices []string, keyOf map[string]string) {
		sel := newSelect(choices, nil)
		sel.SetSelected(choices[0])
		for label, key := range keyOf {
			if s.values[field][value] == key {
				sel.SetSelected(label)
			}
		}
		sel.OnChanged = func(v string) {
			if key, ok := keyOf[v]; ok {
				s.values[field][value] = key
			} else {
				delete(s.values[field], value)
			}
		}
		form.Add(widget.NewLabel("“" + value + "” →"))
		form.Add(sel)
	}
	unknownTypes := s.unknownValues("type", func(v string) bool { _, err := cmdb.ResolveType(types, v); return err == nil })
	unknownStatuses := s.unknownValues("status", func(v string) bool { _, err := cmdb.ParseStatus(v); return err == nil })
	if len(unknownTypes)+len(unknownStatuses) == 0 {
		return nil
	}
	for _, v := range unknownTypes {
		add("type", v, typeNames, typeKeyOf)
	}
	for _, v := range unknownStatuses {
		add("status", v, statusNames, statusOf)
	}
	return container.NewVBox(bold(tr("Values this CMDB does not know: read them as")), form)
}
