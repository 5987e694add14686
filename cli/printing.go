package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"servicebook/export"
	"servicebook/internal/clocale"
	"servicebook/store"
)

// printFlags are what every printed document asks.
type printFlags struct {
	Lang  string `enum:"auto,en,zh" default:"auto" help:"Language of the printed pages: en, zh, or auto (from LANG)."`
	Paper string `enum:"a4,letter" default:"a4" help:"Paper size: a4 or letter."`
	AsOf  string `name:"as-of" help:"The date and time printed as \"as of\" and stored in the file, e.g. 2026-11-24 09:00 (default: now). The same data and time give the same bytes."`
	Org   string `help:"Organisation name for the cover."`
}

func (f printFlags) options(now time.Time) (export.PDFOptions, error) {
	opt := export.PDFOptions{Lang: f.Lang, Paper: f.Paper, AsOf: now, Org: f.Org}
	if opt.Lang == "auto" {
		opt.Lang = "en"
		if strings.HasPrefix(clocale.Messages(), "zh") {
			opt.Lang = "zh"
		}
	}
	if f.AsOf != "" {
		at, err := parseTime(f.AsOf, "Local")
		if err != nil {
			return opt, store.Errorf(store.EInvalid, "--as-of %q is not a time; write it as 2026-11-24 09:00.", f.AsOf)
		}
		opt.AsOf = at
	}
	return opt, nil
}

type exportBinderCmd struct {
	Plan []string `help:"A plan's document number (repeat for several); all plans when left out."`
	printFlags
	File string `arg:"" type:"path" help:"OUT.pdf"`
}

func (c exportBinderCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	opt, err := c.options(app.DB.Now())
	if err != nil {
		return err
	}
	plans, err := export.LoadBinder(ctx, app.Continuity, app.CMDB, c.Plan)
	if err != nil {
		return err
	}
	if len(plans) == 0 {
		return store.Errorf(store.EInvalid, "There are no continuity plans to print.")
	}
	if err := export.Binder(c.File, plans, opt); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Printed %d plan(s) to %s\n", len(plans), c.File)
	return nil
}
