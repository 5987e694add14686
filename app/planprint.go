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
	name := strings.ReplaceAll(s.draft.DocNumber+"-"+s.draft.Version, "/", "-") + ".pdf"
	s.ui.askPDFPath(name, func(path string) { s.printTo(path, true) })
}

// printTo writes the open plan's binder to path off the UI goroutine and,
// when show is set, opens it.
func (s *plansScreen) printTo(path string, show bool) {
	doc := s.draft.DocNumber
	s.ui.printPDF(s.print, doc, path, show, func(opt export.PDFOptions) error {
		plans, err := export.LoadBinder(s.ui.ctx, s.store(), s.ui.store.CMDB, []string{doc})
		if err != nil {
			return err
		}
		return export.Binder(path, plans, opt)
	})
}

// askPDFPath asks where to save a PDF, suggesting name, and calls then
// with the path chosen.
func (ui *UI) askPDFPath(name string, then func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		then(path)
	}, ui.win)
	d.SetFileName(name)
	d.Resize(dialogSize(ui.win))
	d.Show()
}

// pdfOptions are the printing choices the window makes for the person:
// its language, A4, now.
func (ui *UI) pdfOptions() export.PDFOptions {
	opt := export.PDFOptions{Lang: "en", AsOf: ui.store.DB.Now(), Author: ui.store.DB.User}
	if currentLanguage == Chinese {
		opt.Lang = "zh"
	}
	return opt
}

// printPDF runs work (which writes the PDF at path) off the UI goroutine
// with button disabled and the status line saying what is printed, then
// opens the PDF in the system's viewer when show is set.
func (ui *UI) printPDF(button *widget.Button, what, path string, show bool, work func(export.PDFOptions) error) {
	opt := ui.pdfOptions()
	if button != nil {
		button.Disable()
	}
	ui.setStatus(trf("Printing {{.Doc}}…", map[string]any{"Doc": what}))
	ui.background(func() func() {
		err := work(opt)
		return func() {
			if button != nil {
				button.Enable()
			}
			if err != nil {
				ui.setStatus(tr("Not printed."))
				ui.showError(err)
				return
			}
			ui.setStatus(trf("Printed {{.Doc}} to {{.Path}}", map[string]any{"Doc": what, "Path": path}))
			if show {
				ui.openFile(path)
			}
		}
	})
}

// openFile opens a file or folder in the system's own program for it.
func (ui *UI) openFile(path string) {
	abs, _ := filepath.Abs(path)
	if u, err := url.Parse(storage.NewFileURI(abs).String()); err == nil {
		ui.app.OpenURL(u)
	}
}

// dialogSize is the size of a file dialog: most of the window, so that a
// folder's files can be read without scrolling sideways.
func dialogSize(win fyne.Window) fyne.Size {
	s := win.Canvas().Size()
	return fyne.NewSize(max(640, s.Width*0.85), max(460, s.Height*0.85))
}
