package app

// A window that forgets how its user arranged it is rearranged by hand every
// day: column widths and dividers are kept in the settings file.

// keepWidths gives table the widths the user last dragged its columns to
// (under name, in the settings file) and remembers new ones. The widths the
// screen chose stay for each column never dragged.
func (ui *UI) keepWidths(name string, g *gridTable) {
	widths := append([]float32(nil), g.widths...)
	for i, w := range ui.prefs.Columns[name] {
		if w <= 0 {
			continue
		}
		for len(widths) <= i {
			widths = append(widths, 0)
		}
		widths[i] = w
	}
	g.setWidths(widths)
	g.trackHeaders()
	g.onResized = func(widths []float32) {
		if ui.prefs.Columns == nil {
			ui.prefs.Columns = map[string][]float32{}
		}
		ui.prefs.Columns[name] = widths
		ui.saveSettings()
	}
}

// keepSplit gives s the place the user last dragged its divider to (under
// name, in the settings file) and remembers a new one.
func (ui *UI) keepSplit(name string, s *splitPane) {
	if offset, ok := ui.prefs.Splits[name]; ok && offset > 0 && offset < 1 {
		s.offset = offset
	}
	s.onMoved = func(offset float64) {
		if ui.prefs.Splits == nil {
			ui.prefs.Splits = map[string]float64{}
		}
		ui.prefs.Splits[name] = offset
		ui.saveSettings()
	}
}
