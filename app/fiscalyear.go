package app

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"servicebook/budget"
	"servicebook/sheet"
)

// newFiscalYearDialog asks for a fiscal year — year, first month,
// currency — proposing year, creates it and hands it to then.
func (ui *UI) newFiscalYearDialog(year int, then func(budget.FiscalYear)) {
	yearEntry := widget.NewEntry()
	yearEntry.SetText(strconv.Itoa(year))
	months := make([]string, 12)
	for i := range months {
		months[i] = trf("{{.Month}} (month {{.Number}})", map[string]any{"Month": monthName(i + 1), "Number": i + 1})
	}
	first := newSelect(months, nil)
	first.SetSelected(months[0])
	currency := widget.NewEntry()
	currency.SetText("CNY")
	items := []*widget.FormItem{
		widget.NewFormItem(tr("Fiscal year"), yearEntry),
		widget.NewFormItem(tr("First month"), first),
		widget.NewFormItem(tr("Currency"), currency),
	}
	d := dialog.NewForm(tr("New fiscal year"), tr("Create"), tr("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		y, err := strconv.Atoi(strings.TrimSpace(yearEntry.Text))
		if err != nil {
			ui.showError(fmt.Errorf("%s", trf("“{{.Value}}” is not a year; write it as 2027.", map[string]any{"Value": yearEntry.Text})))
			return
		}
		fy := budget.FiscalYear{Year: y, StartMonth: first.SelectedIndex() + 1, Currency: strings.TrimSpace(currency.Text)}
		var created budget.FiscalYear
		ui.save(nil, func() (err error) {
			created, err = ui.store.Budget.CreateFiscalYear(ui.ctx, fy)
			return err
		}, func() {
			ui.setStatus(trf("Fiscal year {{.Year}} created", map[string]any{"Year": created.Year}))
			ui.budget.reload()
			then(created)
		})
	}, ui.win)
	d.Resize(fyne.NewSize(420, 260))
	d.Show()
}

// monthName is a calendar month's name in the window's language.
func monthName(m int) string {
	if isChinese() {
		return strconv.Itoa(m) + "月"
	}
	return []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
		"November", "December"}[m-1]
}

// yearInTitle finds the year a budget file is for: 2027 in a title such
// as "2027年度预算" or "FY2027 budget", or in month headers (2027-01).
var yearInTitle = regexp.MustCompile(`(?:^|[^0-9])(20[0-9]{2})(?:[^0-9]|$)`)

// proposedYear is the fiscal year a file names in its first rows, or 0.
func proposedYear(book *sheet.Book) int {
	if book == nil {
		return 0
	}
	for _, t := range book.Sheets {
		for r := 0; r < len(t.Rows) && r < sheet.HeaderScanRows; r++ {
			for _, cell := range t.Rows[r] {
				if m := yearInTitle.FindStringSubmatch(cell); m != nil {
					y, _ := strconv.Atoi(m[1])
					return y
				}
			}
		}
	}
	return 0
}
