package app

import (
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/export"
)

// printButton is the plan editor's "Print…": the open plan as a PDF, in
// the window's language, opened in the system's viewer when done.
func (s *plansScreen) printButton() *widget.Button {
	s.print = &widget.Button{Text: tr("Print…"), Icon: theme.DocumentPrintIcon(), OnTapped: s.onPrint}
	return s.print
}

func (s *plansScreen) onPrint() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		s.printTo(path, true)
	}, s.ui.win)
	d.SetFileName(strings.ReplaceAll(s.draft.DocNumber+"-"+s.draft.Version, "/", "-") + ".pdf")
	d.Show()
}

// printTo writes the open plan's binder to path off the UI goroutine and,
// when show is set, opens it.
func (s *plansScreen) printTo(path string, show bool) {
	doc := s.draft.DocNumber
	opt := export.PDFOptions{Lang: "en", AsOf: s.ui.store.DB.Now(), Author: s.ui.store.DB.User}
	if currentLanguage == Chinese {
		opt.Lang = "zh"
	}
	s.print.Disable()
	s.ui.setStatus(trf("Printing {{.Doc}}…", map[string]any{"Doc": doc}))
	s.ui.background(func() func() {
		plans, err := export.LoadBinder(s.ui.ctx, s.store(), s.ui.store.CMDB, []string{doc})
		if err == nil {
			err = export.Binder(path, plans, opt)
		}
		return func() {
			s.print.Enable()
			if err != nil {
				s.ui.setStatus(tr("Not printed."))
				s.ui.showError(err)
				return
			}
			s.ui.setStatus(trf("Printed {{.Doc}} to {{.Path}}", map[string]any{"Doc": doc, "Path": path}))
			if show {
				abs, _ := filepath.Abs(path)
				if u, err := url.Parse(storage.NewFileURI(abs).String()); err == nil {
					s.ui.app.OpenURL(u)
				}
			}
		}
	})
}
