package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/internal/pgtest"
	"servicebook/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// TestWindowFollowsOthersChanges: a window open on a database file and on
// a server database sees a CI another desktop adds appear in its list, and
// is told, while the person has unsaved edits to a CI, that someone else
// has just saved that CI — before the person's own save is refused.
func TestWindowFollowsOthersChanges(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cm, err := cmdb.NewStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if err := demo.Organisation(ctx, cm); err != nil {
			t.Fatal(err)
		}
		ui := New(test.NewTempApp(t), Store{Path: db.Path, DB: db, CMDB: cm, Version: "test", SettingsPath: filepath.Join(t.TempDir(), "settings.json")})
		ui.background = func(work func() func()) { work()() }
		// What the watch learns runs here, on the test's goroutine, as it
		// would on the window's.
		learned := make(chan func(), 64)
		ui.deliver = func(f func()) { learned <- f }
		ui.watch()
		defer ui.stopWatch()
		ui.win.Resize(fyne.NewSize(1280, 800))
		ui.win.Show()
		c := ui.gotoCIs()
		before := c.total
		first, _ := c.row(0)
		c.open(first)
		c.draft.Description = "我正在改的说明"
		if !c.dirty() {
			t.Fatal("the edit did not make the form dirty")
		}

		other, err := store.Open(ctx, db.Path) // another desktop
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		ocm, err := cmdb.NewStore(ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		theirs, _ := ocm.CI(ctx, first.Ref)
		theirs.Owner = "别的同事"
		if _, err := ocm.UpdateCI(ctx, theirs); err != nil {
			t.Fatal(err)
		}
		if _, err := ocm.CreateCI(ctx, cmdb.CI{TypeKey: "server", Name: "来自别处的服务器", Status: cmdb.StatusPlanned, Criticality: 3}); err != nil {
			t.Fatal(err)
		}
		deadline := time.After(15 * time.Second)
		for c.total != before+1 || !strings.Contains(ui.status.Text, first.Ref+" was just changed by someone else") {
			select {
			case f := <-learned:
				f()
			case <-deadline:
				t.Fatalf("after 15 s: %d CIs listed (want %d), status %q", c.total, before+1, ui.status.Text)
			}
		}
		if c.draft.Description != "我正在改的说明" {
			t.Errorf("the unsaved edit was lost: %q", c.draft.Description)
		}
	})
}
