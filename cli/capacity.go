package cli

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"servicebook/budget"
	"servicebook/capacity"
)

type capacityCmd struct {
	Plan     capacityPlanCmd     `cmd:"" help:"Capacity plans: list, show, new, set, approve, review."`
	Resource capacityResourceCmd `cmd:"" help:"The resources whose use is watched: add, list, set, remove."`
	Samples  capacitySamplesCmd  `cmd:"" help:"Usage samples: import a monitoring export, or record a reading by hand."`
	Forecast capacityForecastCmd `cmd:"" help:"Forecast a resource's use and when it reaches its thresholds."`
	Upgrade  capacityUpgradeCmd  `cmd:"" help:"Planned upgrades: add (with a cost, a budget line is proposed), set, list, cancel."`
}

type capacityUpgradeCmd struct {
	Add    capacityUpgradeAddCmd    `cmd:"" help:"Plan an upgrade: the date, the capacity it adds, its cost and supplier."`
	Set    capacityUpgradeSetCmd    `cmd:"" help:"Change a planned upgrade; the budget line it proposed follows (an approved one changes only through a budget revision)."`
	List   capacityUpgradeListCmd   `cmd:"" help:"List planned and cancelled upgrades."`
	Cancel capacityUpgradeCancelCmd `cmd:"" help:"Cancel an upgrade; a budget line it proposed is withdrawn unless approved."`
}

type capacityUpgradeAddCmd struct {
	Resource string `arg:"" help:"The resource's name."`
	Date     string `required:"" help:"The date it is planned for (2027-03-01)."`
	Adds     string `required:"" help:"The capacity it adds, in the resource's unit."`
	Cost     string `help:"What it costs (¥120,000, 12万): a budget line is proposed for --service in the fiscal year of the date."`
	Supplier string `help:"Who supplies it."`
	Service  string `help:"The service whose budget carries the cost (reference or name)."`
}

func (c capacityUpgradeAddCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	date, err := time.Parse(time.DateOnly, strings.TrimSpace(c.Date))
	if err != nil {
		return usagef("--date %q: write it as 2027-03-01", c.Date)
	}
	adds, err := capacity.ParseValue(c.Adds)
	if err != nil {
		return usagef("--adds: %v", err)
	}
	u := capacity.Upgrade{Resource: c.Resource, Planned: date, Adds: adds, Supplier: c.Supplier}
	if strings.TrimSpace(c.Cost) != "" {
		if u.Cost, err = budget.ParseAmount(c.Cost, 2); err != nil {
			return usagef("--cost %q: %v", c.Cost, err)
		}
	}
	if c.Service != "" {
		svc, err := app.Budget.FindService(ctx, c.Service)
		if err != nil {
			return err
		}
		u.ServiceRef = svc.Ref
	}
	u, err = app.Capacity.AddUpgrade(cliContext(ctx), app.Budget, u)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Upgrade %d planned: %s +%s on %s", u.ID, u.Resource, num(u.Adds), u.Planned.Format(time.DateOnly))
	if u.Cost > 0 {
		fmt.Fprintf(app.Stdout, ", cost %s", u.Cost.Format(2))
	}
	fmt.Fprintln(app.Stdout)
	switch {
	case u.BudgetLine != 0:
		fmt.Fprintf(app.Stdout, "Budget line %d proposed for %s (assets, capex, the month of the date).\n", u.BudgetLine, u.ServiceRef)
	case u.BudgetNote != "":
		fmt.Fprintf(app.Stdout, "No budget line yet: %s\n", u.BudgetNote)
	}
	return nil
}

type capacityUpgradeSetCmd struct {
	ID       int64   `arg:"" help:"The upgrade's number (capacity upgrade list)."`
	Date     *string `help:"The date it is planned for (2027-03-01)."`
	Adds     *string `help:"The capacity it adds, in the resource's unit."`
	Cost     *string `help:"What it costs (¥120,000, 12万; 0 for none)."`
	Supplier *string `help:"Who supplies it."`
	Service  *string `help:"The service whose budget carries the cost (reference or name)."`
}

func (c capacityUpgradeSetCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	var u capacity.Upgrade
	ups, err := app.Capacity.Upgrades(ctx, "")
	if err != nil {
		return err
	}
	for _, x := range ups {
		if x.ID == c.ID {
			u = x
		}
	}
	if u.ID == 0 {
		return usagef("there is no capacity upgrade %d; `capacity upgrade list` shows them", c.ID)
	}
	if c.Date != nil {
		if u.Planned, err = time.Parse(time.DateOnly, strings.TrimSpace(*c.Date)); err != nil {
			return usagef("--date %q: write it as 2027-03-01", *c.Date)
		}
	}
	if c.Adds != nil {
		if u.Adds, err = capacity.ParseValue(*c.Adds); err != nil {
			return usagef("--adds: %v", err)
		}
	}
	if c.Cost != nil {
		if u.Cost, err = budget.ParseAmount(*c.Cost, 2); err != nil {
			return usagef("--cost %q: %v", *c.Cost, err)
		}
	}
	if c.Supplier != nil {
		u.Supplier = *c.Supplier
	}
	if c.Service != nil {
		svc, err := app.Budget.FindService(ctx, *c.Service)
		if err != nil {
			return err
		}
		u.ServiceRef = svc.Ref
	}
	u, err = app.Capacity.UpdateUpgrade(cliContext(ctx), app.Budget, u)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Upgrade %d now: %s +%s on %s, cost %s\n", u.ID, u.Resource, num(u.Adds), u.Planned.Format(time.DateOnly), u.Cost.Format(2))
	switch {
	case u.BudgetLine != 0:
		fmt.Fprintf(app.Stdout, "Its budget line: %d.\n", u.BudgetLine)
	case u.BudgetNote != "":
		fmt.Fprintf(app.Stdout, "No budget line yet: %s\n", u.BudgetNote)
	}
	return nil
}

type capacityUpgradeListCmd struct {
	Resource string `arg:"" optional:"" help:"Only this resource's."`
}

func (c capacityUpgradeListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	ups, err := app.Capacity.Upgrades(ctx, c.Resource)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, u := range ups {
		line := "–"
		if u.BudgetLine != 0 {
			line = strconv.FormatInt(u.BudgetLine, 10)
		}
		rows = append(rows, []string{strconv.FormatInt(u.ID, 10), u.Resource, u.Planned.Format(time.DateOnly), "+" + num(u.Adds),
			u.Cost.Format(2), u.Supplier, u.ServiceRef, u.Status, line})
	}
	printTable(app.Stdout, []string{"ID", "RESOURCE", "DATE", "ADDS", "COST", "SUPPLIER", "SERVICE", "STATUS", "BUDGET LINE"}, rows, 40)
	return nil
}

type capacityUpgradeCancelCmd struct {
	ID int64 `arg:"" help:"The upgrade's number (capacity upgrade list)."`
}

func (c capacityUpgradeCancelCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	u, err := app.Capacity.CancelUpgrade(cliContext(ctx), app.Budget, c.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Upgrade %d cancelled (%s +%s on %s).\n", u.ID, u.Resource, num(u.Adds), u.Planned.Format(time.DateOnly))
	if u.BudgetNote != "" {
		fmt.Fprintln(app.Stdout, u.BudgetNote)
	}
	return nil
}

type capacityResourceCmd struct {
	Add    capacityResourceAddCmd    `cmd:"" help:"Watch a metric of a CI: its capacity and thresholds."`
	List   capacityResourceListCmd   `cmd:"" help:"List resources with their capacity, thresholds and latest use."`
	Set    capacityResourceSetCmd    `cmd:"" help:"Change a resource's capacity, thresholds, buffer, HA reserve, unit or name."`
	Remove capacityResourceRemoveCmd `cmd:"" help:"Stop watching a resource: it and its samples are deleted (the change log keeps what it was)."`
}

type capacityResourceSetCmd struct {
	Resource  string   `arg:"" help:"The resource's name."`
	Metric    *string  `help:"What is measured."`
	Unit      *string  `help:"The unit of the values."`
	Capacity  *float64 `help:"The capacity, in the unit."`
	Warning   *string  `help:"Warning threshold: an amount in the unit or a share of capacity (80%)."`
	Critical  *string  `help:"Critical threshold, as --warning."`
	Buffer    *float64 `help:"Headroom kept free, % of capacity."`
	HAReserve *float64 `name:"ha-reserve" help:"Capacity held back for a redundancy group's failover, in the unit."`
	Name      *string  `help:"How samples files name it."`
}

func (c capacityResourceSetCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	r, err := app.Capacity.Resource(ctx, c.Resource)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		to   *string
		from *string
	}{{&r.Metric, c.Metric}, {&r.Unit, c.Unit}, {&r.Name, c.Name}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	for _, f := range []struct {
		to   *float64
		from *float64
	}{{&r.Capacity, c.Capacity}, {&r.BufferPct, c.Buffer}, {&r.HAReserve, c.HAReserve}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	for _, f := range []struct {
		flag string
		to   *float64
		from *string
	}{{"--warning", &r.Warning, c.Warning}, {"--critical", &r.Critical, c.Critical}} {
		if f.from != nil {
			if *f.to, err = capacity.ParseThreshold(*f.from, r.Capacity); err != nil {
				return usagef("%s: %v", f.flag, err)
			}
		}
	}
	if r, err = app.Capacity.UpdateResource(cliContext(ctx), r); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%q: %s %s, capacity %s %s (usable %s), warning %s, critical %s\n",
		r.Name, r.CIRef, r.Metric, num(r.Capacity), r.Unit, num(r.Usable()), num(r.Warning), num(r.Critical))
	return nil
}

type capacityResourceRemoveCmd struct {
	Resource string `arg:"" help:"The resource's name."`
}

func (c capacityResourceRemoveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Capacity.RemoveResource(cliContext(ctx), c.Resource); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "No longer watching %q; its samples are deleted (the change log keeps what it was).\n", c.Resource)
	return nil
}

type capacityResourceAddCmd struct {
	CI        string  `arg:"" name:"CI" help:"The CI (reference)."`
	Metric    string  `required:"" help:"What is measured: cpu %, storage GB, bandwidth Mbit/s, licences, concurrent users …"`
	Unit      string  `help:"The unit of the values (%, GB, Mbit/s …)."`
	Capacity  float64 `required:"" help:"The capacity, in the unit."`
	Warning   string  `default:"80%" help:"Warning threshold: an amount in the unit or a share of capacity (80%)."`
	Critical  string  `default:"90%" help:"Critical threshold, as --warning."`
	Buffer    float64 `help:"Headroom kept free, % of capacity."`
	HAReserve float64 `name:"ha-reserve" help:"Capacity held back for a redundancy group's failover, in the unit."`
	Name      string  `help:"How samples files name it (default: the CI's reference and the metric)."`
}

func (c capacityResourceAddCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	warn, err := capacity.ParseThreshold(c.Warning, c.Capacity)
	if err != nil {
		return usagef("--warning: %v", err)
	}
	crit, err := capacity.ParseThreshold(c.Critical, c.Capacity)
	if err != nil {
		return usagef("--critical: %v", err)
	}
	r, err := app.Capacity.AddResource(cliContext(ctx), capacity.Resource{CIRef: c.CI, Metric: c.Metric, Unit: c.Unit,
		Name: c.Name, Capacity: c.Capacity, Warning: warn, Critical: crit, BufferPct: c.Buffer, HAReserve: c.HAReserve})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Watching %q: %s %s, capacity %s %s (usable %s), warning %s, critical %s\n",
		r.Name, r.CIRef, r.Metric, num(r.Capacity), r.Unit, num(r.Usable()), num(r.Warning), num(r.Critical))
	return nil
}

// num prints a figure without a run of zeros: 800, 812.5, 0.25.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

type capacityResourceListCmd struct{}

func (c capacityResourceListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	resources, err := app.Capacity.Resources(ctx)
	if err != nil {
		return err
	}
	spans, err := app.Capacity.SampleSpans(ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, r := range resources {
		span := spans[r.ID]
		latest := "–"
		if span.Count > 0 {
			latest = fmt.Sprintf("%s (%s)", num(span.Latest), span.Last.Format(time.DateOnly))
		}
		rows = append(rows, []string{r.Name, r.CIRef + " " + r.CIName, num(r.Capacity) + " " + r.Unit, num(r.Usable()),
			num(r.Warning), num(r.Critical), strconv.Itoa(span.Count), latest})
	}
	printTable(app.Stdout, []string{"RESOURCE", "CI", "CAPACITY", "USABLE", "WARNING", "CRITICAL", "SAMPLES", "LATEST"}, rows, 40)
	return nil
}

type capacitySamplesCmd struct {
	Import capacitySamplesImportCmd `cmd:"" help:"Import usage samples (CSV or XLSX): a row per sample (time, resource, value) or a column per resource."`
	Add    capacitySamplesAddCmd    `cmd:"" help:"Record a sample by hand: a reading taken from a console or a report."`
}

type capacitySamplesAddCmd struct {
	Resource string `arg:"" help:"The resource's name."`
	At       string `required:"" help:"When it was measured: 2026-11-24 09:00 (in --zone), RFC 3339 or Unix seconds."`
	Value    string `required:"" help:"The value, in the resource's unit (or a share, 80%)."`
	Zone     string `default:"Local" help:"Time zone of --at when it has none."`
}

func (c capacitySamplesAddCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	loc, err := time.LoadLocation(c.Zone)
	if err != nil {
		return usagef("--zone %q: %v", c.Zone, err)
	}
	at, err := capacity.ParseTimestamp(c.At, loc)
	if err != nil {
		return usagef("--at: %v", err)
	}
	if at.After(app.DB.Now()) {
		return usagef("--at %s is in the future; record a sample once it is measured", at.Format(time.RFC3339))
	}
	v, err := capacity.ParseValue(c.Value)
	if err != nil {
		return usagef("--value: %v", err)
	}
	n, err := app.Capacity.AddSamples(cliContext(ctx), c.Resource, []capacity.Sample{{At: at, Value: v}})
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(app.Stdout, "%s already has %s at %s.\n", c.Resource, num(v), at.Format(time.RFC3339))
		return nil
	}
	fmt.Fprintf(app.Stdout, "Recorded %s at %s for %s.\n", num(v), at.Format(time.RFC3339), c.Resource)
	return nil
}

type capacitySamplesImportCmd struct {
	File        string   `arg:"" type:"path" help:"The monitoring export: Zabbix, Prometheus, vROps or a spreadsheet."`
	DryRun      bool     `name:"dry-run" help:"Check the file and say what would be imported, without importing."`
	Zone        string   `default:"Local" help:"Time zone of times written without one (Asia/Shanghai, UTC, Local)."`
	Ignore      []string `placeholder:"COLUMN" help:"Leave out a column the file has but samples have no place for (Zabbix' ns); repeat for several. Without it such a column refuses the file."`
	Map         []string `help:"Column for a field when the header is not recognised, as FIELD=Header (fields: time, resource, value; map resource and value for a row per sample, only time for a column per resource)." placeholder:"FIELD=HEADER" sep:"none"`
	Profile     string   `help:"Use the column mapping saved under this name."`
	SaveProfile string   `help:"Save the --map columns under this name, for the next export laid out the same way."`
}

func (c capacitySamplesImportCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	loc, err := time.LoadLocation(c.Zone)
	if err != nil {
		return usagef("--zone %q: %v", c.Zone, err)
	}
	mapping, err := profileMapping(ctx, app, c.Map, c.Profile, c.SaveProfile, "samples")
	if err != nil {
		return err
	}
	res, err := app.Capacity.ImportSamples(ctx, c.File, capacity.SampleImportOptions{DryRun: c.DryRun, Zone: loc, Ignore: c.Ignore, Mapping: mapping})
	printProblems(app, res.Problems)
	if err != nil {
		return err
	}
	verb := "Imported"
	if c.DryRun {
		verb = "Would import (dry run, nothing written)"
	}
	fmt.Fprintf(app.Stdout, "%s %s from %s; %s already there.\n", verb, count(res.New, "sample", "samples"), c.File,
		count(res.Unchanged, "sample was", "samples were"))
	for name, n := range res.ByName {
		fmt.Fprintf(app.Stdout, "  %s: %d new\n", name, n)
	}
	if len(res.Ignored) > 0 {
		fmt.Fprintf(app.Stdout, "Columns left out as asked: %s\n", strings.Join(res.Ignored, ", "))
	}
	return nil
}

type capacityForecastCmd struct {
	Resource string `arg:"" help:"The resource's name (capacity resource list)."`
	Horizon  string `default:"180d" help:"How far ahead: 90d, 26w, 12m."`
	WhatIf   string `name:"what-if" help:"Demand this much higher or lower: +20% or -10%."`
	AddLoad  string `name:"add-load" placeholder:"AMOUNT" help:"What if a new service adds this load (in the resource's unit) …"`
	From     string `placeholder:"DATE" help:"… from this date (2027-01-01; default: now)."`
	Lose     string `placeholder:"CI" help:"What if this CI drops out of its redundancy group: its load moves to the group's other members."`
}

// parseHorizon reads 90d, 26w, 12m (months of 30 days), or a Go duration.
func parseHorizon(text string) (time.Duration, error) {
	t := strings.TrimSpace(text)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "m": 30 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(t, suffix); ok {
			if v, err := strconv.Atoi(n); err == nil && v > 0 {
				return time.Duration(v) * unit, nil
			}
		}
	}
	if d, err := time.ParseDuration(t); err == nil && d > 0 {
		return d, nil
	}
	return 0, usagef("%q is not a horizon (90d, 26w, 12m)", text)
}

func (c capacityForecastCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	horizon, err := parseHorizon(c.Horizon)
	if err != nil {
		return usagef("--horizon: %v", err)
	}
	demand := 0.0
	if c.WhatIf != "" {
		v, err := capacity.ParseValue(strings.TrimPrefix(strings.TrimSpace(c.WhatIf), "+"))
		if err != nil || v <= -100 {
			return usagef("--what-if %q: give a change of demand such as +20%% or -10%%", c.WhatIf)
		}
		demand = v
	}
	w := capacity.WhatIf{DemandPct: demand, Lose: c.Lose}
	if strings.TrimSpace(c.AddLoad) != "" {
		if w.AddLoad, err = capacity.ParseValue(c.AddLoad); err != nil {
			return usagef("--add-load: %v", err)
		}
		w.AddTo = c.Resource
	}
	if strings.TrimSpace(c.From) != "" {
		if w.AddLoad == 0 {
			return usagef("--from says when the load of --add-load begins; give --add-load too")
		}
		if w.AddFrom, err = time.Parse(time.DateOnly, strings.TrimSpace(c.From)); err != nil {
			return usagef("--from %q: write it as 2027-01-01", c.From)
		}
	}
	f, err := app.Capacity.ForecastResource(ctx, c.Resource, horizon, w)
	if err != nil {
		return err
	}
	out := app.Stdout
	n := len(f.Series.Values)
	fmt.Fprintf(out, "%s (%s %s): %s from %s to %s\n", f.Name, f.CIRef, f.Metric,
		count(n, stepName(f.Series.Step), stepName(f.Series.Step)+"s"), f.Series.Start.Format(time.DateOnly), f.Series.At(n-1).Format(time.DateOnly))
	fmt.Fprintf(out, "Method: %s", f.Method)
	if f.Method != capacity.MethodLinear {
		fmt.Fprintf(out, " (α %.3f, β %.3f", f.Alpha, f.Beta)
		if f.Season > 0 {
			fmt.Fprintf(out, ", γ %.3f, season %d steps", f.Gamma, f.Season)
		}
		fmt.Fprint(out, ")")
	}
	fmt.Fprintf(out, "; error on the held-out last part: RMSE %.3g %s", f.RMSE, f.Unit)
	if !math.IsNaN(f.MAPE) {
		fmt.Fprintf(out, ", MAPE %.1f %%", f.MAPE)
	}
	fmt.Fprintln(out)
	if demand != 0 {
		fmt.Fprintf(out, "What if demand changes by %+g %%: the forecast below is scaled by it.\n", demand)
	}
	if f.Added != 0 {
		fmt.Fprintf(out, "What if a new load of %s %s comes from %s: the forecast below carries it.\n", num(f.Added), f.Unit, f.AddedFrom.Format(time.DateOnly))
	}
	switch {
	case f.Lost:
		fmt.Fprintf(out, "What if %s drops out of its redundancy group: this resource is on it and carries nothing.\n", f.LostCI)
	case f.LostCI != "" && f.TakesOver != 0:
		fmt.Fprintf(out, "What if %s drops out of its redundancy group: this resource takes over %s %s of its load.\n", f.LostCI, num(round3(f.TakesOver)), f.Unit)
	case f.LostCI != "":
		fmt.Fprintf(out, "What if %s drops out of its redundancy group: none of its load moves to this resource (not in its group, or another metric).\n", f.LostCI)
	}
	for _, u := range f.Upgrades {
		fmt.Fprintf(out, "Upgrade %d on %s adds %s %s: the thresholds and usable capacity rise with it from then.\n",
			u.ID, u.Planned.Format(time.DateOnly), num(u.Adds), f.Unit)
	}
	last := len(f.Mean) - 1
	fmt.Fprintf(out, "In %s, on %s: %s %s (95 %% range %s to %s)\n", c.Horizon, f.At(last).Format(time.DateOnly),
		num(round3(f.Mean[last])), f.Unit, num(round3(f.Lower[last])), num(round3(f.Upper[last])))
	for _, t := range []struct {
		what  string
		value float64
		reach capacity.Reach
	}{{"warning", f.Warning, f.ToWarning}, {"critical", f.Critical, f.ToCritical}, {"usable capacity", f.Usable(), f.ToFull}} {
		fmt.Fprintf(out, "  %s (%s %s): %s\n", t.what, num(round3(t.value)), f.Unit, reachText(t.reach, c.Horizon))
	}
	return nil
}

// stepName is a series' step as a word: a value per day, per hour …
func stepName(step time.Duration) string {
	switch step {
	case 7 * 24 * time.Hour:
		return "week"
	case 24 * time.Hour:
		return "day"
	case time.Hour:
		return "hour"
	}
	return step.String() + " step"
}

func reachText(r capacity.Reach, horizon string) string {
	switch {
	case r.Already:
		return "already reached (the latest sample)"
	case r.Never:
		return "not reached within " + horizon
	}
	return fmt.Sprintf("reached in %s, about %s", count(int(r.In.Hours()/24+0.5), "day", "days"), r.At.Format(time.DateOnly))
}

// round3 is v to three decimals, for figures printed beside a unit.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
