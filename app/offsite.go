package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/continuity"
	"servicebook/export"
)

// offsiteScreen makes the off-site pack: the continuity binder, every
// record as a workbook, a copy of the database, the reports and a manifest,
// in a folder, a zip or an encrypted file, for the safe away from the site.
type offsiteScreen struct {
	ui *UI
	// The choices, kept across a language change.
	plans      string // all, approved, service
	service    string // the service whose plans, for "service"
	lang       string // en, zh: the window's until the person chooses
	langChosen bool
	paper      string // a4, letter
	holder     string
	form       string // folder, zip, age
	dest       string
	passphrase string
	confirm    string
	// planList is the plans as the screen was last shown: the service
	// choice and the plans a pack takes come from the same read.
	planList []continuity.PlanSummary
	// While a pack is made.
	running bool
	cancel  context.CancelFunc
	done    float64
	step    string
	result  string
	made    string // the pack made last, for Open
	// Widgets.
	make, stop, open *widget.Button
	progress         *widget.ProgressBar
	stepLabel        *widget.Label
	resultLabel      *widget.Label
	destEntry        *widget.Entry
	holderEntry      *widget.Entry
	pass, again      *widget.Entry
	formRadio        *widget.RadioGroup
}

func newOffsiteScreen(ui *UI) *offsiteScreen {
	return &offsiteScreen{ui: ui, plans: "all", paper: "a4", form: "folder"}
}

func (s *offsiteScreen) title() string { return tr("Off-site pack") }

func (s *offsiteScreen) reload() {
	var err error
	if s.planList, err = s.ui.store.Continuity.Plans(s.ui.ctx); err != nil {
		s.ui.showError(err)
	}
}

func (s *offsiteScreen) view() fyne.CanvasObject {
	s.reload()
	intro := widget.NewLabel(tr("Everything needed when the normal site is gone: the continuity binder, the capacity plans, every record as a workbook, a copy of the database, the availability and budget reports, and a manifest to check them by."))
	intro.Wrapping = fyne.TextWrapWord

	choices := map[string]string{"all": tr("All plans"), "approved": tr("Approved plans only (no drafts)"), "service": tr("The plans of one service")}
	keyOf := func(label string, m map[string]string) string {
		for k, v := range m {
			if v == label {
				return k
			}
		}
		return ""
	}
	services := s.services()
	serviceSel := newSelect(services, func(v string) { s.service = v })
	serviceSel.PlaceHolder = tr("Choose a service")
	serviceSel.SetSelected(s.service)
	planSel := newSelect([]string{choices["all"], choices["approved"], choices["service"]}, nil)
	planSel.OnChanged = func(v string) {
		s.plans = keyOf(v, choices)
		if s.plans == "service" {
			serviceSel.Enable()
		} else {
			serviceSel.Disable()
		}
	}
	planSel.SetSelected(choices[s.plans])

	if !s.langChosen {
		s.lang = "en"
		if currentLanguage == Chinese {
			s.lang = "zh"
		}
	}
	langs := map[string]string{"en": "English", "zh": "简体中文"}
	lang := widget.NewRadioGroup([]string{"English", "简体中文"}, nil)
	lang.Horizontal = true
	lang.SetSelected(langs[s.lang])
	lang.OnChanged = func(v string) { s.lang, s.langChosen = keyOf(v, langs), true }
	papers := map[string]string{"a4": "A4", "letter": "Letter"}
	paper := widget.NewRadioGroup([]string{"A4", "Letter"}, func(v string) { s.paper = keyOf(v, papers) })
	paper.Horizontal = true
	paper.SetSelected(papers[s.paper])

	holder := widget.NewEntry()
	holder.SetPlaceHolder(tr("Leave empty for an uncontrolled copy"))
	holder.SetText(s.holder)
	holder.OnChanged = func(v string) { s.holder = v }
	s.holderEntry = holder

	s.pass, s.again = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	s.pass.SetText(s.passphrase)
	s.again.SetText(s.confirm)
	s.pass.OnChanged = func(v string) { s.passphrase = v }
	s.again.OnChanged = func(v string) { s.confirm = v }
	forms := map[string]string{"folder": tr("Folder"), "zip": tr("ZIP file"), "age": tr("Encrypted file (.age)")}
	form := widget.NewRadioGroup([]string{forms["folder"], forms["zip"], forms["age"]}, nil)
	form.Horizontal = true
	s.formRadio = form
	form.OnChanged = func(v string) {
		if k := keyOf(v, forms); k != "" {
			s.form = k
		}
		s.dest = withPackExtension(s.dest, s.form)
		if s.destEntry != nil {
			s.destEntry.SetText(s.dest)
		}
		if s.form == "age" {
			s.pass.Enable()
			s.again.Enable()
		} else {
			s.pass.Disable()
			s.again.Disable()
		}
	}
	s.destEntry = widget.NewEntry()
	s.destEntry.SetPlaceHolder(tr("Where to write the pack"))
	s.destEntry.OnChanged = func(v string) { s.dest = v }
	form.SetSelected(forms[s.form])
	if s.dest == "" {
		s.dest = s.defaultDest()
	}
	s.destEntry.SetText(s.dest)
	choose := &widget.Button{Text: tr("Choose…"), Icon: theme.FolderOpenIcon(), OnTapped: s.chooseDest}

	fields := widget.NewForm(
		widget.NewFormItem(tr("Plans"), container.NewVBox(planSel, serviceSel)),
		widget.NewFormItem(tr("Language"), lang),
		widget.NewFormItem(tr("Paper"), paper),
		widget.NewFormItem(tr("Copy for"), holder),
		widget.NewFormItem(tr("Form"), form),
		widget.NewFormItem(tr("Passphrase"), s.pass),
		widget.NewFormItem(tr("Passphrase again"), s.again),
		widget.NewFormItem(tr("Destination"), container.NewBorder(nil, nil, nil, choose, s.destEntry)),
	)
	s.make = &widget.Button{Text: tr("Make pack"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: s.onMake}
	s.stop = &widget.Button{Text: tr("Cancel"), Icon: theme.CancelIcon(), OnTapped: s.onCancel}
	s.open = &widget.Button{Text: tr("Open the pack"), Icon: theme.FolderOpenIcon(), OnTapped: func() { s.ui.openFile(s.made) }}
	s.progress = widget.NewProgressBar()
	s.progress.SetValue(s.done)
	s.stepLabel = widget.NewLabel(s.step)
	s.resultLabel = widget.NewLabel(s.result)
	s.resultLabel.Wrapping = fyne.TextWrapWord
	s.setRunning(s.running)
	note := widget.NewLabel(tr("An encrypted pack can be opened only with its passphrase (servicebook open-pack); keep the passphrase apart from the pack. The manifest lets anyone check the files with servicebook verify or sha256sum."))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	body := container.NewVBox(intro, fields, container.NewHBox(s.make, s.stop, s.open), s.progress, s.stepLabel, s.resultLabel, note)
	return container.NewVScroll(container.NewPadded(body))
}

// services lists the services that have a plan, as "REF name".
func (s *offsiteScreen) services() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range s.planList {
		label := p.ServiceRef + " " + p.ServiceName
		if !seen[label] {
			seen[label] = true
			out = append(out, label)
		}
	}
	return out
}

// chosenPlans resolves the plan choice to document numbers.
func (s *offsiteScreen) chosenPlans() ([]string, error) {
	var docs []string
	for _, p := range s.planList {
		switch s.plans {
		case "approved":
			if p.Status() == continuity.Draft {
				continue
			}
		case "service":
			if p.ServiceRef+" "+p.ServiceName != s.service {
				continue
			}
		}
		docs = append(docs, p.DocNumber)
	}
	if len(docs) == 0 && len(s.planList) > 0 {
		return nil, fmt.Errorf("%s", tr("No plan matches the choice of plans."))
	}
	return docs, nil
}

func (s *offsiteScreen) defaultDest() string {
	base := filepath.Dir(s.ui.store.Path)
	if home, err := os.UserHomeDir(); err == nil {
		base = home
	}
	return withPackExtension(filepath.Join(base, "servicebook-offsite-"+s.ui.store.DB.Now().Format("2006-01-02")), s.form)
}

// withPackExtension gives dest the ending its form needs: none for a
// folder, .zip, .age.
func withPackExtension(dest, form string) string {
	if dest == "" {
		return ""
	}
	for _, ext := range []string{".zip", ".age"} {
		dest = strings.TrimSuffix(dest, ext)
	}
	switch form {
	case "zip":
		return dest + ".zip"
	case "age":
		return dest + ".age"
	}
	return dest
}

func (s *offsiteScreen) chooseDest() {
	if s.form == "folder" {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err != nil || u == nil {
				return
			}
			s.dest = filepath.Join(u.Path(), filepath.Base(s.defaultDest()))
			s.destEntry.SetText(s.dest)
		}, s.ui.win)
		d.Resize(dialogSize(s.ui.win))
		d.Show()
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		os.Remove(path) // the dialog made an empty file; the pack is written whole or not at all
		s.dest = withPackExtension(path, s.form)
		s.destEntry.SetText(s.dest)
	}, s.ui.win)
	d.SetFileName(filepath.Base(s.dest))
	d.Resize(dialogSize(s.ui.win))
	d.Show()
}

func (s *offsiteScreen) setRunning(running bool) {
	s.running = running
	if running {
		s.make.Disable()
		s.stop.Enable()
	} else {
		s.make.Enable()
		s.stop.Disable()
	}
	if s.made == "" || running {
		s.open.Disable()
	} else {
		s.open.Enable()
	}
}

func (s *offsiteScreen) onCancel() {
	if s.cancel != nil {
		s.cancel()
		s.stepLabel.SetText(tr("Cancelling…"))
	}
}

// onMake checks the choices and makes the pack off the UI goroutine, the
// progress bar following its steps.
func (s *offsiteScreen) onMake() {
	dest := strings.TrimSpace(s.dest)
	if dest == "" {
		s.ui.showError(fmt.Errorf("%s", tr("Choose where to write the pack.")))
		return
	}
	req := export.PackRequest{DB: s.ui.store.DB, Live: s.ui.store.Continuity, LiveCapacity: s.ui.store.Capacity, Version: s.ui.store.Version}
	if s.form == "age" {
		if len([]rune(s.passphrase)) < 10 {
			s.ui.showError(fmt.Errorf("%s", tr("Choose a passphrase of at least 10 characters: the pack leaves the building.")))
			return
		}
		if s.passphrase != s.confirm {
			s.ui.showError(fmt.Errorf("%s", tr("The two passphrases differ.")))
			return
		}
		req.Passphrase = s.passphrase
	}
	s.reload() // the plans as they are now, not as when the screen was shown
	docs, err := s.chosenPlans()
	if err != nil {
		s.ui.showError(err)
		return
	}
	req.Plans = docs
	req.PDF = s.ui.pdfOptions()
	req.PDF.Lang, req.PDF.Paper, req.PDF.CopyFor = s.lang, s.paper, strings.TrimSpace(s.holder)
	ctx, cancel := context.WithCancel(s.ui.ctx)
	s.cancel = cancel
	s.made, s.result, s.done = "", "", 0
	s.progress.SetValue(0)
	s.resultLabel.SetText("")
	s.setRunning(true)
	req.Progress = func(step string, done, total int) {
		fyne.Do(func() {
			s.done, s.step = float64(done-1)/float64(total), tr(step)
			s.progress.SetValue(s.done)
			s.stepLabel.SetText(s.step)
		})
	}
	s.ui.setStatus(tr("Making the off-site pack…"))
	s.ui.background(func() func() {
		m, err := export.MakePack(ctx, dest, req)
		return func() {
			cancel()
			s.cancel = nil
			if err != nil {
				s.setRunning(false)
				s.step = ""
				s.stepLabel.SetText("")
				if ctx.Err() != nil {
					s.ui.setStatus(tr("Cancelled: no pack was written."))
					return
				}
				s.ui.setStatus(tr("No pack was written."))
				s.ui.showError(err)
				return
			}
			s.made, s.done, s.step = dest, 1, tr("Done.")
			s.progress.SetValue(1)
			s.stepLabel.SetText(s.step)
			var lines []string
			for _, f := range m.Files {
				lines = append(lines, fmt.Sprintf("  %s  (%s)", f.Name, sizeText(f.Size)))
			}
			for _, c := range m.Issued {
				lines = append(lines, trf("{{.Doc}}: copy {{.Copy}} of version {{.Version}} recorded as issued to {{.Holder}}.",
					map[string]any{"Doc": c.DocNumber, "Copy": c.CopyNo, "Version": c.Version, "Holder": c.Holder}))
			}
			s.result = trf("Pack written to {{.Path}}, change-log position {{.Position}}:", map[string]any{"Path": dest, "Position": m.ChangeLogPosition}) +
				"\n" + strings.Join(lines, "\n")
			s.resultLabel.SetText(s.result)
			s.setRunning(false)
			s.ui.setStatus(trf("Pack written to {{.Path}}", map[string]any{"Path": dest}))
			if len(m.Issued) > 0 {
				s.ui.plans.reload()
			}
		}
	})
}

// sizeText is a file size a person reads: 1.2 MB, 340 kB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
