package app

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"servicebook/cmdb"
)

func (c *ciScreen) relationsView() fyne.CanvasObject {
	ci := *c.selected
	rels, err := c.ui.store.CMDB.Relations(c.ui.ctx, ci.Ref)
	if err != nil {
		return widget.NewLabel(err.Error())
	}
	ids := make([]int64, 0, 2*len(rels))
	for _, r := range rels {
		ids = append(ids, r.FromID, r.ToID)
	}
	names, _ := c.ui.store.CMDB.CIsByID(c.ui.ctx, ids)
	// What this CI needs, then what needs it: each sorted by kind, then by
	// the other CI's name in the reader's order.
	var out, in []cmdb.Relation
	for _, r := range rels {
		if r.FromID == ci.ID {
			out = append(out, r)
		} else {
			in = append(in, r)
		}
	}
	other := func(r cmdb.Relation) cmdb.CI {
		if r.FromID == ci.ID {
			return names[r.ToID]
		}
		return names[r.FromID]
	}
	sortRelations := func(list []cmdb.Relation) {
		col := collate.New(language.SimplifiedChinese, collate.Loose)
		sort.SliceStable(list, func(i, j int) bool {
			if a, b := kindLabel(list[i].Kind), kindLabel(list[j].Kind); a != b {
				return col.CompareString(a, b) < 0
			}
			return col.CompareString(other(list[i]).Name, other(list[j]).Name) < 0
		})
	}
	sortRelations(out)
	sortRelations(in)
	list := container.NewVBox()
	row := func(r cmdb.Relation) fyne.CanvasObject {
		o := other(r)
		text := kindLabel(r.Kind) + "  →  " + o.Ref + "  " + o.Name
		if r.ToID == ci.ID {
			text = o.Ref + "  " + o.Name + "  " + kindLabel(r.Kind) + "  →  " + tr("this CI")
		}
		if r.Group != "" {
			text += "   [" + trf("redundancy group {{.Group}}", map[string]any{"Group": r.Group}) + "]"
		}
		var remove *widget.Button
		remove = &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() {
			// Relations drive impact analysis and plans' review flags:
			// removing one is asked, with the relation named.
			msg := trf("Remove the relation {{.From}} {{.Kind}} {{.To}}? Impact analysis and the plans that cover these CIs change with it.",
				map[string]any{"From": r.FromRef, "Kind": kindLabel(r.Kind), "To": r.ToRef})
			d := dialog.NewConfirm(tr("Remove relation"), msg, func(ok bool) {
				if !ok {
					return
				}
				c.ui.save(remove, func() error { return c.ui.store.CMDB.Unrelate(c.ui.ctx, r.FromRef, r.Kind, r.ToRef) }, func() {
					c.ui.setStatus(tr("Relation removed"))
					c.refreshDetail()
				})
			}, c.ui.win)
			d.SetConfirmText(tr("Remove"))
			d.SetDismissText(tr("Cancel"))
			d.Show()
		}}
		label := widget.NewLabel(text)
		label.Truncation = fyne.TextTruncateEllipsis
		return container.NewBorder(nil, nil, nil, remove, label)
	}
	for _, part := range []struct {
		title string
		rels  []cmdb.Relation
	}{{tr("This CI needs"), out}, {tr("Needed by"), in}} {
		if len(part.rels) == 0 {
			continue
		}
		list.Add(bold(part.title))
		for _, r := range part.rels {
			list.Add(row(r))
		}
	}
	if len(rels) == 0 {
		list.Add(widget.NewLabel(tr("No relations yet.")))
	}
	kinds := make([]string, len(cmdb.Kinds))
	for i, k := range cmdb.Kinds {
		kinds[i] = kindLabel(k)
	}
	kindSel := newSelect(kinds, nil)
	kindSel.SetSelected(kinds[0])
	c.relTarget = newCIPicker(c.ui, tr("Find a CI: reference, name, owner or location"), false)
	group := widget.NewEntry()
	group.SetPlaceHolder(tr("redundancy group (optional)"))
	var add *widget.Button
	relate := func(to string) {
		kind, grp := cmdb.Kinds[kindSel.SelectedIndex()], group.Text
		c.ui.save(add, func() error { _, err := c.ui.store.CMDB.Relate(c.ui.ctx, ci.Ref, kind, to, grp); return err }, func() {
			c.ui.setStatus(tr("Relation added"))
			c.refreshDetail()
		})
	}
	c.relTarget.OnSubmitted = relate
	add = &widget.Button{Text: tr("Add relation"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		to, err := c.relTarget.Ref()
		if err != nil {
			c.ui.showError(err)
			return
		}
		relate(to)
	}}
	adder := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel(ci.Ref), kindSel), add,
		container.NewGridWithColumns(2, c.relTarget.entry, group))
	return container.NewBorder(nil, adder, nil, nil, container.NewVScroll(list))
}

func kindLabel(k cmdb.Kind) string { return tr(k.Label()) }
