package app

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicebook/budget"
	"servicebook/sheet"
)

// fieldLabel is an import field's name as the mapping shows it (then
// translated).
func fieldLabel(key string) string {
	switch key {
	case "ref":
		return "Reference"
	case "type":
		return "Type"
	case "name":
		return "Name"
	case "description":
		return "Description"
	case "status":
		return "Status"
	case "criticality":
		return "Criticality"
	case "owner":
		return "Owner"
	case "location":
		return "Location"
	case "version":
		return "Version"
	case "service":
		return "Service"
	case "start":
		return "Start"
	case "end":
		return "End"
	case "planned":
		return "planned"
	case "partial":
		return "Partial"
	case "cause":
		return "Cause"
	case "investigation":
		return "Investigation"
	case "pool":
		return "Pool"
	case "category":
		return "Category"
	case "capex":
		return "Capex/Opex"
	case "cost_centre":
		return "Cost centre"
	case "gl_account":
		return "GL account"
	case "supplier":
		return "Supplier"
	case "month":
		return "Month"
	case "amount":
		return "Amount"
	case "time":
		return "Time"
	case "resource":
		return "Resource"
	case "value":
		return "Value"
	case "serial":
		return "Serial number"
	case "ip":
		return "IP address"
	case "note":
		return "Notes"
	}
	return key
}

// monthHeader says whether a header names a month, so that month columns
// are not offered for leaving out.
func monthHeader(h string) (int, int, bool) {
	m, err := budget.ParseMonth(h)
	return m.Number, m.Year, err == nil
}

// problemLines lists the first hundred problems of an import and counts the
// rest.
func problemLines(problems []sheet.CellError) []string {
	shown, more := sheet.FirstProblems(problems)
	var lines []string
	for _, p := range shown {
		lines = append(lines, "⚠ "+cellErrorText(p))
	}
	if more > 0 {
		lines = append(lines, trf("… and {{.Count}} more problems, not listed; mend the ones above first.", map[string]any{"Count": more}))
	}
	return lines
}

// fiscalYearChoice is the fiscal year a budget file goes into, with a way
// to create one. A file that names its year (2027年度, 2027-01) proposes it.
func (s *importScreen) fiscalYearChoice() fyne.CanvasObject {
	years, _ := s.ui.store.Budget.FiscalYears(s.ui.ctx)
	var labels []string
	have := map[int]bool{}
	for _, fy := range years {
		labels = append(labels, strconv.Itoa(fy.Year))
		have[fy.Year] = true
	}
	create := tr("New fiscal year…")
	labels = append(labels, create)
	proposed := proposedYear(s.book)
	if s.fyYear == 0 {
		switch {
		case have[proposed]:
			s.fyYear = proposed
		case proposed == 0 && s.ui.budget.fy.ID != 0:
			s.fyYear = s.ui.budget.fy.Year
		}
	}
	s.fySel = newSelect(labels, nil)
	if s.fyYear != 0 {
		s.fySel.SetSelected(strconv.Itoa(s.fyYear))
	}
	s.fySel.OnChanged = func(v string) {
		if v == create {
			year := proposed
			if year == 0 {
				year = s.ui.store.DB.Now().Year()
			}
			s.ui.newFiscalYearDialog(year, func(fy budget.FiscalYear) {
				s.fyYear = fy.Year
				s.ui.show(s.ui.current)
			})
			return
		}
		s.fyYear, _ = strconv.Atoi(v)
	}
	if proposed != 0 && !have[proposed] {
		// Said beside the choice: the file is for a year not created yet.
		warn := widget.NewLabel("⚠ " + trf("The file is for {{.Year}}, which has no fiscal year yet.", map[string]any{"Year": proposed}))
		warn.Importance = widget.WarningImportance
		return container.NewHBox(s.fySel, warn)
	}
	return s.fySel
}
