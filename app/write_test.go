package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicebook/store"
)

// sayWhileWriting makes the test UI's background work note what the window
// said while the work ran, so a test can see a save went through UI.write.
func sayWhileWriting(ui *UI) *[]string {
	said := &[]string{}
	ui.background = func(work func() func()) {
		*said = append(*said, ui.status.Text)
		work()()
	}
	return said
}

// TestSaveWaitsForAnotherProcesssWrite: while another connection (another
// servicebook, importing) holds the file's write lock, a save says it is
// waiting, waits, and then saves; the form keeps what was typed.
func TestSaveWaitsForAnotherProcesssWrite(t *testing.T) {
	ui := newFileTestUI(t)
	c := ui.gotoCIs()
	test.Type(c.search, "bj-db-01")
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	entryOf(t, c, "location").SetText("机房 B-12")
	released := store.HoldWriteLock(t, ui.store.Path, 400*time.Millisecond)
	said := sayWhileWriting(ui)
	c.onSave()
	<-released
	if len(*said) != 1 || !strings.Contains((*said)[0], "Saving…") {
		t.Errorf("while waiting the window said %q", *said)
	}
	got, _ := ui.store.CMDB.CI(ui.ctx, c.selected.Ref)
	if got.Location != "机房 B-12" || !strings.Contains(ui.status.Text, "Saved") {
		t.Errorf("after the other write ended: location %q, status %q", got.Location, ui.status.Text)
	}
}

// TestEveryScreenWaitsForAnotherProcesssWrite: the plan's steps, the
// outage register, budget approval and baselines save through UI.write
// too: with another process holding the lock each one says it is waiting,
// then saves.
func TestEveryScreenWaitsForAnotherProcesssWrite(t *testing.T) {
	ui := withBudget(t, withContinuity(t, newFileTestUI(t))) // another process holds a file's lock
	said := sayWhileWriting(ui)
	writes := []struct {
		name  string
		do    func()
		saved func() bool
	}{
		{"plan step", func() {
			ui.showScreen(ui.plans)
			ui.plans.open("SM-02003")
			ui.plans.tab = 1
			ui.show(ui.current)
			ui.plans.stepsTable.Select(widget.TableCellID{Row: 0, Col: 3})
			ui.plans.stepInputs["action"].SetText("切换至同城灾备中心")
			test.Tap(ui.plans.saveStep)
		}, func() bool {
			steps, _ := ui.store.Continuity.Steps(ui.ctx, ui.plans.draft.ID)
			return steps[0].Action == "切换至同城灾备中心"
		}},
		{"outage", func() {
			ui.showScreen(ui.avail)
			ui.avail.period = "2026-10"
			ui.show(ui.current)
			f := ui.avail.newOutage
			f.service.SetSelected(f.service.Options[0])
			f.start.SetText("2026-10-26 10:00")
			f.end.SetText("2026-10-26 10:20")
			f.what.SetText("锁等待测试")
			test.Tap(ui.avail.addOutage)
		}, func() bool {
			return len(ui.avail.outages) > 0 && ui.avail.outages[len(ui.avail.outages)-1].Description == "锁等待测试"
		}},
		{"budget approval", func() {
			ui.showScreen(ui.budget)
			ui.budget.selected = 0
			ui.show(ui.current)
			ui.budget.approver.SetText("财务部 张总")
			test.Tap(ui.budget.approve)
		}, func() bool { return ui.budget.lines[0].Status == "approved" }},
		{"baseline", func() {
			ui.showScreen(ui.baselines)
			ui.baselines.name = "锁等待"
			ui.baselines.onTake()
		}, func() bool { return len(ui.baselines.list) == 1 && ui.baselines.list[0].Name == "锁等待" }},
	}
	for _, w := range writes {
		*said = nil
		released := store.HoldWriteLock(t, ui.store.Path, 300*time.Millisecond)
		w.do()
		<-released
		if len(*said) != 1 || !strings.Contains((*said)[0], "Saving…") {
			t.Errorf("%s: while another process held the lock the window said %q", w.name, *said)
		}
		if !w.saved() {
			t.Errorf("%s: not saved once the lock was released; status %q", w.name, ui.status.Text)
		}
	}
}
