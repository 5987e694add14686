package budget

import "servicebook/store"

// Messages of an import's report, for translation in the window.
const (
	MsgLinesDone    = "lines new: {{.Created}}, updated: {{.Updated}}, unchanged: {{.Unchanged}}"
	MsgRevised      = "approved lines the file changes, each written as a new revision (the approved versions are kept): {{.Count}}"
	MsgActualsDone  = "lines of actuals new: {{.Created}}, replaced: {{.Updated}}"
	MsgActualsSame  = "the file holds the year's actuals as they are stored (rows unchanged: {{.Count}}); nothing written"
	MsgActualsYear  = "every actual of the fiscal year was replaced by the file's"
	MsgMoney        = "Money: {{.File}} {{.Currency}} in the file's lines, {{.Stored}} {{.Currency}} stored by the import"
	MsgTotalRows    = "total rows checked against the lines above them and left out: {{.Count}}"
	MsgSummed       = "rows added to an earlier row for the same line and month, as asked: {{.Count}}"
	MsgLeftOut      = `Column "{{.Column}}" left out as asked: amounts {{.Amounts}}, totalling {{.Sum}}`
	MsgLeftOutText  = `Column "{{.Column}}" left out as asked (cells: {{.Cells}})`
	MsgNotAField    = `Column "{{.Column}}" is no budget field: its text is not imported (cells: {{.Cells}})`
	MsgSheetNotRead = `Sheet "{{.Sheet}}" was not read: only the first sheet with a budget header is imported`
)

// Messages lists every message template of this package, so that the
// window's translation check can find them.
var Messages = []string{MsgLinesDone, MsgRevised, MsgActualsDone, MsgActualsSame, MsgActualsYear, MsgMoney, MsgTotalRows, MsgSummed, MsgLeftOut, MsgLeftOutText, MsgNotAField, MsgSheetNotRead}

// Report says what the import did (or, in a dry run, would do), one
// message a line: counts, the money in the file beside the money imported,
// and every column and sheet that was not imported and why. The command
// line prints it in English; the window translates it.
func (r ImportResult) Report(actuals bool) []store.Msg {
	d := Decimals(r.Currency)
	var out []store.Msg
	switch {
	case actuals && r.WholeYear && r.Created+r.Updated == 0:
		out = append(out, store.M(MsgActualsSame, "Count", r.Unchanged))
	case actuals:
		out = append(out, store.M(MsgActualsDone, "Created", r.Created, "Updated", r.Updated))
		if r.WholeYear {
			out = append(out, store.M(MsgActualsYear))
		}
	default:
		out = append(out, store.M(MsgLinesDone, "Created", r.Created, "Updated", r.Updated, "Unchanged", r.Unchanged))
		if r.Revised > 0 {
			out = append(out, store.M(MsgRevised, "Count", r.Revised))
		}
	}
	out = append(out, store.M(MsgMoney, "File", r.FileTotal.Format(d), "Stored", r.ImportedTotal.Format(d), "Currency", r.Currency))
	if r.TotalRows > 0 {
		out = append(out, store.M(MsgTotalRows, "Count", r.TotalRows))
	}
	if r.Summed > 0 {
		out = append(out, store.M(MsgSummed, "Count", r.Summed))
	}
	for _, c := range r.Ignored {
		switch {
		case c.Deliberate && c.Amounts > 0:
			out = append(out, store.M(MsgLeftOut, "Column", c.Header, "Amounts", c.Amounts, "Sum", c.Sum.Format(d)))
		case c.Deliberate:
			out = append(out, store.M(MsgLeftOutText, "Column", c.Header, "Cells", c.Cells))
		default:
			out = append(out, store.M(MsgNotAField, "Column", c.Header, "Cells", c.Cells))
		}
	}
	for _, name := range r.SheetsNotRead {
		out = append(out, store.M(MsgSheetNotRead, "Sheet", name))
	}
	return out
}
