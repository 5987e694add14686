package cli

import (
	"context"
	"fmt"
	"strings"

	"servicebook/budget"
)

type budgetCmd struct {
	FY     budgetFYCmd     `cmd:"" name:"fy" help:"Fiscal years: new, list."`
	Import budgetImportCmd `cmd:"" help:"Import budget lines from a finance spreadsheet (XLSX or CSV)."`
	Lines  budgetLinesCmd  `cmd:"" help:"List a fiscal year's budget lines."`
}

type budgetFYCmd struct {
	New  budgetFYNewCmd  `cmd:"" help:"Create a fiscal year."`
	List budgetFYListCmd `cmd:"" help:"List fiscal years."`
}

type budgetFYNewCmd struct {
	Year       int    `arg:"" help:"The year the fiscal year starts in, e.g. 2026."`
	StartMonth int    `help:"First month (1–12)." default:"1"`
	Currency   string `help:"ISO 4217 currency." default:"CNY"`
}

func (c budgetFYNewCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	fy, err := app.Budget.CreateFiscalYear(cliContext(ctx), budget.FiscalYear{Year: c.Year, StartMonth: c.StartMonth, Currency: c.Currency})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Fiscal year %d created: starts in month %d, currency %s.\n", fy.Year, fy.StartMonth, fy.Currency)
	return nil
}

type budgetFYListCmd struct{}

func (budgetFYListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	fys, err := app.Budget.FiscalYears(ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, fy := range fys {
		lines, err := app.Budget.Lines(ctx, fy)
		if err != nil {
			return err
		}
		var total budget.Money
		for _, l := range lines {
			total += l.Total()
		}
		rows = append(rows, []string{fmt.Sprint(fy.Year), fmt.Sprint(fy.StartMonth), fy.Currency, fmt.Sprint(len(lines)), total.Format(budget.Decimals(fy.Currency))})
	}
	printTable(app.Stdout, []string{"YEAR", "START MONTH", "CURRENCY", "LINES", "BUDGET"}, rows, 30)
	return nil
}

type budgetImportCmd struct {
	File   string   `arg:"" type:"path" help:"XLSX or CSV: a column per month (Jan, 1月, 一月, 2026-01 …) or a row per month (Month, Amount)."`
	FY     int      `name:"fy" required:"" help:"Fiscal year, e.g. 2026."`
	DryRun bool     `help:"Check the file and report what would happen, without writing."`
	Map    []string `help:"Column for a field when the header is not recognised, as FIELD=Header (fields: service, pool, category, capex, cost_centre, gl_account, description, supplier, version, month, amount)." placeholder:"FIELD=HEADER"`
}

func (c budgetImportCmd) Run(ctx context.Context, app *App) error {
	mapping := map[string]string{}
	for _, m := range c.Map {
		k, v, ok := strings.Cut(m, "=")
		if !ok {
			return usageError{fmt.Sprintf("--map %q: write it as FIELD=Header", m)}
		}
		mapping[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if err := app.open(ctx); err != nil {
		return err
	}
	fy, err := app.Budget.FiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	res, err := app.Budget.Import(ctx, fy, c.File, c.DryRun, mapping)
	for _, p := range res.Problems {
		fmt.Fprintln(app.Stderr, p.Error())
	}
	if err != nil {
		return err
	}
	verb := "Imported"
	if res.DryRun {
		verb = "Dry run, nothing written; would import"
	}
	fmt.Fprintf(app.Stdout, "%s %s (%s layout): %d lines created, %d replaced; %d total rows left out.\n",
		verb, res.File, res.Layout, res.Created, res.Updated, res.TotalRows)
	return nil
}

type budgetLinesCmd struct {
	FY int `name:"fy" required:"" help:"Fiscal year."`
}

func (c budgetLinesCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	fy, err := app.Budget.FiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	lines, err := app.Budget.Lines(ctx, fy)
	if err != nil {
		return err
	}
	d := budget.Decimals(fy.Currency)
	var rows [][]string
	var total budget.Money
	for _, l := range lines {
		who := l.ServiceRef + " " + l.ServiceName
		if l.Pool != "" {
			who = "pool: " + l.Pool
		}
		kind := "opex"
		if l.Capex {
			kind = "capex"
		}
		rows = append(rows, []string{fmt.Sprint(l.ID), who, string(l.Category), kind, l.GLAccount, l.Description, l.Version, l.Status, l.Total().Format(d)})
		total += l.Total()
	}
	printTable(app.Stdout, []string{"LINE", "SERVICE / POOL", "CATEGORY", "", "GL", "DESCRIPTION", "VERSION", "STATUS", "YEAR " + fy.Currency}, rows, 40)
	fmt.Fprintf(app.Stdout, "(%d lines, %s %s)\n", len(lines), total.Format(d), fy.Currency)
	return nil
}
