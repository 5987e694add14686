package app

import (
	"context"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
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
		ui := newTestUIOn(t, db)
		// What the watch learns runs here, on the test's goroutine, as it
		// would on the window's.
		learned := make(chan func(), 64)
		ui.deliver = func(f func()) { learned <- f }
		ui.watch()
		defer ui.stopWatch()
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

// TestConnectToServerInTheWindow: File → Connect to server… signs in as a
// person's own role with the password typed, Enter connecting; the window
// then shows the server's database, named without the password, and the
// change log records that role. A wrong password is refused in plain
// words that do not repeat it.
func TestConnectToServerInTheWindow(t *testing.T) {
	ctx := context.Background()
	admin, dsn := store.MustInitServer(t)
	login := "anna_" + path.Base(dsn)
	if _, err := admin.ExecContext(ctx, "CREATE ROLE "+login+" LOGIN PASSWORD 'anna-pw' IN ROLE "+store.EditorRole); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(dsn)
	u.User = url.User(login)
	address := u.String()

	ui := newFileTestUI(t)
	ui.win.Show()
	typeInto := func(label, text string) {
		t.Helper()
		var entry *widget.Entry
		walk(ui.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if f, ok := o.(*widget.Form); ok {
				for _, item := range f.Items {
					if item.Text == label {
						entry = item.Widget.(*widget.Entry)
					}
				}
			}
		})
		if entry == nil {
			t.Fatalf("the dialog has no %q field", label)
		}
		entry.SetText("")
		test.Type(entry, text)
		entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}

	ui.onConnectServer("")
	typeInto("Server address", address) // Enter: connects without a password
	if text := dialogText(t, ui); !strings.Contains(text, "did not accept the sign-in") {
		t.Fatalf("signing in without the password: %q", text)
	}
	tapDialog(t, ui, "OK")

	ui.onConnectServer(address) // as the recent list asks again
	typeInto("Password", "not-annas-pw")
	if text := dialogText(t, ui); !strings.Contains(text, "did not accept the sign-in") || strings.Contains(text, "not-annas-pw") {
		t.Fatalf("a wrong password: %q", text)
	}
	tapDialog(t, ui, "OK")
	if ui.store.DB.Dialect != store.SQLite {
		t.Fatal("a refused sign-in left the file")
	}

	ui.onConnectServer(address)
	typeInto("Password", "anna-pw")
	if ui.store.DB.Dialect != store.Postgres || ui.store.DB.User != login || ui.store.Path != store.ShownURL(address) {
		t.Fatalf("connected to %s as %q (%v)", ui.store.Path, ui.store.DB.User, ui.store.DB.Dialect)
	}
	if strings.Contains(ui.win.Title()+ui.status.Text, "anna-pw") {
		t.Errorf("the password is shown: %q %q", ui.win.Title(), ui.status.Text)
	}
	// anna's change is logged as anna's.
	c := ui.gotoCIs()
	c.onNew()
	c.draft.Name = "anna 的服务器"
	c.draft.TypeKey = "server"
	c.onSave()
	var who string
	if err := admin.QueryRowContext(ctx, "SELECT who FROM change_log ORDER BY id DESC LIMIT 1").Scan(&who); err != nil || who != login {
		t.Errorf("the change log records %q (%v), want %q", who, err, login)
	}
}
