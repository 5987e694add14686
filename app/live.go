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
		raw := strings.TrimSpace(addr.Text)
		if !store.IsPostgres(raw) {
			ui.showError(store.Errorf(store.EInvalid, "%q is not a server address; it starts with postgres://", raw))
			return
		}
		if password.Text != "" {
			if u, err := url.Parse(raw); err == nil && u.User != nil {
				u.User = url.UserPassword(u.User.Username(), password.Text)
				raw = u.String()
			}
		}
		ui.openDatabase(raw)
	}, ui.win)
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
}
