package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/budget"
	"servicebook/cmdb"
	"servicebook/continuity"
)

// detailView is the lower half of the CI screen: the form, relations,
// history and impact of the CI being edited.
func (c *ciScreen) detailView() fyne.CanvasObject {
	c.form = container.NewStack()
	c.refreshDetail()
	return c.form
}

func (c *ciScreen) refreshDetail() {
	if c.form == nil {
		return
	}
	var content fyne.CanvasObject
	if !c.editing {
		content = container.NewCenter(widget.NewLabel(tr("Select a CI above, or press New CI (Ctrl+N).")))
	} else {
		tabs := container.NewAppTabs(
			container.NewTabItem(tr("Details"), c.fieldsView()),
		)
		if c.selected != nil {
			tabs.Append(container.NewTabItem(tr("Relations"), c.relationsView()))
			tabs.Append(container.NewTabItem(tr("History"), c.historyView()))
			tabs.Append(container.NewTabItem(tr("Impact"), c.impactView()))
		}
		if c.tab < len(tabs.Items) {
			tabs.SelectIndex(c.tab)
		}
		tabs.OnSelected = func(*container.TabItem) { c.tab = tabs.SelectedIndex() }
		content = tabs
	}
	c.form.Objects = []fyne.CanvasObject{content}
	c.form.Refresh()
}

// field is one labelled input of the form, with its problem (if any) shown
// beneath it.
func (c *ciScreen) field(label, key string, input fyne.CanvasObject) *widget.FormItem {
	c.inputs[key] = input
	item := widget.NewFormItem(label, input)
	if msg, bad := c.problems[key]; bad {
		item.HintText = "⚠ " + msg
	}
	return item
}

func (c *ciScreen) entry(value string, set func(string)) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(value)
	e.OnChanged = set
	return e
}

func (c *ciScreen) textArea(value string, set func(string)) *textArea {
	a := newTextArea()
	a.SetText(value)
	a.OnChanged = set
	return a
}

func (c *ciScreen) fieldsView() fyne.CanvasObject {
	c.inputs = map[string]fyne.CanvasObject{}
	d := &c.draft
	t := c.typeByKey(d.TypeKey)
	title := tr("New CI")
	if c.selected != nil {
		title = c.selected.Ref + "  " + c.selected.Name
	}
	var heading fyne.CanvasObject = widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if line := c.recoveryNeedLine(); line != nil {
		heading = container.NewVBox(heading, line)
	}

	typeNames := make([]string, len(c.types))
	for i, ty := range c.types {
		typeNames[i] = typeName(ty)
	}
	typeSel := newSelect(typeNames, nil)
	typeSel.SetSelected(typeName(t))
	typeSel.OnChanged = func(s string) {
		for _, ty := range c.types {
			if typeName(ty) == s && ty.Key != d.TypeKey {
				d.TypeKey = ty.Key
				c.refreshDetail() // the attributes follow the type
			}
		}
	}
	statusNames := make([]string, len(cmdb.Statuses))
	for i, st := range cmdb.Statuses {
		statusNames[i] = statusLabel(st)
	}
	statusSel := newSelect(statusNames, nil)
	statusSel.SetSelected(statusLabel(d.Status))
	statusSel.OnChanged = func(s string) {
		for _, st := range cmdb.Statuses {
			if statusLabel(st) == s {
				d.Status = st
			}
		}
	}
	critSel := newSelect([]string{"1", "2", "3", "4"}, nil)
	critSel.SetSelected(strconv.Itoa(d.Criticality))
	critSel.OnChanged = func(s string) { d.Criticality, _ = strconv.Atoi(s) }

	left := widget.NewForm(
		c.field(tr("Type"), "type", typeSel),
		c.field(tr("Name"), "name", c.entry(d.Name, func(s string) { d.Name = s })),
		c.field(tr("Description"), "description", c.textArea(d.Description, func(s string) { d.Description = s })),
		c.field(tr("Status"), "status", statusSel),
		c.field(tr("Criticality"), "criticality", critSel),
		c.field(tr("Owner"), "owner", c.entry(d.Owner, func(s string) { d.Owner = s })),
		c.field(tr("Location"), "location", c.entry(d.Location, func(s string) { d.Location = s })),
		c.field(tr("Version"), "version", c.entry(d.Version, func(s string) { d.Version = s })),
	)
	right := widget.NewForm()
	for _, a := range t.Attributes {
		key := a.Key
		label := a.Name
		if isChinese() && a.NameZh != "" {
			label = a.NameZh
		}
		var input fyne.CanvasObject
		switch a.Kind {
		case cmdb.AttrChoice, cmdb.AttrBool:
			options := a.Choices
			if a.Kind == cmdb.AttrBool {
				options = []string{"yes", "no"}
			}
			sel := newSelect(append([]string{""}, options...), func(s string) { d.Attributes[key] = s })
			sel.SetSelected(d.Attributes[key])
			input = sel
		default:
			e := c.entry(d.Attributes[key], func(s string) { d.Attributes[key] = s })
			switch a.Kind {
			case cmdb.AttrDate:
				e.SetPlaceHolder("2026-03-01")
			case cmdb.AttrRef:
				e.SetPlaceHolder("CI-000123")
			}
			input = e
		}
		if a.Required {
			label += " *"
		}
		// Problems name attributes by their English name.
		right.AppendItem(c.field(label, a.Name, input))
	}
	c.save = &widget.Button{Text: tr("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: c.onSave}
	buttons := container.NewHBox(c.save, &widget.Button{Text: tr("Cancel"), OnTapped: c.onCancel})
	if c.selected != nil {
		buttons.Add(widget.NewSeparator())
		buttons.Add(&widget.Button{Text: tr("Retire"), OnTapped: c.onRetire})
		buttons.Add(&widget.Button{Text: tr("Delete…"), Icon: theme.DeleteIcon(), Importance: widget.DangerImportance, OnTapped: c.onDelete})
	}
	attrTitle := widget.NewLabelWithStyle(trf("Attributes of {{.Type}}", map[string]any{"Type": typeName(t)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := container.NewGridWithColumns(2, left, container.NewBorder(attrTitle, nil, nil, nil, right))
	return container.NewBorder(heading, buttons, nil, nil, container.NewVScroll(body))
}

func (c *ciScreen) historyView() fyne.CanvasObject {
	if c.selected == nil { // a new CI has no history yet
		return widget.NewLabel("")
	}
	changes, err := c.ui.store.CMDB.History(c.ui.ctx, c.selected.Ref)
	if err != nil {
		return widget.NewLabel(err.Error())
	}
	// Newest first: that is what people look for.
	list := widget.NewList(
		func() int { return len(changes) },
		func() fyne.CanvasObject {
			l := newTipLabel("")
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			ch := changes[len(changes)-1-i]
			o.(*tipLabel).SetText(fmt.Sprintf("%s  %s  (%s)   %s",
				ch.At.Local().Format("2006-01-02 15:04"), ch.Who, sourceText(ch.Source), changeText(ch, c.types)))
		})
	return list
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// impactView shows, as a tree, the services and CIs impacted if this CI
// fails (or, switched, what it depends on), each under the CI it is reached
// through, so that the tree is the paths.
func (c *ciScreen) impactView() fyne.CanvasObject {
	holder := container.NewStack()
	cost := widget.NewLabel("")
	cost.Wrapping = fyne.TextWrapWord
	exposed := widget.NewLabel("")
	exposed.Wrapping = fyne.TextWrapWord
	exposed.Importance = widget.WarningImportance
	c.impactExposed = exposed
	upstream, asGraph := true, false
	// Others that fail at the same time, as in a site or power failure.
	also := widget.NewEntry()
	also.SetPlaceHolder(tr("Also failing at the same time: CI references, separated by spaces"))
	also.SetText(c.alsoFailing)
	show := func() {
		refs := append([]string{c.selected.Ref}, strings.FieldsFunc(c.alsoFailing, func(r rune) bool { return r == ' ' || r == ',' || r == '，' })...)
		rep, err := c.ui.store.CMDB.Impact(c.ui.ctx, refs, upstream, 500)
		if err != nil {
			holder.Objects = []fyne.CanvasObject{widget.NewLabel(err.Error())}
		} else if asGraph {
			holder.Objects = []fyne.CanvasObject{impactGraph(rep)}
		} else {
			holder.Objects = []fyne.CanvasObject{impactTree(rep)}
		}
		holder.Refresh()
		exposed.SetText("")
		if err == nil && len(rep.Exposed) > 0 {
			exposed.SetText(exposureText(rep.Exposed))
		}
		cost.SetText("")
		if upstream && err == nil {
			cost.SetText(strings.TrimSpace(c.recoveryNeedText() + "\n" + c.changeCostText(rep)))
		}
	}
	fails, depends := tr("What fails if this CI fails"), tr("What this CI depends on")
	direction := widget.NewRadioGroup([]string{fails, depends}, func(s string) {
		upstream = s != depends
		show()
	})
	direction.Horizontal = true
	treeText, graphText := tr("Tree"), tr("Graph")
	form := widget.NewRadioGroup([]string{treeText, graphText}, func(s string) {
		asGraph = s == graphText
		show()
	})
	form.Horizontal = true
	direction.SetSelected(fails)
	form.SetSelected(treeText)
	c.impactForm = form
	also.OnSubmitted = func(v string) {
		c.alsoFailing = v
		show()
	}
	c.impactAlso = also
	// A CI failing at the same time is found by name as anywhere else,
	// and added to the references above.
	c.impactPicker = newCIPicker(c.ui, tr("Add a CI failing at the same time: find it by name or reference"), false)
	c.impactPicker.submitOnChoose = true
	c.impactPicker.OnSubmitted = func(ref string) {
		c.alsoFailing = strings.TrimSpace(c.alsoFailing + " " + ref)
		also.SetText(c.alsoFailing)
		c.impactPicker.SetText("")
		show()
	}
	controls := container.NewVBox(container.NewHBox(direction, widget.NewSeparator(), form),
		container.NewGridWithColumns(2,
			container.NewBorder(nil, nil, nil, &widget.Button{Text: tr("Analyse"), OnTapped: func() { also.OnSubmitted(also.Text) }}, also),
			c.impactPicker.entry))
	return container.NewBorder(container.NewVBox(controls, exposed), cost, nil, nil, holder)
}

// exposureText says which redundancy is lost already: members under
// maintenance or retired, and the partners now single points of failure.
func exposureText(exposed []cmdb.ExposedGroup) string {
	names := func(cis []cmdb.CI) string {
		var out []string
		for _, c := range cis {
			out = append(out, c.Ref+" "+c.Name)
		}
		return strings.Join(out, ", ")
	}
	lines := []string{"⚠ " + tr("Redundancy already lost (under maintenance or retired counts as down):")}
	for _, e := range exposed {
		if len(e.Left) == 1 {
			lines = append(lines, trf("{{.Dependent}} ({{.Group}}): {{.Down}} is down, so {{.Left}} is a single point of failure",
				map[string]any{"Dependent": e.Dependent.Ref + " " + e.Dependent.Name, "Group": e.Group, "Down": names(e.Down), "Left": names(e.Left)}))
		} else {
			lines = append(lines, trf("{{.Dependent}} ({{.Group}}): {{.Down}} down, {{.Count}} left",
				map[string]any{"Dependent": e.Dependent.Ref + " " + e.Dependent.Name, "Group": e.Group, "Down": names(e.Down), "Count": len(e.Left)}))
		}
	}
	return strings.Join(lines, "\n")
}

// changeCostText is the cost information a change request needs: the run
// cost of every service with a budget in the impact report, from the
// latest fiscal year. Empty when there is no budget to speak of.
func (c *ciScreen) changeCostText(rep cmdb.ImpactReport) string {
	fys, err := c.ui.store.Budget.FiscalYears(c.ui.ctx)
	if err != nil || len(fys) == 0 {
		return ""
	}
	fy := fys[len(fys)-1]
	costs, err := c.ui.store.Budget.ImpactCost(c.ui.ctx, fy, rep)
	if err != nil || len(costs) == 0 {
		return ""
	}
	d := budget.Decimals(fy.Currency)
	var parts []string
	var total budget.Money
	for _, sc := range costs {
		parts = append(parts, sc.ServiceName+" "+sc.MonthlyRunCost.Format(d))
		total += sc.MonthlyRunCost
	}
	return trf("Run cost per month of the services affected ({{.Year}}, {{.Currency}}): {{.List}}; together {{.Total}}", map[string]any{
		"Year": fy.Year, "Currency": fy.Currency, "List": strings.Join(parts, " · "), "Total": total.Format(d)})
}

// impactTree arranges an impact report by path: each CI under the one it
// was reached from.
func impactTree(rep cmdb.ImpactReport) fyne.CanvasObject {
	children := map[string][]string{}
	label := map[string]string{}
	for _, s := range rep.Start {
		label[s.Ref] = s.Ref + "  " + s.Name
	}
	var roots []string
	for _, s := range rep.Start {
		roots = append(roots, s.Ref)
	}
	for _, it := range rep.Items {
		// Each path step is a node id: the chain of references up to it,
		// so that a CI reached twice by different paths stays distinct.
		var id string
		for i, step := range it.Path {
			parent := id
			if i == 0 {
				id = step.Ref
				continue
			}
			id = parent + "/" + step.Ref
			if _, seen := label[id]; !seen {
				text := fmt.Sprintf("%s  %s   (%s", step.Ref, step.Name, kindLabel(step.Kind))
				if step.Group != "" {
					text += ", " + step.Group
				}
				text += ")"
				if i == len(it.Path)-1 && it.IsService {
					text = "★ " + text
				}
				label[id] = text
				children[parent] = append(children[parent], id)
			}
		}
	}
	summary := widget.NewLabel(trf("{{.Total}} CIs reached, {{.Services}} of them services (★).",
		map[string]any{"Total": rep.Total, "Services": rep.TotalServices}))
	tree := widget.NewTree(
		func(id widget.TreeNodeID) []widget.TreeNodeID {
			if id == "" {
				return roots
			}
			return children[id]
		},
		func(id widget.TreeNodeID) bool { return id == "" || len(children[id]) > 0 },
		func(bool) fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TreeNodeID, _ bool, o fyne.CanvasObject) { o.(*widget.Label).SetText(label[id]) },
	)
	for _, r := range roots {
		tree.OpenBranch(r)
	}
	return container.NewBorder(summary, nil, nil, nil, tree)
}

// recoveryNeedText says which RTO and RPO the selected CI inherits from the
// plans of the services its failure takes down (redundancy respected), and
// whether its recorded recovery time and backup interval meet them; "" when
// it inherits none.
func (c *ciScreen) recoveryNeedText() string {
	text, _ := c.recoveryNeed()
	return text
}

// recoveryNeed is recoveryNeedText and whether the CI falls short of it.
// It walks the relation graph: worked out once per CI as read, not each
// time the form or the impact tab is built again (reload forgets it).
func (c *ciScreen) recoveryNeed() (text string, short bool) {
	if c.selected == nil {
		return "", false
	}
	key := [2]int64{c.selected.ID, c.selected.RowVersion}
	if c.need.known && c.need.key == key {
		return c.need.text, c.need.short
	}
	text, short = c.recoveryNeedNow()
	c.need = recoveryLine{known: true, key: key, text: text, short: short}
	return text, short
}

// recoveryLine is the selected CI's recovery need as last worked out.
type recoveryLine struct {
	known bool
	key   [2]int64 // the CI's id and row version
	text  string
	short bool
}

func (c *ciScreen) recoveryNeedNow() (text string, short bool) {
	need, err := c.ui.store.Continuity.RecoveryNeedOf(c.ui.ctx, c.selected.ID)
	if err != nil || !need.Inherits() {
		return "", false
	}
	recovery, backup := need.Shortfall(*c.selected)
	var parts []string
	if need.RTO > 0 {
		p := trf("RTO {{.RTO}} from {{.Plan}} ({{.Service}})", map[string]any{"RTO": continuity.Minutes(need.RTO), "Plan": need.RTOPlan, "Service": need.RTOService})
		if recovery > 0 {
			short = true
			p += tr("; ") + trf("its recorded recovery time, {{.Time}}, does not meet it", map[string]any{"Time": continuity.Minutes(recovery)})
		}
		parts = append(parts, p)
	}
	if need.RPO > 0 {
		p := trf("RPO {{.RPO}} from {{.Plan}} ({{.Service}})", map[string]any{"RPO": continuity.Minutes(need.RPO), "Plan": need.RPOPlan, "Service": need.RPOService})
		if backup > 0 {
			short = true
			p += tr("; ") + trf("its backup every {{.Time}} does not meet it", map[string]any{"Time": continuity.Minutes(backup)})
		}
		parts = append(parts, p)
	}
	return tr("Inherits") + " " + strings.Join(parts, tr("; ")), short
}

// recoveryNeedLine is recoveryNeedText as a label under the CI's heading,
// in warning colour when the CI cannot meet what it inherits; nil when it
// inherits nothing.
func (c *ciScreen) recoveryNeedLine() fyne.CanvasObject {
	text, short := c.recoveryNeed()
	if text == "" {
		return nil
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	if short {
		l.Importance = widget.WarningImportance
	}
	return l
}
