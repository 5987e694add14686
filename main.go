// Command servicebook keeps an organisation's CMDB, continuity and capacity
// plans and service budgets in one SQLite file. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"

	"servicebook/cli"
)

func main() {
	// Ctrl+C cancels a running import or export cleanly: the transaction
	// rolls back and nothing half-done is left behind.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(cli.Run(ctx, os.Args[1:], cli.Env{Stdout: os.Stdout, Stderr: os.Stderr}))
}
