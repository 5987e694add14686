// Command servicebook keeps an organisation's CMDB, continuity and
// availability plans and service budgets in one SQLite file. See README.md.
//
// main.go is the only file that imports Fyne's app package (it needs cgo and
// OpenGL); everything else builds and tests without a display.
package main

import (
	"context"
	"log"
	"os"
	"os/signal"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"servicebook/app"
	"servicebook/cli"
	_ "servicebook/internal/clocale" // before Fyne reads the locale: see its doc
)

// started is when the process began, for the start-up time the window logs.
var started = time.Now()

func main() {
	if os.Getenv("SERVICEBOOK_BARE_WINDOW") != "" {
		bareWindow()
		return
	}
	// Ctrl+C cancels a running import or export cleanly: the transaction
	// rolls back and nothing half-done is left behind.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(cli.Run(ctx, os.Args[1:], cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Window: openWindow}))
}

// openWindow runs the desktop window on the database the command line opened.
func openWindow(ctx context.Context, a *cli.App) error {
	fa := fyneapp.NewWithID(app.ID)
	ui := app.New(fa, app.Store{Path: a.DBPath, DB: a.DB, CMDB: a.CMDB, Continuity: a.Continuity, Budget: a.Budget, Capacity: a.Capacity, SampleData: a.FirstRun, Version: cli.Version, Explicit: a.Explicit,
		SettingsPath: app.DefaultSettingsPath()})
	fa.Lifecycle().SetOnStarted(func() {
		log.Printf("servicebook: window ready %d ms after start (%s)", time.Since(started).Milliseconds(), a.DBPath)
	})
	ui.ShowAndRun()
	return nil
}

// bareWindow shows an empty Fyne window and logs when it is ready, as the
// window does: scripts/bench.sh measures servicebook's window against it on
// the same display (SERVICEBOOK_BARE_WINDOW=1).
func bareWindow() {
	fa := fyneapp.NewWithID(app.ID + ".bare")
	w := fa.NewWindow("bare")
	w.Resize(fyne.NewSize(1200, 760))
	fa.Lifecycle().SetOnStarted(func() {
		log.Printf("servicebook: window ready %d ms after start (bare)", time.Since(started).Milliseconds())
	})
	w.ShowAndRun()
}
