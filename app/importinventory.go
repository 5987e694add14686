package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
	"servicebook/sheet"
)

// inventoryImport is the import wizard's state for what was found in a
// configuration audit: the ticked checklist or a discovery inventory,
// reconciled with the audit's lines.
type inventoryImport struct {
	auditID int64
	// keys are the keys to match by, in priority order ("" for none).
	keys     [3]string
	result   *cmdb.Reconciliation
	dryRun   bool
	notRead  []string
	auditSel *widget.Select
	keySels  [3]*widget.Select
}

// auditChoice picks the open audit the file is for.
func (s *importScreen) auditChoice() fyne.CanvasObject {
	audits, err := s.ui.store.CMDB.Audits(s.ui.ctx)
	if err != nil {
		s.ui.showError(err)
	}
	var names []string
	var ids []int64
	for _, a := range audits {
		if !a.Closed() {
			names = append(names, a.Number()+" "+a.Title)
			ids = append(ids, a.ID)
		}
	}
	inv := &s.inventory
	inv.auditSel = newSelect(names, func(string) {
		if i := inv.auditSel.SelectedIndex(); i >= 0 {
			inv.auditID = ids[i]
		}
	})
	inv.auditSel.PlaceHolder = tr("(no audit open: start one)")
	if i := slices.Index(ids, inv.auditID); i >= 0 {
		inv.auditSel.SetSelectedIndex(i)
	} else if len(ids) > 0 {
		inv.auditSel.SetSelectedIndex(0)
	}
	return inv.auditSel
}

// matchKeyWords are the keys to match by as the window names them.
var matchKeyWords = []string{"Reference", "Serial number", "Name", "IP address"}

// matchKeysRow chooses the keys to match by, in priority order.
func (s *importScreen) matchKeysRow() fyne.CanvasObject {
	inv := &s.inventory
	if inv.keys == [3]string{} {
		inv.keys = [3]string{"ref", "serial", "name"}
	}
	options := []string{tr("(none)")}
	for _, w := range matchKeyWords {
		options = append(options, tr(w))
	}
	row := container.NewHBox(widget.NewLabel(tr("Match found items to CIs by")))
	for i := range inv.keys {
		i := i
		inv.keySels[i] = newSelect(options, func(string) {
			if n := inv.keySels[i].SelectedIndex(); n > 0 {
				inv.keys[i] = cmdb.MatchKeys[n-1]
			} else {
				inv.keys[i] = ""
			}
		})
		inv.keySels[i].SetSelectedIndex(slices.Index(cmdb.MatchKeys, inv.keys[i]) + 1)
		if i > 0 {
			row.Add(widget.NewLabel(tr("then")))
		}
		row.Add(inv.keySels[i])
	}
	return row
}

// foundColumn says whether a header is one of the checklist's own: the
// reconciliation takes it, so it is not offered for leaving out.
func foundColumn(h string) bool {
	for _, f := range cmdb.FoundFields {
		if slices.ContainsFunc(f.Names, func(n string) bool { return sheet.Fold(n) == sheet.Fold(h) }) {
			return true
		}
	}
	return false
}

// runInventory reconciles the file with the chosen audit off the UI
// goroutine, or only says what it would find (dryRun).
func (s *importScreen) runInventory(ctx context.Context, cancel context.CancelFunc, dryRun bool, mapping map[string]string) {
	inv := &s.inventory
	var keys []string
	for _, k := range inv.keys {
		if k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	var ignore []string
	for h := range s.ignore {
		ignore = append(ignore, h)
	}
	book, id := s.book, inv.auditID
	s.ui.background(func() func() {
		var rec cmdb.Reconciliation
		var notRead []string
		var err error
		switch {
		case id == 0:
			err = fmt.Errorf("%s", tr("Choose the audit this file is for, or start one (Configuration audits)."))
		case len(keys) == 0:
			err = fmt.Errorf("%s", tr("Choose at least one key to match by."))
		default:
			var found cmdb.FoundRead
			found, notRead = cmdb.ReadFoundBook(book, mapping, ignore)
			rec, err = s.ui.store.CMDB.ReconcileAudit(ctx, id, found, keys, dryRun)
			if len(rec.Problems) == 0 {
				rec.Problems = found.Problems
			}
		}
		return func() {
			cancel()
			s.running, s.cancel = false, nil
			inv.result, inv.dryRun, inv.notRead, s.err = &rec, dryRun, notRead, err
			s.result, s.outages, s.budgetRes, s.samples = nil, nil, nil, nil
			if err == nil && !dryRun {
				s.ui.setStatus(trf("Reconciled {{.File}}: {{.Count}} findings", map[string]any{"File": rec.File, "Count": len(rec.Findings)}))
				s.ui.configAudits.selectAudit(id)
			}
			s.ui.show(s.ui.current)
		}
	})
}

// inventoryLines is what a reconciliation found, in the window's language.
func (s *importScreen) inventoryLines(r cmdb.Reconciliation) []string {
	verb := tr("Reconciled")
	switch {
	case r.Lines == 0:
		// Refused before any line was compared: counts would say nothing.
		return problemLines(r.Problems)
	case len(r.Problems) > 0 || s.err != nil:
		verb = tr("Nothing was reconciled; once the problems below are corrected, the file would give")
	case s.inventory.dryRun:
		verb = tr("A dry run found (nothing written)")
	}
	lines := []string{verb + ": " + trf("{{.Matched}} of {{.Lines}} CIs matched, {{.Equal}} as recorded",
		map[string]any{"Matched": r.Matched, "Lines": r.Lines, "Equal": r.Equal})}
	for _, k := range []cmdb.FindingKind{cmdb.FindingDifferent, cmdb.FindingNotFound, cmdb.FindingNotRecorded, cmdb.FindingRemark} {
		if n := r.Count(k); n > 0 {
			lines = append(lines, fmt.Sprintf("  %s: %d", tr(findingKindWord(k)), n))
		}
	}
	if len(r.Ignored) > 0 {
		lines = append(lines, trf("Left out as asked: {{.Columns}}", map[string]any{"Columns": strings.Join(r.Ignored, tr(", "))}))
	}
	for _, name := range s.inventory.notRead {
		lines = append(lines, trf("Sheet {{.Sheet}} has no column to match by; it was not read.", map[string]any{"Sheet": name}))
	}
	return append(lines, problemLines(r.Problems)...)
}
