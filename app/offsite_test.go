package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicebook/continuity"
	"servicebook/demo"
	"servicebook/export"
)

// newRecordsUI is the window on the sample organisation with plans,
// outages and a budget.
func newRecordsUI(t *testing.T) *UI {
	ui := newContinuityUI(t)
	if err := demo.Budget(context.Background(), ui.store.CMDB, ui.store.Budget); err != nil {
		t.Fatal(err)
	}
	if err := demo.Capacity(context.Background(), ui.store.CMDB, ui.store.Capacity, ui.store.Budget); err != nil {
		t.Fatal(err)
	}
	return ui
}

// TestOffsitePackFromTheWindow: File > Export off-site pack… brings up
// the screen; a pack for a holder is made into a folder, the progress bar
// full and the files listed, the holder's copies recorded; an encrypted
// pack refuses two different passphrases and, with one, writes a file
// that verifies with it.
func TestOffsitePackFromTheWindow(t *testing.T) {
	ui := newRecordsUI(t)
	ui.SetLanguage(Chinese)
	ui.showScreen(ui.offsite)
	s := ui.offsite
	if ui.screens[ui.current] != screen(ui.offsite) || ui.nav == nil {
		t.Fatalf("the off-site screen is not shown: %d", ui.current)
	}
	dir := filepath.Join(t.TempDir(), "pack")
	s.destEntry.SetText(dir)
	test.Type(s.holderEntry, "异地保险柜")
	test.Tap(s.make)
	if rep, err := export.VerifyPack(dir, ""); err != nil || !rep.OK() {
		t.Fatalf("the pack from the window: %+v, %v", rep, err)
	}
	if s.progress.Value != 1 || !strings.Contains(s.resultLabel.Text, "continuity-binder.pdf") || s.open.Disabled() || s.make.Disabled() || !s.stop.Disabled() {
		t.Errorf("after the pack: progress %v, result %q, open disabled %v", s.progress.Value, s.resultLabel.Text, s.open.Disabled())
	}
	if !strings.Contains(s.resultLabel.Text, "已登记发放给 异地保险柜") {
		t.Errorf("the result does not say the copies were issued: %q", s.resultLabel.Text)
	}
	if text, err := exec.Command("pdftotext", "-raw", filepath.Join(dir, "continuity-binder.pdf"), "-").Output(); err != nil ||
		!strings.Contains(string(text), "服务连续性计划手册") {
		t.Errorf("the pack's binder is not in Chinese: %v", err)
	}
	// Encrypted.
	sealed := filepath.Join(t.TempDir(), "pack.age")
	s.formRadio.SetSelected(tr("Encrypted file (.age)"))
	if s.pass.Disabled() {
		t.Fatal("the passphrase cannot be typed for an encrypted pack")
	}
	s.destEntry.SetText(sealed)
	test.Type(s.pass, "a long enough passphrase")
	test.Type(s.again, "a different passphrase!")
	test.Tap(s.make)
	if _, err := os.Stat(sealed); err == nil {
		t.Fatal("a pack was written with two different passphrases")
	}
	s.again.SetText("a long enough passphrase")
	test.Tap(s.make)
	if rep, err := export.VerifyPack(sealed, "a long enough passphrase"); err != nil || !rep.OK() {
		t.Fatalf("the encrypted pack from the window: %+v, %v", rep, err)
	}
}

// TestReportsFromTheWindow: the Availability and Budget screens print
// their report as a PDF.
func TestReportsFromTheWindow(t *testing.T) {
	ui := newRecordsUI(t)
	ui.showScreen(ui.avail)
	ui.avail.period = "2026-10"
	ui.show(ui.current)
	if ui.avail.exportPDF.Disabled() {
		t.Fatal("Export PDF… is disabled on availability")
	}
	av := filepath.Join(t.TempDir(), "availability.pdf")
	ui.avail.exportTo(av, false)
	ui.showScreen(ui.budget)
	bu := filepath.Join(t.TempDir(), "budget.pdf")
	ui.budget.printTo(bu, false)
	for path, want := range map[string]string{av: "Service availability report — 2026-10", bu: "Service budget report — fiscal year 2026"} {
		text, err := exec.Command("pdftotext", "-raw", path, "-").Output()
		if err != nil || !strings.Contains(string(text), want) {
			t.Errorf("%s does not say %q: %v", path, want, err)
		}
	}
	if !strings.Contains(ui.status.Text, bu) {
		t.Errorf("status after printing: %q", ui.status.Text)
	}
}

// TestAvailabilityTargetFromTheWindow: Target… changes the selected
// service's target, sets one for a service found by name, and removes one
// after asking.
func TestAvailabilityTargetFromTheWindow(t *testing.T) {
	ui := newRecordsUI(t)
	ui.showScreen(ui.avail)
	s := ui.avail
	s.period = "2026-10"
	ui.show(ui.current)
	ref := s.results[s.selected].ServiceRef
	test.Tap(buttonLabelled(t, ui, "Target…"))
	percent := formEntry(t, ui, "Target %")
	percent.SetText("99.5")
	tapDialog(t, ui, "Save")
	targets, _ := ui.store.Continuity.Targets(ui.ctx)
	if got := targetOf(targets, ref); got == nil || got.Percent != 99.5 {
		t.Fatalf("after Save, %s's target is %+v", ref, got)
	}
	// A service without a target, found by its name.
	s.targetDialog(nil)
	service := formEntry(t, ui, "Service")
	test.Type(service, "公司网银")
	formEntry(t, ui, "Target %").SetText("99.8")
	tapDialog(t, ui, "Save")
	targets, _ = ui.store.Continuity.Targets(ui.ctx)
	var corporate *continuity.Target
	for i := range targets {
		if strings.Contains(targets[i].ServiceName, "公司网银") {
			corporate = &targets[i]
		}
	}
	if corporate == nil || corporate.Percent != 99.8 || corporate.ServiceHours != "7×24" {
		t.Fatalf("the new target: %+v", corporate)
	}
	// Remove, after asking.
	test.Tap(buttonLabelled(t, ui, "Target…"))
	tapDialog(t, ui, "Remove target")
	tapDialog(t, ui, "Remove")
	targets, _ = ui.store.Continuity.Targets(ui.ctx)
	if len(targets) != 6 {
		t.Errorf("%d targets after removing one of 7", len(targets))
	}
}

func targetOf(targets []continuity.Target, ref string) *continuity.Target {
	for i := range targets {
		if targets[i].ServiceRef == ref {
			return &targets[i]
		}
	}
	return nil
}

// formEntry finds the entry labelled label in the top dialog's form.
func formEntry(t *testing.T, ui *UI, label string) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	for _, overlay := range ui.win.Canvas().Overlays().List() {
		walk(overlay, func(o fyne.CanvasObject) {
			if f, ok := o.(*widget.Form); ok {
				for _, it := range f.Items {
					if e, ok := it.Widget.(*widget.Entry); ok && it.Text == label && found == nil {
						found = e
					}
				}
			}
		})
	}
	if found == nil {
		t.Fatalf("the dialog has no %q entry", label)
	}
	return found
}
