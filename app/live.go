package app

import (
	"context"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"servicebook/store"
)

// watch follows the changes other desktops (or, on a file, other
// processes) make to the open database, and shows them: the CI list and
// the dashboard read again, and a CI being edited that someone else saved
// is said on the status line before the person saves over it (the save
// would be refused as stale). It stops when the window opens another
// database.
func (ui *UI) watch() {
	if ui.stopWatch != nil {
		ui.stopWatch()
	}
	db := ui.store.DB
	if db == nil {
		return
	}
	ctx, cancel := context.WithCancel(ui.ctx)
	ui.stopWatch = cancel
	go db.Watch(ctx, func(changed []store.Changed) {
		if len(changed) == 0 {
			return // listening (again)
		}
		ui.deliver(func() {
			if ctx.Err() == nil {
				ui.othersChanged(changed)
			}
		})
	})
}

// othersChanged shows what changed elsewhere.
func (ui *UI) othersChanged(changed []store.Changed) {
	cis := false
	for _, c := range changed {
		if c.Entity != "ci" {
			continue
		}
		cis = true
		if sel := ui.cis.selected; sel != nil && ui.cis.editing && ui.cis.dirty() && (c.ID == 0 || c.ID == sel.ID) {
			ui.setStatus(trf("{{.Ref}} was just changed by someone else; saving your edit would be refused. Copy what you typed, then open it again.",
				map[string]any{"Ref": sel.Ref}))
		}
	}
	if !cis {
		return
	}
	ui.cis.reload()
	ui.dashboard.loaded = false
	if ui.screens[ui.current] == screen(ui.cis) || ui.screens[ui.current] == screen(ui.dashboard) {
		ui.show(ui.current)
	}
}

// onConnectServer asks for a PostgreSQL server's address and the
// person's password, and opens servicebook's database there. The password
// is used for this connection only: it is never written to the settings
// (the recent list keeps the address without it) or anywhere else.
func (ui *UI) onConnectServer(address string) {
	addr := widget.NewEntry()
	addr.SetPlaceHolder("postgres://anna@db.example/servicebook")
	addr.SetText(address)
	password := widget.NewPasswordEntry()
	items := []*widget.FormItem{
		widget.NewFormItem(tr("Server address"), addr),
		widget.NewFormItem(tr("Password"), password),
	}
	d := dialog.NewForm(tr("Connect to server"), tr("Connect"), tr("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		raw, err := serverAddress(addr.Text, password.Text)
		if err != nil {
			ui.showError(err)
			return
		}
		ui.openDatabase(raw)
	}, ui.win)
	// Enter in either field connects, as in any sign-in dialog.
	addr.OnSubmitted = func(string) { d.Submit() }
	password.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
	if address != "" {
		ui.win.Canvas().Focus(password) // the address is known: what is asked is the password
	} else {
		ui.win.Canvas().Focus(addr)
	}
}

// serverAddress is the address typed with the password typed, for this
// connection only: in the address's user part, or, for an address that
// names no user (the server's default, or a service file's), as its
// password parameter.
func serverAddress(typed, password string) (string, error) {
	raw := strings.TrimSpace(typed)
	if !store.IsPostgres(raw) {
		return "", store.Errorf(store.EInvalid, "%q is not a server address; it starts with postgres://", raw)
	}
	if password == "" {
		return raw, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", store.Errorf(store.EInvalid, "The server address %s cannot be read: %v", store.ShownURL(raw), err)
	}
	if u.User != nil && u.User.Username() != "" {
		u.User = url.UserPassword(u.User.Username(), password)
	} else {
		q := u.Query()
		q.Set("password", password)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}
