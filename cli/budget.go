package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"servicebook/budget"
	"servicebook/export"
	"servicebook/store"
)

type budgetCmd struct {
	FY       budgetFYCmd       `cmd:"" name:"fy" help:"Fiscal years: new, list."`
	Import   budgetImportCmd   `cmd:"" help:"Import budget lines from a finance spreadsheet (XLSX or CSV)."`
	Undo     budgetUndoCmd     `cmd:"" name:"undo-import" help:"Take back the latest import of a file (budget lines or actuals) as a whole, unless its lines were changed since."`
	Lines    budgetLinesCmd    `cmd:"" help:"List a fiscal year's budget lines."`
	Line     budgetLineCmd     `cmd:"" help:"One budget line: add, set amounts, approve, revise."`
	Rule     budgetRuleCmd     `cmd:"" help:"Set how an indirect cost pool is allocated to services."`
	Allocate budgetAllocateCmd `cmd:"" help:"Allocate the indirect cost pools and show the trace."`
	Actuals  budgetActualsCmd  `cmd:"" help:"Actual spend: import, list, add."`
	Report   budgetReportCmd   `cmd:"" help:"Budget, allocated, actual, variance, YTD, outturn and run rate per service."`
	Export   budgetExportCmd   `cmd:"" help:"Write the budget workbook (XLSX): lines by month with totals, allocation trace, variance."`
	Change   budgetChangeCmd   `cmd:"" name:"change-cost" help:"Cost information for a proposed change: the services it touches, their lines and monthly run cost."`
}

type budgetChangeCmd struct {
	FY  int      `name:"fy" required:"" help:"Fiscal year."`
	CIs []string `arg:"" name:"REF" help:"The CIs or services the change touches."`
}

func (c budgetChangeCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	costs, err := app.Budget.ChangeCost(ctx, fy, c.CIs)
	if err != nil {
		return err
	}
	d := budget.Decimals(fy.Currency)
	var rows [][]string
	for _, sc := range costs {
		rows = append(rows, []string{sc.ServiceRef + " " + sc.ServiceName, strconv.Itoa(len(sc.Lines)), sc.Year.Format(d), sc.MonthlyRunCost.Format(d)})
	}
	printTable(app.Stdout, []string{"SERVICE", "LINES", "YEAR PLAN " + fy.Currency, "MONTHLY RUN COST"}, rows, 40)
	if len(rows) == 0 {
		fmt.Fprintln(app.Stdout, "The change touches no service with a budget.")
	}
	return nil
}

type budgetExportCmd struct {
	File string `arg:"" type:"path" help:"FILE.xlsx."`
	FY   int    `name:"fy" required:"" help:"Fiscal year."`
	Lang string `enum:"auto,en,zh" default:"auto" help:"Language of the headers and sheet names: en, zh, or auto (from LANG). Either imports back."`
}

func (c budgetExportCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	lines, err := app.Budget.Lines(ctx, fy)
	if err != nil {
		return err
	}
	allocs, err := app.Budget.Allocate(ctx, fy)
	if err != nil {
		return err
	}
	years, err := app.Budget.Report(ctx, fy, "")
	if err != nil {
		return err
	}
	opt, err := printFlags{Lang: c.Lang}.options(app.DB.Now())
	if err != nil {
		return err
	}
	if err := export.BudgetWorkbook(c.File, fy, lines, allocs, years, opt.Lang); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Wrote %s: %d lines, %d allocations, %d services.\n", c.File, len(lines), len(allocs), len(years))
	return nil
}

type budgetRuleCmd struct {
	FY     int      `name:"fy" required:"" help:"Fiscal year."`
	Pool   string   `required:"" help:"The cost pool, as named in the budget lines."`
	Method string   `required:"" enum:"even,percent,driver" help:"even, percent or driver."`
	Driver string   `help:"For driver: headcount, users, storage, ci_count (from the CMDB) or any name."`
	Share  []string `help:"SERVICE=VALUE: a percentage (percent) or a driver value (driver); repeat for each service." placeholder:"SERVICE=VALUE"`
}

func (c budgetRuleCmd) Run(ctx context.Context, app *App) error {
	shares := map[string]float64{}
	for _, sh := range c.Share {
		k, v, ok := strings.Cut(sh, "=")
		if !ok {
			return usageError{fmt.Sprintf("--share %q: write it as SERVICE=VALUE", sh)}
		}
		f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "%"), 64)
		if err != nil {
			return usageError{fmt.Sprintf("--share %q: %q is not a number", sh, v)}
		}
		shares[strings.TrimSpace(k)] = f
	}
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	r, err := app.Budget.SetRule(cliContext(ctx), fy, budget.Rule{Pool: c.Pool, Method: c.Method, Driver: c.Driver, Shares: shares})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Pool %s is allocated by %s among %d services.\n", r.Pool, r.Method, len(r.Shares))
	return nil
}

type budgetAllocateCmd struct {
	FY int `name:"fy" required:"" help:"Fiscal year."`
}

func (c budgetAllocateCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	allocs, err := app.Budget.Allocate(ctx, fy)
	if err != nil {
		return err
	}
	type key struct{ pool, rule, ref string }
	sums := map[key]budget.Money{}
	var keys []key
	for _, a := range allocs {
		k := key{a.Pool, a.Rule, a.ServiceRef}
		if _, ok := sums[k]; !ok {
			keys = append(keys, k)
		}
		sums[k] += a.Amount
	}
	d := budget.Decimals(fy.Currency)
	var rows [][]string
	for _, k := range keys {
		rows = append(rows, []string{k.pool, k.rule, k.ref, sums[k].Format(d)})
	}
	printTable(app.Stdout, []string{"POOL", "RULE", "SERVICE", "ALLOCATED " + fy.Currency}, rows, 40)
	return nil
}

type budgetActualsCmd struct {
	Import budgetActualsImportCmd `cmd:"" help:"Import actual spend from a finance spreadsheet."`
	List   budgetActualsListCmd   `cmd:"" help:"Actual spend per service or pool and category, month by month."`
	Add    budgetActualsAddCmd    `cmd:"" help:"Record one amount of actual spend, e.g. an invoice that came after the ledger export."`
}

type budgetActualsListCmd struct {
	FY int `name:"fy" required:"" help:"Fiscal year."`
}

func (c budgetActualsListCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	actuals, err := app.Budget.Actuals(ctx, fy)
	if err != nil {
		return err
	}
	d := budget.Decimals(fy.Currency)
	header := []string{"SERVICE / POOL", "CATEGORY"}
	for m := range 12 {
		header = append(header, "M"+strconv.Itoa(m+1))
	}
	header = append(header, "TOTAL "+fy.Currency)
	var rows [][]string
	for _, a := range actuals {
		row := []string{a.Who(), string(a.Category)}
		for _, m := range a.Amounts {
			row = append(row, m.Format(d))
		}
		rows = append(rows, append(row, a.Total().Format(d)))
	}
	printTable(app.Stdout, header, rows, 34)
	if len(rows) == 0 {
		fmt.Fprintf(app.Stdout, "No actuals recorded for %d yet.\n", fy.Year)
	}
	return nil
}

type budgetActualsAddCmd struct {
	FY       int    `name:"fy" required:"" help:"Fiscal year."`
	Service  string `required:"" help:"Service reference or name, or a cost pool's name."`
	Category string `required:"" help:"assets, licences, resources, overheads, external, people, facilities (or 资产, 许可证, …)."`
	Month    int    `required:"" help:"Fiscal month, 1–12."`
	Amount   string `required:"" help:"Amount as finance writes it: 12,000.00, ¥12,000, (500) for a credit."`
}

func (c budgetActualsAddCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	category, err := budget.ParseCategory(c.Category)
	if err != nil {
		return store.Errorf(store.EInvalid, "--category: %v", err)
	}
	d := budget.Decimals(fy.Currency)
	amount, err := budget.ParseAmount(c.Amount, d)
	if err != nil {
		return store.Errorf(store.EInvalid, "--amount %q is not an amount; write it as finance does, e.g. 12,000.00 or (500).", c.Amount)
	}
	if err := app.Budget.AddActual(cliContext(ctx), fy, c.Service, category, c.Month, amount); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Recorded %s %s of %s for %s, month %d.\n", fy.Currency, amount.Format(d), category, c.Service, c.Month)
	return nil
}

type budgetActualsImportCmd struct {
	File      string `arg:"" type:"path" help:"XLSX or CSV, laid out like a budget (a column per month, or Month and Amount columns)."`
	FY        int    `name:"fy" required:"" help:"Fiscal year."`
	WholeYear bool   `name:"whole-year" help:"The file holds the year's complete actuals (as export workbook writes them): if it matches what is stored nothing changes, otherwise it replaces every actual of the year. Without it, only what an earlier import of the same file brought is replaced."`
	importFlags
}

func (c budgetActualsImportCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	opts, err := c.options(ctx, app, "actuals")
	if err != nil {
		return err
	}
	opts.WholeYear = c.WholeYear
	res, err := app.Budget.ImportActuals(ctx, fy, c.File, opts)
	return printBudgetImport(app, res, err, true)
}

// importFlags are the choices of a budget or actuals import.
type importFlags struct {
	DryRun        bool     `help:"Check the file and report what would happen, without writing."`
	Map           []string `help:"Column for a field when the header is not recognised, as FIELD=Header (fields: service, pool, category, capex, cost_centre, gl_account, description, supplier, version, month, amount)." placeholder:"FIELD=HEADER" sep:"none"`
	Profile       string   `help:"Use the column mapping saved under this name."`
	SaveProfile   string   `help:"Save the --map columns under this name, for the next file laid out the same way."`
	Ignore        []string `help:"Leave out this column on purpose (by its header; repeat for more). Otherwise a column of amounts that no field takes refuses the file." placeholder:"HEADER" sep:"none"`
	SumDuplicates bool     `help:"Add up rows for the same line and month (a row per month layout) instead of refusing them."`
	Revise        bool     `help:"Write a change to an approved line as a new revision (the approved line is kept) instead of refusing the file."`
	Sheet         string   `help:"Import this sheet of the workbook (e.g. \"Actuals 2026\" of a full export); otherwise the first sheet laid out as a budget."`
}

func (f importFlags) options(ctx context.Context, app *App, kind string) (budget.ImportOptions, error) {
	mapping, err := profileMapping(ctx, app, f.Map, f.Profile, f.SaveProfile, kind)
	if err != nil {
		return budget.ImportOptions{}, err
	}
	return budget.ImportOptions{DryRun: f.DryRun, Mapping: mapping, Ignore: f.Ignore, SumDuplicates: f.SumDuplicates, Revise: f.Revise, Sheet: f.Sheet}, nil
}

// printBudgetImport prints every problem, or what the import did: counts,
// the file's money beside the money imported, and what was left out.
func printBudgetImport(app *App, res budget.ImportResult, err error, actuals bool) error {
	printProblems(app, res.Problems)
	if err != nil {
		return err
	}
	verb := "Imported " + res.File
	if res.DryRun {
		verb = "Dry run of " + res.File + ", nothing written"
	}
	if res.Layout != "" {
		verb += " (" + res.Layout + " layout)"
	}
	fmt.Fprintln(app.Stdout, verb+":")
	for _, m := range res.Report(actuals) {
		fmt.Fprintln(app.Stdout, "  "+m.String())
	}
	return nil
}

type budgetReportCmd struct {
	FY      int    `name:"fy" required:"" help:"Fiscal year."`
	Service string `help:"Only this service, month by month."`
	By      string `default:"service" enum:"service,category" help:"service (the default) or category (with capex and opex apart)."`
}

func (c budgetReportCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	d := budget.Decimals(fy.Currency)
	if c.By == "category" {
		totals, err := app.Budget.ByCategory(ctx, fy)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, t := range totals {
			kind := "opex"
			if t.Capex {
				kind = "capex"
			}
			rows = append(rows, []string{string(t.Category), kind, t.Plan.Format(d), t.YTDPlan.Format(d), t.YTDActual.Format(d), (t.YTDActual - t.YTDPlan).Format(d)})
		}
		var total budget.CategoryTotal
		for _, t := range totals {
			total.Plan += t.Plan
			total.YTDPlan += t.YTDPlan
			total.YTDActual += t.YTDActual
		}
		rows = append(rows, []string{"TOTAL", "", total.Plan.Format(d), total.YTDPlan.Format(d), total.YTDActual.Format(d), (total.YTDActual - total.YTDPlan).Format(d)})
		printTable(app.Stdout, []string{"CATEGORY", "", "YEAR PLAN", "YTD PLAN", "YTD ACTUAL", "YTD VARIANCE"}, rows, 30)
		return nil
	}
	years, err := app.Budget.Report(ctx, fy, c.Service)
	if err != nil {
		return err
	}
	pct := func(m budget.Month) string { return fmt.Sprintf("%.1f %%", m.VariancePercent()) }
	if c.Service != "" {
		y := years[0]
		fmt.Fprintf(app.Stdout, "%s %s, fiscal year %d (%s)\n", y.ServiceRef, y.ServiceName, fy.Year, fy.Currency)
		var rows [][]string
		for i, m := range y.Months {
			variance, percent := "", ""
			if i < y.Closed {
				variance, percent = m.Variance().Format(d), pct(m)
			}
			rows = append(rows, []string{fy.MonthLabel(i + 1), m.Budget.Format(d), m.Allocated.Format(d), m.Actual.Format(d), variance, percent})
		}
		var year budget.Month
		for _, m := range y.Months {
			year.Budget += m.Budget
			year.Allocated += m.Allocated
			year.Actual += m.Actual
		}
		rows = append(rows, []string{"YEAR", year.Budget.Format(d), year.Allocated.Format(d), year.Actual.Format(d), "", ""})
		printTable(app.Stdout, []string{"MONTH", "BUDGET", "ALLOCATED", "ACTUAL", "VARIANCE", "%"}, rows, 20)
	}
	row := func(label string, s budget.Summary) []string {
		return []string{label, s.Plan.Format(d), s.YTD.Planned().Format(d), s.YTD.Actual.Format(d),
			s.YTD.Variance().Format(d), pct(s.YTD), s.Outturn.Format(d), s.RunRate.Format(d)}
	}
	var rows [][]string
	for _, y := range years {
		rows = append(rows, row(y.ServiceRef+" "+y.ServiceName, y.Summary()))
	}
	if len(years) > 1 {
		rows = append(rows, row(fmt.Sprintf("TOTAL (%d services)", len(years)), budget.TotalOf(years)))
	}
	printTable(app.Stdout, []string{"SERVICE", "YEAR PLAN", "YTD PLAN", "YTD ACTUAL", "YTD VARIANCE", "%", "OUTTURN", "RUN RATE"}, rows, 40)
	fmt.Fprintf(app.Stdout, "YTD: to date, the months with actuals (%s). Amounts in %s; variance = actual − plan, positive is an overspend.\n", closedText(fy, years), fy.Currency)
	return nil
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
	File string `arg:"" type:"path" help:"XLSX or CSV: a column per month (Jan, 1月, 一月, 2026-01 …) or a row per month (Month, Amount)."`
	FY   int    `name:"fy" required:"" help:"Fiscal year, e.g. 2026."`
	importFlags
}

func (c budgetImportCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	opts, err := c.options(ctx, app, "budget")
	if err != nil {
		return err
	}
	res, err := app.Budget.Import(ctx, fy, c.File, opts)
	return printBudgetImport(app, res, err, false)
}

type budgetLinesCmd struct {
	FY int `name:"fy" required:"" help:"Fiscal year."`
}

func (c budgetLinesCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
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

// fiscalYear opens the database and finds a fiscal year, for the budget
// commands.
func (a *App) fiscalYear(ctx context.Context, year int) (budget.FiscalYear, error) {
	if err := a.open(ctx); err != nil {
		return budget.FiscalYear{}, err
	}
	return a.Budget.FiscalYear(ctx, year)
}

// parseMapping reads --map FIELD=Header flags.
// profileMapping is the column mapping of an import that may use a saved
// profile (--profile NAME: --map adds to or overrides it) and save its
// mapping under a name for next time (--save-profile NAME, as kind).
func profileMapping(ctx context.Context, app *App, maps []string, profile, saveProfile, kind string) (map[string]string, error) {
	mapping, err := parseMapping(maps)
	if err != nil {
		return nil, err
	}
	if profile != "" {
		saved, err := app.Budget.Profile(ctx, profile, kind)
		if err != nil {
			return nil, err
		}
		for k, v := range mapping {
			saved[k] = v
		}
		mapping = saved
	}
	if saveProfile != "" {
		if err := app.Budget.SaveProfile(cliContext(ctx), saveProfile, kind, mapping); err != nil {
			return nil, err
		}
	}
	return mapping, nil
}

func parseMapping(flags []string) (map[string]string, error) {
	mapping := map[string]string{}
	for _, m := range flags {
		k, v, ok := strings.Cut(m, "=")
		if !ok {
			return nil, usageError{fmt.Sprintf("--map %q: write it as FIELD=Header", m)}
		}
		mapping[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return mapping, nil
}

// closedText says how far "to date" goes: the fiscal months with actuals.
func closedText(fy budget.FiscalYear, years []budget.ServiceYear) string {
	closed := 0
	for _, y := range years {
		closed = max(closed, y.Closed)
	}
	if closed == 0 {
		return "none yet"
	}
	return fy.MonthLabel(1) + " to " + fy.MonthLabel(closed)
}

type budgetLineCmd struct {
	Add     budgetLineAddCmd     `cmd:"" help:"Add a budget line by hand: a service's direct cost or an indirect pool."`
	Set     budgetLineSetCmd     `cmd:"" help:"Set a proposed line's amounts: a year amount phased evenly, or month by month."`
	Approve budgetLineApproveCmd `cmd:"" help:"Approve a proposed line."`
	Revise  budgetLineReviseCmd  `cmd:"" help:"Open a revision of an approved line (the approved line is kept)."`
	Delete  budgetLineDeleteCmd  `cmd:"" help:"Delete a proposed line (an approved one is kept: revise it)."`
}

// yearOrMonths reads the amounts of a line: --year phased evenly over the
// twelve months, or --month N=AMOUNT for each month given.
func yearOrMonths(fy budget.FiscalYear, year string, months []string) ([12]budget.Money, error) {
	var out [12]budget.Money
	d := budget.Decimals(fy.Currency)
	if year != "" && len(months) > 0 {
		return out, usageError{"give --year or --month, not both"}
	}
	if year != "" {
		a, err := budget.ParseAmount(year, d)
		if err != nil {
			return out, store.Errorf(store.EInvalid, "--year %q is not an amount in %s; write it as finance does, e.g. 120,000.00.", year, fy.Currency)
		}
		return budget.Phase(a, nil)
	}
	for _, m := range months {
		k, v, ok := strings.Cut(m, "=")
		n, err := strconv.Atoi(strings.TrimSpace(k))
		if !ok || err != nil || n < 1 || n > 12 {
			return out, usageError{fmt.Sprintf("--month %q: write it as FISCAL-MONTH=AMOUNT, e.g. 3=10,000.00", m)}
		}
		a, err := budget.ParseAmount(v, d)
		if err != nil {
			return out, store.Errorf(store.EInvalid, "--month %d: %q is not an amount in %s.", n, v, fy.Currency)
		}
		out[n-1] = a
	}
	return out, nil
}

type budgetLineAddCmd struct {
	FY          int      `name:"fy" required:"" help:"Fiscal year."`
	Service     string   `help:"The service (reference or name) whose direct cost this is."`
	Pool        string   `help:"Or: the indirect cost pool."`
	Category    string   `required:"" help:"assets, licences, resources, overheads, external, people, facilities (or 资产, 许可证, …)."`
	Capex       bool     `help:"Capital expenditure (default: operating)."`
	CostCentre  string   `help:"Cost centre."`
	GL          string   `name:"gl" help:"GL account (text: leading zeros are kept)."`
	Description string   `help:"What the line is for."`
	Supplier    string   `help:"Supplier."`
	Year        string   `help:"The year's amount, phased evenly over the months (e.g. 120,000.00)."`
	Month       []string `help:"Or the amount of a fiscal month, as N=AMOUNT (repeat)." placeholder:"N=AMOUNT" sep:"none"`
}

func (c budgetLineAddCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	category, err := budget.ParseCategory(c.Category)
	if err != nil {
		return store.Errorf(store.EInvalid, "--category: %v", err)
	}
	amounts, err := yearOrMonths(fy, c.Year, c.Month)
	if err != nil {
		return err
	}
	l, err := app.Budget.AddLine(cliContext(ctx), fy, budget.Line{ServiceRef: c.Service, Pool: c.Pool, Category: category, Capex: c.Capex,
		CostCentre: c.CostCentre, GLAccount: c.GL, Description: c.Description, Supplier: c.Supplier, Amounts: amounts})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Added line %d: %s %s for the year (proposed).\n", l.ID, fy.Currency, l.Total().Format(budget.Decimals(fy.Currency)))
	return nil
}

type budgetLineSetCmd struct {
	FY    int      `name:"fy" required:"" help:"Fiscal year."`
	Line  int64    `arg:"" help:"Line number (budget lines lists them)."`
	Year  string   `help:"The year's amount, phased evenly."`
	Month []string `help:"The amount of a fiscal month, as N=AMOUNT (repeat); other months keep theirs." placeholder:"N=AMOUNT" sep:"none"`
}

func (c budgetLineSetCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	lines, err := app.Budget.Lines(ctx, fy)
	if err != nil {
		return err
	}
	var line *budget.Line
	for i := range lines {
		if lines[i].ID == c.Line {
			line = &lines[i]
		}
	}
	if line == nil {
		return store.Errorf(store.ENotFound, "Fiscal year %d has no budget line %d.", fy.Year, c.Line)
	}
	amounts := line.Amounts
	if c.Year != "" {
		if amounts, err = yearOrMonths(fy, c.Year, nil); err != nil {
			return err
		}
	}
	given, err := yearOrMonths(fy, "", c.Month)
	if err != nil {
		return err
	}
	for _, m := range c.Month {
		k, _, _ := strings.Cut(m, "=")
		n, _ := strconv.Atoi(strings.TrimSpace(k))
		amounts[n-1] = given[n-1]
	}
	if err := app.Budget.SetAmounts(cliContext(ctx), c.Line, amounts); err != nil {
		return err
	}
	var total budget.Money
	for _, a := range amounts {
		total += a
	}
	fmt.Fprintf(app.Stdout, "Line %d: %s %s for the year.\n", c.Line, fy.Currency, total.Format(budget.Decimals(fy.Currency)))
	return nil
}

type budgetLineApproveCmd struct {
	Line int64  `arg:"" help:"Line number."`
	By   string `required:"" help:"Approver."`
}

func (c budgetLineApproveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Budget.ApproveLine(cliContext(ctx), c.Line, c.By); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Line %d approved by %s.\n", c.Line, c.By)
	return nil
}

type budgetLineReviseCmd struct {
	Line int64 `arg:"" help:"Line number of an approved line."`
}

func (c budgetLineReviseCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	id, err := app.Budget.Revise(cliContext(ctx), c.Line)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Line %d is the revision of line %d (proposed; the approved line is kept). Change it with: servicebook budget line set %d …\n", id, c.Line, id)
	return nil
}

type budgetLineDeleteCmd struct {
	Line int64 `arg:"" help:"Line number of a proposed line."`
}

func (c budgetLineDeleteCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Budget.DeleteLine(cliContext(ctx), c.Line); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Line %d deleted (the change log keeps it).\n", c.Line)
	return nil
}

type budgetUndoCmd struct {
	File string `arg:"" help:"The file's name as imported (its folder does not matter), e.g. 2026预算.xlsx."`
	FY   int    `name:"fy" required:"" help:"Fiscal year."`
}

func (c budgetUndoCmd) Run(ctx context.Context, app *App) error {
	fy, err := app.fiscalYear(ctx, c.FY)
	if err != nil {
		return err
	}
	res, err := app.Budget.UndoImport(cliContext(ctx), fy, filepath.Base(c.File))
	if err != nil {
		return err
	}
	fmt.Fprintln(app.Stdout, res.String())
	return nil
}
