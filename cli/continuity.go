package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"servicebook/continuity"
	"servicebook/store"
)

type exerciseCmd struct {
	Add    exerciseAddCmd    `cmd:"" help:"Record an exercise or a real invocation of a plan."`
	Edit   exerciseEditCmd   `cmd:"" help:"Correct an exercise record."`
	Remove exerciseRemoveCmd `cmd:"" help:"Delete an exercise recorded by mistake (the change log keeps it)."`
}

type exerciseEditCmd struct {
	ID           int64   `arg:"" help:"Exercise number (plan show lists them)."`
	Kind         *string `enum:"walkthrough,tabletop,call_tree,simulation,partial,full_interruption,invocation" help:"Kind."`
	Planned      *string `help:"Planned date."`
	Held         *string `help:"Date held."`
	Participants *string `help:"Who took part."`
	Objectives   *string `help:"What it set out to show."`
	Result       *string `enum:"passed,passed_with_issues,failed," help:"passed, passed_with_issues or failed."`
	Findings     *string `help:"What it found."`
}

func (c exerciseEditCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	e, err := app.Continuity.Exercise(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, f := range []struct{ to, from *string }{{&e.Planned, c.Planned}, {&e.Held, c.Held}, {&e.Participants, c.Participants},
		{&e.Objectives, c.Objectives}, {&e.Findings, c.Findings}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	if c.Kind != nil {
		e.Kind = continuity.ExerciseKind(*c.Kind)
	}
	if c.Result != nil {
		e.Outcome = continuity.Outcome(*c.Result)
	}
	if err := app.Continuity.UpdateExercise(cliContext(ctx), e); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Exercise %d: %s held %s, %s.\n", e.ID, e.Kind, orDashCLI(e.Held), orDashCLI(string(e.Outcome)))
	return nil
}

type exerciseRemoveCmd struct {
	ID int64 `arg:"" help:"Exercise number."`
}

func (c exerciseRemoveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.RemoveExercise(cliContext(ctx), c.ID); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Exercise %d deleted; the change log keeps what it recorded.\n", c.ID)
	return nil
}

type exerciseAddCmd struct {
	Doc          string `arg:"" help:"Document number."`
	Kind         string `required:"" enum:"walkthrough,tabletop,call_tree,simulation,partial,full_interruption,invocation" help:"walkthrough, tabletop, call_tree, simulation, partial, full_interruption or invocation."`
	Planned      string `help:"Planned date, 2026-11-10."`
	Held         string `help:"Date held, 2026-11-12."`
	Participants string `help:"Who took part."`
	Objectives   string `help:"What it set out to show."`
	Result       string `enum:"passed,passed_with_issues,failed," default:"" help:"passed, passed_with_issues or failed."`
	Findings     string `help:"What it found."`
}

func (c exerciseAddCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	e, err := app.Continuity.AddExercise(cliContext(ctx), c.Doc, continuity.Exercise{Kind: continuity.ExerciseKind(c.Kind),
		Planned: c.Planned, Held: c.Held, Participants: c.Participants, Objectives: c.Objectives,
		Outcome: continuity.Outcome(c.Result), Findings: c.Findings})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Recorded exercise %d of %s. Review it: servicebook plan review %s --by NAME --exercise %d\n", e.ID, c.Doc, c.Doc, e.ID)
	return nil
}

type actionCmd struct {
	List   actionListCmd   `cmd:"" help:"List open actions (all with --all)."`
	Add    actionAddCmd    `cmd:"" help:"Add an action to a plan."`
	Edit   actionEditCmd   `cmd:"" help:"Change an action's description, owner or due date."`
	Close  actionCloseCmd  `cmd:"" help:"Close an action, saying how it was verified."`
	Remove actionRemoveCmd `cmd:"" help:"Delete an action raised by mistake (the change log keeps it)."`
}

type actionEditCmd struct {
	ID          int64   `arg:"" help:"Action number."`
	Description *string `help:"What is to be done."`
	Owner       *string `help:"Who does it."`
	Due         *string `help:"Due date, 2026-11-30."`
}

func (c actionEditCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	a, err := app.Continuity.Action(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, f := range []struct{ to, from *string }{{&a.Description, c.Description}, {&a.Owner, c.Owner}, {&a.Due, c.Due}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	if err := app.Continuity.UpdateAction(cliContext(ctx), a); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Action %d: %s (owner %s, due %s).\n", a.ID, a.Description, orDashCLI(a.Owner), orDashCLI(a.Due))
	return nil
}

type actionRemoveCmd struct {
	ID int64 `arg:"" help:"Action number."`
}

func (c actionRemoveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.RemoveAction(cliContext(ctx), c.ID); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Action %d deleted; the change log keeps what it said.\n", c.ID)
	return nil
}

type actionListCmd struct {
	Plan string `help:"Only this plan's actions."`
	All  bool   `help:"Closed ones too."`
}

func (c actionListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	acts, err := app.Continuity.Actions(ctx, c.Plan, !c.All)
	if err != nil {
		return err
	}
	today := app.DB.Now().Format("2006-01-02")
	var rows [][]string
	for _, a := range acts {
		status := a.Status
		if a.Status == "open" && a.Due != "" && a.Due < today {
			status = "OVERDUE"
		}
		rows = append(rows, []string{strconv.FormatInt(a.ID, 10), a.DocNumber, a.Description, a.Owner, a.Due, status, a.Verification})
	}
	printTable(app.Stdout, []string{"ID", "PLAN", "ACTION", "OWNER", "DUE", "STATUS", "VERIFICATION"}, rows, 50)
	if len(rows) == 0 {
		fmt.Fprintln(app.Stdout, "No open actions.")
	}
	return nil
}

type actionAddCmd struct {
	Doc         string `arg:"" help:"Document number."`
	Description string `required:"" help:"What is to be done."`
	Owner       string `help:"Who does it."`
	Due         string `help:"Due date, 2026-11-30."`
	Exercise    int64  `help:"The exercise it came from."`
}

func (c actionAddCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	a, err := app.Continuity.AddAction(cliContext(ctx), c.Doc, continuity.Action{Description: c.Description, Owner: c.Owner,
		Due: c.Due, ExerciseID: c.Exercise})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Added action %d to %s.\n", a.ID, c.Doc)
	return nil
}

type actionCloseCmd struct {
	ID           int64  `arg:"" help:"Action number."`
	Verification string `required:"" help:"How the action's effect was verified."`
}

func (c actionCloseCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.CloseAction(cliContext(ctx), c.ID, c.Verification); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Closed action %d.\n", c.ID)
	return nil
}

type outageCmd struct {
	Add         outageAddCmd         `cmd:"" help:"Record an outage."`
	List        outageListCmd        `cmd:"" help:"List outages of a period."`
	Import      outageImportCmd      `cmd:"" help:"Import outages from XLSX or CSV (all or nothing; re-importing updates)."`
	Investigate outageInvestigateCmd `cmd:"" help:"Update the investigation of an unplanned outage."`
	Edit        outageEditCmd        `cmd:"" help:"Correct an outage: times, kind, cause, description."`
	Remove      outageRemoveCmd      `cmd:"" help:"Delete an outage recorded by mistake (the change log keeps it)."`
}

type outageEditCmd struct {
	ID          int64   `arg:"" help:"Outage number (outage list shows it)."`
	Start       *string `help:"Start, 2026-10-10 03:00 (in --tz)."`
	End         *string `help:"End; --end= for an outage still open."`
	TZ          string  `name:"tz" default:"Asia/Shanghai" help:"Time zone of --start and --end."`
	Planned     *bool   `help:"Planned (agreed) downtime."`
	Partial     *bool   `help:"The service was degraded, not down."`
	Cause       *string `help:"The CI that caused it (--cause= for unknown)."`
	Description *string `help:"What happened."`
}

func (c outageEditCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	o, err := app.Continuity.Outage(ctx, c.ID)
	if err != nil {
		return err
	}
	if c.Start != nil {
		if o.Start, err = parseTime(*c.Start, c.TZ); err != nil {
			return err
		}
	}
	if c.End != nil {
		if o.End, err = parseTime(*c.End, c.TZ); err != nil {
			return err
		}
	}
	if c.Planned != nil {
		o.Planned = *c.Planned
	}
	if c.Partial != nil {
		o.Partial = *c.Partial
	}
	if c.Cause != nil {
		o.CauseRef = *c.Cause
	}
	if c.Description != nil {
		o.Description = *c.Description
	}
	if err := app.Continuity.UpdateOutage(cliContext(ctx), o); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Outage %d of %s corrected.\n", o.ID, o.ServiceRef)
	return nil
}

type outageRemoveCmd struct {
	ID int64 `arg:"" help:"Outage number."`
}

func (c outageRemoveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.RemoveOutage(cliContext(ctx), c.ID); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Outage %d deleted; the change log keeps what it was.\n", c.ID)
	return nil
}

type outageInvestigateCmd struct {
	ID      int64  `arg:"" help:"Outage number (outage list shows it)."`
	Status  string `required:"" enum:"open,investigating,closed" help:"open, investigating or closed."`
	Cause   string `help:"The cause found (needed to close)."`
	Actions string `help:"Actions taken or planned."`
}

func (c outageInvestigateCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.Investigate(cliContext(ctx), c.ID, c.Status, c.Cause, c.Actions); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Outage %d: investigation %s.\n", c.ID, c.Status)
	return nil
}

type outageImportCmd struct {
	File   string   `arg:"" type:"path" help:"XLSX or CSV file with Service, Start, End, Planned, Cause, Description columns (or 服务, 开始时间, 结束时间 …)."`
	DryRun bool     `help:"Check the file and report what would happen, without writing."`
	TZ     string   `name:"tz" default:"Asia/Shanghai" help:"Time zone of times in the file."`
	Map    []string `help:"Column for a field when the header is not recognised, as FIELD=Header (fields: service, start, end, planned, partial, cause, description, investigation)." placeholder:"FIELD=HEADER"`
}

func (c outageImportCmd) Run(ctx context.Context, app *App) error {
	mapping, err := parseMapping(c.Map)
	if err != nil {
		return err
	}
	if err := app.open(ctx); err != nil {
		return err
	}
	res, err := app.Continuity.ImportOutages(ctx, c.File, c.TZ, c.DryRun, mapping)
	printProblems(app, res.Problems)
	if err != nil {
		return err
	}
	verb := "Imported"
	if res.DryRun {
		verb = "Dry run, nothing written; would import"
	}
	fmt.Fprintf(app.Stdout, "%s %s: %d outages created, %d updated, %d unchanged.\n", verb, res.File, res.Created, res.Updated, res.Unchanged)
	for _, col := range res.IgnoredColumns {
		fmt.Fprintf(app.Stdout, "  Column %s is not an outage field; it was not imported.\n", col)
	}
	return nil
}

// parseTime reads "2026-10-10 03:00" (in zone) or RFC 3339.
// zoneNamed is the IANA time zone name names, or a message that says how
// to write one.
func zoneNamed(name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, store.Errorf(store.EInvalid, "%q is not a time zone; use a name such as Asia/Shanghai.", name)
	}
	return loc, nil
}

func parseTime(text, zone string) (time.Time, error) {
	if text == "" {
		return time.Time{}, nil
	}
	loc, err := zoneNamed(zone)
	if err != nil {
		return time.Time{}, err
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", time.RFC3339, "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(text), loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, store.Errorf(store.EInvalid, "%q is not a time; write it as 2026-10-10 03:00.", text)
}

type outageAddCmd struct {
	Service     string `required:"" help:"The service that was down."`
	Start       string `required:"" help:"Start, 2026-10-10 03:00 (in --tz)."`
	End         string `help:"End; leave out while the outage is still open."`
	TZ          string `name:"tz" default:"Asia/Shanghai" help:"Time zone of --start and --end."`
	Planned     bool   `help:"Planned (agreed) downtime."`
	Partial     bool   `help:"The service was degraded, not down."`
	Cause       string `help:"The CI that caused it."`
	Description string `help:"What happened."`
}

func (c outageAddCmd) Run(ctx context.Context, app *App) error {
	start, err := parseTime(c.Start, c.TZ)
	if err != nil {
		return err
	}
	end, err := parseTime(c.End, c.TZ)
	if err != nil {
		return err
	}
	if err := app.open(ctx); err != nil {
		return err
	}
	o, err := app.Continuity.AddOutage(cliContext(ctx), continuity.OutageRecord{ServiceRef: c.Service, CauseRef: c.Cause,
		Outage: continuity.Outage{Start: start, End: end, Planned: c.Planned, Partial: c.Partial}, Description: c.Description})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Recorded outage %d of %s %s (investigation %s).\n", o.ID, o.ServiceRef, o.ServiceName, o.Investigation)
	return nil
}

type outageListCmd struct {
	Period  string `default:"" help:"Period, 2026-10, 2026-Q4 or 2026 (default: this month)."`
	Service string `help:"Only this service."`
	TZ      string `name:"tz" default:"Asia/Shanghai" help:"Time zone to show times in."`
}

func (c outageListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	loc, err := zoneNamed(c.TZ)
	if err != nil {
		return err
	}
	label := c.Period
	if label == "" {
		label = app.DB.Now().In(loc).Format("2006-01")
	}
	p, err := continuity.ParsePeriod(label, loc)
	if err != nil {
		return store.Errorf(store.EInvalid, "%v.", err)
	}
	recs, err := app.Continuity.Outages(ctx, c.Service, p.Interval)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, o := range recs {
		end := "open"
		if !o.End.IsZero() {
			end = o.End.In(loc).Format("2006-01-02 15:04")
		}
		kind := "unplanned"
		if o.Planned {
			kind = "planned"
		}
		if o.Partial {
			kind += ", partial"
		}
		rows = append(rows, []string{strconv.FormatInt(o.ID, 10), o.ServiceRef + " " + o.ServiceName, o.Start.In(loc).Format("2006-01-02 15:04"),
			end, kind, o.CauseRef, o.Investigation, o.Description})
	}
	printTable(app.Stdout, []string{"ID", "SERVICE", "START", "END", "KIND", "CAUSE", "INVESTIGATION", "DESCRIPTION"}, rows, 40)
	if len(rows) == 0 {
		fmt.Fprintf(app.Stdout, "No outages in %s.\n", label)
	}
	return nil
}

type targetCmd struct {
	Set    targetSetCmd    `cmd:"" help:"Set the availability target of a service."`
	List   targetListCmd   `cmd:"" help:"List the services' availability targets."`
	Remove targetRemoveCmd `cmd:"" help:"Remove a service's availability target."`
}

type targetListCmd struct{}

func (targetListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	targets, err := app.Continuity.Targets(ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, t := range targets {
		policy := "excluded"
		if t.PlannedPolicy == continuity.PlannedCounted {
			policy = "counted"
		}
		rows = append(rows, []string{t.ServiceRef + " " + t.ServiceName, fmt.Sprintf("%g %%", t.Percent), t.Period, t.ServiceHours, t.TimeZone, policy})
	}
	printTable(app.Stdout, []string{"SERVICE", "TARGET", "PER", "SERVICE HOURS", "TIME ZONE", "PLANNED DOWNTIME"}, rows, 40)
	if len(rows) == 0 {
		fmt.Fprintln(app.Stdout, "No targets yet: servicebook target set CI-… --percent 99.9")
	}
	return nil
}

type targetRemoveCmd struct {
	Service string `arg:"" help:"The service."`
}

func (c targetRemoveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.RemoveTarget(cliContext(ctx), c.Service); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s no longer has an availability target.\n", c.Service)
	return nil
}

type targetSetCmd struct {
	Service string  `arg:"" help:"The service."`
	Percent float64 `required:"" help:"Target, e.g. 99.9."`
	Period  string  `default:"month" enum:"month,quarter,year" help:"month, quarter or year."`
	Hours   string  `default:"7×24" help:"Service hours: 7×24, weekdays 08:00-18:00, 工作日 08:00-18:00 …"`
	TZ      string  `name:"tz" default:"Asia/Shanghai" help:"Time zone of the service hours."`
	Planned string  `default:"excluded" enum:"excluded,counted" help:"Planned downtime: excluded from agreed time, or counted."`
}

func (c targetSetCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	policy := continuity.PlannedExcluded
	if c.Planned == "counted" {
		policy = continuity.PlannedCounted
	}
	t, err := app.Continuity.SetTarget(cliContext(ctx), c.Service, continuity.Target{Percent: c.Percent, Period: c.Period,
		ServiceHours: c.Hours, TimeZone: c.TZ, PlannedPolicy: policy})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s %s: %g %% per %s, service hours %s (%s), planned downtime %s.\n",
		t.ServiceRef, t.ServiceName, t.Percent, t.Period, t.ServiceHours, t.TimeZone, c.Planned)
	return nil
}

type availabilityCmd struct {
	Period  string `required:"" help:"Period: 2026-10, 2026-Q4 or 2026."`
	Service string `help:"Only this service."`
}

func (c availabilityCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	res, err := app.Continuity.Availability(ctx, c.Period, c.Service)
	if err != nil {
		return err
	}
	var rows [][]string
	hours := func(d time.Duration) string { return strconv.FormatFloat(d.Hours(), 'f', 2, 64) + " h" }
	for _, r := range res {
		met := "met"
		if !r.Met {
			met = "MISSED"
		}
		if r.ToDate {
			met += " to date"
		}
		gap := ""
		if r.Uninvestigated > 0 {
			gap = fmt.Sprintf("%d not investigated", r.Uninvestigated)
		}
		rows = append(rows, []string{r.ServiceRef + " " + r.ServiceName, hours(r.Agreed), hours(r.Downtime),
			fmt.Sprintf("%.3f %%", r.Availability), fmt.Sprintf("%g %%", r.Percent), met, hours(r.ErrorBudget),
			strconv.Itoa(r.Outages), hours(r.MTRS), hours(r.MTBF), fmt.Sprintf("%.3f %%", r.Derived), gap})
	}
	printTable(app.Stdout, []string{"SERVICE", "AGREED", "DOWN", "AVAILABILITY", "TARGET", "", "BUDGET LEFT", "OUTAGES", "MTRS", "MTBF", "FROM DEPENDENCIES", "GAPS"}, rows, 40)
	if len(res) > 0 && res[0].ToDate {
		fmt.Fprintf(app.Stdout, "To date: %s has not ended; every figure counts the time up to %s, not the rest of the period.\n",
			c.Period, res[0].Until.In(res[0].Period.Start.Location()).Format("2006-01-02 15:04 MST"))
	}
	if len(rows) == 0 {
		fmt.Fprintln(app.Stdout, "No service has an availability target yet: servicebook target set CI-… --percent 99.9")
	}
	return nil
}
