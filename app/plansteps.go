package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/continuity"
)

var phases = []continuity.Phase{continuity.Activation, continuity.Recovery, continuity.Reconstitution}

// stepsView lists the recovery steps, numbered as people refer to them,
// over a form: select a step to change or remove it, or type a new one.
func (s *plansScreen) stepsView() fyne.CanvasObject {
	steps, err := s.store().Steps(s.ui.ctx, s.draft.ID)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	numbers := func(ns []int) string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = strconv.Itoa(n)
		}
		return strings.Join(out, " ")
	}
	rows := make([][]string, len(steps))
	var selected *continuity.PlanStep
	for i, st := range steps {
		rows[i] = []string{strconv.Itoa(st.Number), phaseText(st.Phase), st.Who, st.Action, continuity.Minutes(st.Duration),
			numbers(continuity.AfterNumbers(steps, st))}
		if st.ID == s.selStep {
			selected = &steps[i]
		}
	}
	table := textTable([]string{tr("Step"), tr("Phase"), tr("Who"), tr("Action"), tr("Takes"), tr("After steps")},
		[]float32{50, 110, 150, 420, 90, 100}, func() [][]string { return rows })
	s.ui.keepWidths("steps", table)
	names := make([]string, len(phases))
	for i, p := range phases {
		names[i] = phaseText(p)
	}
	phase := newSelect(names, nil)
	phase.SetSelected(names[1])
	who, action, takes, after := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	who.SetPlaceHolder(tr("Who"))
	action.SetPlaceHolder(tr("Action"))
	takes.SetPlaceHolder("45m")
	after.SetPlaceHolder(tr("after steps, e.g. 1 2"))
	if selected != nil {
		phase.SetSelected(phaseText(selected.Phase))
		who.SetText(selected.Who)
		action.SetText(selected.Action)
		takes.SetText(strings.ReplaceAll(continuity.Minutes(selected.Duration), " ", ""))
		after.SetText(numbers(continuity.AfterNumbers(steps, *selected)))
	}
	s.stepInputs = map[string]*widget.Entry{"who": who, "action": action, "takes": takes, "after": after}
	read := func() (continuity.PlanStep, bool) {
		d, err := continuity.ParseDuration(strings.NewReplacer("min", "m", " ", "").Replace(takes.Text))
		if err != nil {
			s.ui.showError(fmt.Errorf("%s", trf("{{.Value}} is not a duration; write 30m, 4h or 3d", map[string]any{"Value": takes.Text})))
			return continuity.PlanStep{}, false
		}
		st := continuity.PlanStep{Phase: phases[max(phase.SelectedIndex(), 0)], Who: who.Text, Action: action.Text, Duration: d}
		for _, f := range strings.Fields(after.Text) {
			n, err := strconv.Atoi(f)
			dep, ok := continuity.StepByNumber(steps, n)
			if err != nil || !ok {
				s.ui.showError(fmt.Errorf("%s", trf("There is no step {{.Value}}; the steps are numbered 1 to {{.Count}}.", map[string]any{"Value": f, "Count": len(steps)})))
				return st, false
			}
			st.DependsOn = append(st.DependsOn, dep.ID)
		}
		return st, true
	}
	s.addStep = &widget.Button{Text: tr("Add step"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		st, ok := read()
		if !ok {
			return
		}
		doc := s.draft.DocNumber
		var added continuity.PlanStep
		s.ui.save(s.addStep, func() (err error) {
			added, err = s.store().AddStep(s.ui.ctx, doc, st)
			return err
		}, func() {
			s.selStep = added.ID
			s.afterContentChange(tr("Step added"))
		})
	}}
	s.saveStep = &widget.Button{Text: tr("Save step"), Icon: theme.DocumentSaveIcon(), OnTapped: func() {
		st, ok := read()
		if !ok || selected == nil {
			return
		}
		st.ID, st.Order = selected.ID, selected.Order
		if st.Phase != selected.Phase {
			st.Order = 0
		}
		doc, number := s.draft.DocNumber, selected.Number
		s.ui.save(s.saveStep, func() error { return s.store().UpdateStep(s.ui.ctx, doc, st) }, func() {
			s.afterContentChange(trf("Step {{.Number}} saved", map[string]any{"Number": number}))
		})
	}}
	s.removeStep = &widget.Button{Text: tr("Remove step"), Icon: theme.DeleteIcon(), OnTapped: func() {
		if selected == nil {
			return
		}
		st := *selected
		s.confirm(tr("Remove step"), trf("Remove step {{.Number}} ({{.Action}})? Steps that wait for it no longer will.",
			map[string]any{"Number": st.Number, "Action": st.Action}), func() {
			doc := s.draft.DocNumber
			s.ui.save(s.removeStep, func() error { return s.store().RemoveStep(s.ui.ctx, doc, st.ID) }, func() {
				s.selStep = 0
				s.afterContentChange(trf("Step {{.Number}} removed", map[string]any{"Number": st.Number}))
			})
		})
	}}
	clearBtn := &widget.Button{Text: tr("New"), Icon: theme.ContentClearIcon(), OnTapped: func() {
		s.selStep = 0
		s.ui.show(s.ui.current)
	}}
	if selected == nil {
		s.saveStep.Disable()
		s.removeStep.Disable()
	}
	s.stepsTable = table
	table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(steps) && steps[id.Row].ID != s.selStep {
			s.selStep = steps[id.Row].ID
			s.ui.show(s.ui.current)
		}
	}
	buttons := container.NewHBox(s.addStep, s.saveStep, s.removeStep, clearBtn)
	form := container.NewBorder(nil, buttons, phase, nil, container.NewGridWithColumns(4, who, action, takes, after))
	return container.NewBorder(nil, form, nil, nil, table)
}

// afterContentChange reloads the plan after its content changed: an
// approved plan has become the next minor version, and the editor says so.
func (s *plansScreen) afterContentChange(status string) {
	before := s.draft.Version
	if p, err := s.store().Plan(s.ui.ctx, s.draft.DocNumber); err == nil {
		s.draft = p
	}
	if s.draft.Version != before {
		status += " — " + trf("version {{.From}} → {{.To}}; the approved {{.From}} is kept", map[string]any{"From": before, "To": s.draft.Version})
	}
	s.ui.setStatus(status)
	s.reload()
	s.ui.show(s.ui.current)
}

// confirm asks before something is removed; the button says Remove.
func (s *plansScreen) confirm(title, question string, yes func()) {
	s.ui.confirm(title, question, tr("Remove"), func(ok bool) {
		if ok {
			yes()
		}
	})
}

func phaseText(p continuity.Phase) string {
	switch p {
	case continuity.Activation:
		return tr("activation")
	case continuity.Recovery:
		return tr("recovery")
	}
	return tr("reconstitution")
}

// rolesView is the call tree over a form: select a role to change or
// remove it.
func (s *plansScreen) rolesView() fyne.CanvasObject {
	roles, err := s.store().Roles(s.ui.ctx, s.draft.ID)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	name := func(c *continuity.Contact) string {
		if c == nil {
			return "—"
		}
		return strings.Join(strings.Fields(c.Name+"  "+c.Mobile+"  "+c.Phone+"  "+c.Email), "  ")
	}
	rows := make([][]string, len(roles))
	var selected *continuity.Role
	for i, r := range roles {
		rows[i] = []string{strconv.Itoa(r.Escalation), r.Role, name(r.Primary), name(r.Alternate)}
		if r.Role == s.selRole {
			selected = &roles[i]
		}
	}
	table := textTable([]string{tr("Order"), tr("Role"), tr("Primary"), tr("Alternate")}, []float32{60, 200, 320, 320}, func() [][]string { return rows })
	s.ui.keepWidths("call-tree", table)
	role, primary, mobile, phone, email := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	alternate, altMobile, altPhone, altEmail := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	for e, ph := range map[*widget.Entry]string{role: tr("Role"), primary: tr("Primary"), mobile: tr("Mobile"), phone: tr("Phone"),
		email: tr("Email"), alternate: tr("Alternate"), altMobile: tr("Mobile"), altPhone: tr("Phone"), altEmail: tr("Email")} {
		e.SetPlaceHolder(ph)
	}
	order := len(roles) + 1
	if selected != nil {
		order = selected.Escalation
		role.SetText(selected.Role)
		fill := func(c *continuity.Contact, n, m, p, e *widget.Entry) {
			if c != nil {
				n.SetText(c.Name)
				m.SetText(c.Mobile)
				p.SetText(c.Phone)
				e.SetText(c.Email)
			}
		}
		fill(selected.Primary, primary, mobile, phone, email)
		fill(selected.Alternate, alternate, altMobile, altPhone, altEmail)
	}
	s.roleInputs = map[string]*widget.Entry{"role": role, "primary": primary, "mobile": mobile, "alternate": alternate, "alt_mobile": altMobile}
	s.setRole = &widget.Button{Text: tr("Save role"), Icon: theme.DocumentSaveIcon(), OnTapped: func() {
		doc, name := s.draft.DocNumber, role.Text
		first := continuity.Contact{Name: primary.Text, Mobile: mobile.Text, Phone: phone.Text, Email: email.Text}
		second := continuity.Contact{Name: alternate.Text, Mobile: altMobile.Text, Phone: altPhone.Text, Email: altEmail.Text}
		s.ui.save(s.setRole, func() error { return s.store().SetRole(s.ui.ctx, doc, name, order, first, second) }, func() {
			s.selRole = strings.TrimSpace(name)
			s.afterContentChange(trf("Role {{.Role}} saved", map[string]any{"Role": s.selRole}))
		})
	}}
	s.removeRole = &widget.Button{Text: tr("Remove role"), Icon: theme.DeleteIcon(), OnTapped: func() {
		if selected == nil {
			return
		}
		r := selected.Role
		s.confirm(tr("Remove role"), trf("Remove {{.Role}} from the call tree?", map[string]any{"Role": r}), func() {
			doc := s.draft.DocNumber
			s.ui.save(s.removeRole, func() error { return s.store().RemoveRole(s.ui.ctx, doc, r) }, func() {
				s.selRole = ""
				s.afterContentChange(trf("Role {{.Role}} removed", map[string]any{"Role": r}))
			})
		})
	}}
	if selected == nil {
		s.removeRole.Disable()
	}
	clearBtn := &widget.Button{Text: tr("New"), Icon: theme.ContentClearIcon(), OnTapped: func() {
		s.selRole = ""
		s.ui.show(s.ui.current)
	}}
	table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(roles) && roles[id.Row].Role != s.selRole {
			s.selRole = roles[id.Row].Role
			s.ui.show(s.ui.current)
		}
	}
	grid := container.NewGridWithColumns(5, role, primary, mobile, phone, email, widget.NewLabel(""), alternate, altMobile, altPhone, altEmail)
	form := container.NewBorder(nil, container.NewHBox(s.setRole, s.removeRole, clearBtn), nil, nil, grid)
	return container.NewBorder(nil, form, nil, nil, table)
}
