package app

import (
	"fyne.io/fyne/v2/dialog"
)

// confirm asks before something that cannot simply be taken back. The
// buttons say what they do — "Delete" and "Cancel", not "Yes" and "No" —
// in the window's language, so that a person reading 删除 / 取消 knows which
// one deletes. fn is told which was pressed.
func (ui *UI) confirm(title, message, action string, fn func(ok bool)) {
	d := dialog.NewConfirm(title, message, fn, ui.win)
	d.SetConfirmText(action)
	d.SetDismissText(tr("Cancel"))
	d.Show()
}
