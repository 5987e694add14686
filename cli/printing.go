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
	Plan    []string `help:"A plan's document number (repeat for several); all plans when left out."`
	CopyFor string   `name:"copy-for" placeholder:"HOLDER" help:"Print a controlled copy for this holder: the issue is recorded on each plan's distribution list (the holder's copy, or a new one) and the copy number printed."`
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
	plans, err := loadBinderFor(ctx, app, c.Plan, c.CopyFor, &opt)
	if err != nil {
		return err
	}
	if err := export.Binder(c.File, plans, opt); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Printed %s to %s\n", count(len(plans), "plan", "plans"), c.File)
	return nil
}

// loadBinderFor reads the plans to print; for a holder, it first records
// the issue of their copy on each plan's distribution list, so the binder
// prints the register as it now stands.
func loadBinderFor(ctx context.Context, app *App, docs []string, holder string, opt *export.PDFOptions) ([]export.BinderPlan, error) {
	if holder = strings.TrimSpace(holder); holder != "" {
		copies, err := app.Continuity.IssueCopies(cliContext(ctx), docs, holder, opt.AsOf.Format(time.DateOnly))
		if err != nil {
			return nil, err
		}
		for _, c := range copies {
			fmt.Fprintf(app.Stdout, "%s: copy %d of version %s recorded as issued to %s on %s.\n", c.DocNumber, c.CopyNo, c.Version, c.Holder, c.Issued)
		}
		opt.CopyFor = holder
	}
	plans, err := export.LoadBinder(ctx, app.Continuity, app.CMDB, docs)
	if err != nil {
		return nil, err
	}
	if len(plans) == 0 {
		return nil, store.Errorf(store.EInvalid, "There are no continuity plans to print.")
	}
	return plans, nil
}

type exportWorkbookCmd struct {
	Lang string `enum:"auto,en,zh" default:"auto" help:"Language of the headers and words: en, zh, or auto (from LANG)."`
	AsOf string `name:"as-of" help:"The date and time stored in the file and used for figures to date, e.g. 2026-11-24 09:00 (default: now). The same data and time give the same bytes."`
	TZ   string `name:"tz" default:"Asia/Shanghai" help:"Time zone outage times are written in (give the same to outage import)."`
	File string `arg:"" type:"path" help:"OUT.xlsx"`
}

func (c exportWorkbookCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	opt, err := app.workbookOptions(ctx, printFlags{Lang: c.Lang, AsOf: c.AsOf}, c.TZ)
	if err != nil {
		return err
	}
	if err := export.Workbook(ctx, c.File, app.sources(), opt); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Wrote every record to %s (change log position %d).\n", c.File, opt.ChangeLogPosition)
	return nil
}

func (app *App) sources() export.Sources {
	return export.Sources{CMDB: app.CMDB, Continuity: app.Continuity, Budget: app.Budget, Capacity: app.Capacity}
}

// workbookOptions are the workbook's choices from the printing flags and
// a time zone, with the change-log position it is written at.
func (app *App) workbookOptions(ctx context.Context, flags printFlags, zone string) (export.WorkbookOptions, error) {
	pdf, err := flags.options(app.DB.Now())
	if err != nil {
		return export.WorkbookOptions{}, err
	}
	loc, err := zoneNamed(zone)
	if err != nil {
		return export.WorkbookOptions{}, err
	}
	position, err := app.DB.ChangeLogPosition(ctx)
	if err != nil {
		return export.WorkbookOptions{}, err
	}
	return export.WorkbookOptions{Lang: pdf.Lang, AsOf: pdf.AsOf, Zone: loc, Version: Version, ChangeLogPosition: position}, nil
}

type exportAvailabilityCmd struct {
	Period string `required:"" help:"Month (2026-10), quarter (2026-Q4) or year (2026)."`
	printFlags
	File string `arg:"" type:"path" help:"OUT.pdf"`
}

func (c exportAvailabilityCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	opt, err := c.options(app.DB.Now())
	if err != nil {
		return err
	}
	rep, err := export.LoadAvailabilityReport(ctx, app.Continuity, c.Period, opt.AsOf)
	if err != nil {
		return err
	}
	if err := export.AvailabilityPDF(c.File, rep, opt); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Printed the availability of %s over %s to %s\n", count(len(rep.Results), "service", "services"), c.Period, c.File)
	return nil
}

type exportBudgetCmd struct {
	FY int `name:"fy" required:"" help:"Fiscal year, e.g. 2026."`
	printFlags
	File string `arg:"" type:"path" help:"OUT.pdf"`
}

func (c exportBudgetCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	opt, err := c.options(app.DB.Now())
	if err != nil {
		return err
	}
	rep, err := export.LoadBudgetReport(ctx, app.Budget, c.FY)
	if err != nil {
		return err
	}
	if err := export.BudgetPDF(c.File, rep, opt); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Printed the budget of fiscal year %d (%d services) to %s\n", c.FY, len(rep.Services), c.File)
	return nil
}

type exportCapacityCmd struct {
	Plan    []string `help:"A capacity plan's document number (repeat for several); all plans when left out."`
	CopyFor string   `name:"copy-for" placeholder:"HOLDER" help:"Print a controlled copy for this holder: the issue is recorded on each plan's distribution list."`
	printFlags
	File string `arg:"" type:"path" help:"OUT.pdf"`
}

func (c exportCapacityCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	opt, err := c.options(app.DB.Now())
	if err != nil {
		return err
	}
	if holder := strings.TrimSpace(c.CopyFor); holder != "" {
		copies, err := app.Capacity.IssueCopies(cliContext(ctx), c.Plan, holder, opt.AsOf.Format(time.DateOnly))
		if err != nil {
			return err
		}
		for _, cp := range copies {
			fmt.Fprintf(app.Stdout, "%s: copy %d of version %s recorded as issued to %s on %s.\n", cp.DocNumber, cp.CopyNo, cp.Version, cp.Holder, cp.Issued)
		}
	}
	plans, err := export.LoadCapacityPlans(ctx, app.Capacity, c.Plan)
	if err != nil {
		return err
	}
	if len(plans) == 0 {
		return store.Errorf(store.EInvalid, "There are no capacity plans to print.")
	}
	if err := export.CapacityPlanPDF(c.File, plans, opt); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Printed %s to %s\n", count(len(plans), "capacity plan", "capacity plans"), c.File)
	return nil
}
