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

type planCmd struct {
	List    planListCmd    `cmd:"" help:"List plans with status, version, next review and flags."`
	Show    planShowCmd    `cmd:"" help:"Show a plan: contents, BIA, steps, call tree, linked CIs, checks, document control."`
	New     planNewCmd     `cmd:"" help:"Write a new plan (version 0.1, a draft) for a service."`
	Approve planApproveCmd `cmd:"" help:"Approve a plan: a draft becomes 1.0, a revision the next major version."`
	Review  planReviewCmd  `cmd:"" help:"Record a review of a plan (clears a needs-review flag), optionally of an exercise."`
	Step    planStepCmd    `cmd:"" help:"Add a recovery step."`
	Role    planRoleCmd    `cmd:"" help:"Set the primary and alternate contact of a call-tree role."`
	Link    planLinkCmd    `cmd:"" help:"Add a CI to those the plan covers."`
	Unlink  planUnlinkCmd  `cmd:"" help:"Remove a CI from those the plan covers."`
	Copy    planCopyCmd    `cmd:"" help:"Record an issued copy on the distribution list."`
}

type planLinkCmd struct {
	Doc string `arg:"" help:"Document number."`
	Ref string `arg:"" help:"CI reference."`
}

func (c planLinkCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.LinkCI(cliContext(ctx), c.Doc, c.Ref); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s now covers %s.\n", c.Doc, c.Ref)
	return nil
}

type planUnlinkCmd struct {
	Doc string `arg:"" help:"Document number."`
	Ref string `arg:"" help:"CI reference."`
}

func (c planUnlinkCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.UnlinkCI(cliContext(ctx), c.Doc, c.Ref); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s no longer covers %s.\n", c.Doc, c.Ref)
	return nil
}

type planCopyCmd struct {
	Doc      string `arg:"" help:"Document number."`
	Holder   string `required:"" help:"Who holds the copy."`
	Location string `help:"Where, e.g. the off-site safe."`
	Issued   string `help:"Date issued, 2026-11-01."`
}

func (c planCopyCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.AddCopy(cliContext(ctx), c.Doc, continuity.Copy{Holder: c.Holder, Location: c.Location, Issued: c.Issued}); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Copy of %s issued to %s.\n", c.Doc, c.Holder)
	return nil
}

type planListCmd struct{}

func (planListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	plans, err := app.Continuity.Plans(ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, p := range plans {
		flags := []string{}
		if p.IsDraft() {
			flags = append(flags, "DRAFT")
		}
		if p.NeedsReview {
			flags = append(flags, "needs review")
		}
		if p.ReviewOverdue {
			flags = append(flags, "review overdue")
		}
		if p.RetestRequired {
			flags = append(flags, "re-test required")
		}
		if p.UnreviewedExercises > 0 {
			flags = append(flags, fmt.Sprintf("%d exercise(s) not reviewed", p.UnreviewedExercises))
		}
		if p.OverdueActions > 0 {
			flags = append(flags, fmt.Sprintf("%d action(s) overdue", p.OverdueActions))
		}
		last := p.LastExercise
		if last != "" {
			last += " " + string(p.LastOutcome)
		}
		rows = append(rows, []string{p.DocNumber, p.Title, p.ServiceRef, p.Version, string(p.Status()), p.NextReview, last, strings.Join(flags, ", ")})
	}
	printTable(app.Stdout, []string{"DOCUMENT", "TITLE", "SERVICE", "VERSION", "STATUS", "NEXT REVIEW", "LAST EXERCISE", "FLAGS"}, rows, 40)
	if len(rows) == 0 {
		fmt.Fprintln(app.Stdout, "No plans yet: servicebook plan new --doc SM-02002 --title … --service CI-…")
	}
	return nil
}

type planShowCmd struct {
	Doc string `arg:"" help:"Document number, e.g. SM-02002."`
}

func (c planShowCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	cs := app.Continuity
	if err := cs.AssessChanges(ctx); err != nil {
		return err
	}
	p, err := cs.Plan(ctx, c.Doc)
	if err != nil {
		return err
	}
	out := app.Stdout
	title := p.DocNumber + "  " + p.Title
	if p.IsDraft() {
		title += "   [DRAFT — for reference only]"
	}
	fmt.Fprintln(out, title)
	field := func(name, value string) {
		fmt.Fprintf(out, "%-*s %s\n", 30-displayWidth(name)+len(name), name+":", value)
	}
	field("Service", p.ServiceRef+" "+p.ServiceName)
	field("Version / status", p.Version+" / "+string(p.Status()))
	field("Owner / approver", p.Owner+" / "+p.Approver)
	if p.ApprovedAt != "" {
		field("Approved", p.ApprovedAt+" by "+p.ApprovedBy)
	}
	field("Classification", p.Classification)
	field("Review", fmt.Sprintf("every %d months; next %s", p.ReviewMonths, p.NextReview))
	if p.NeedsReview {
		field("NEEDS REVIEW", p.NeedsReason)
	}
	if p.RetestRequired {
		field("RE-TEST REQUIRED", "the last exercise failed")
	}
	field("RTO / RPO / MTPD", continuity.Minutes(p.RTO)+" / "+continuity.Minutes(p.RPO)+" / "+continuity.Minutes(p.MTPD))
	field("Minimum service level", p.MinServiceLevel)
	for _, sec := range [][2]string{{"Scope and assumptions", p.Scope}, {"Invocation criteria", p.Invocation},
		{"Major loss of service", p.MajorLoss}, {"Availability while invoked", p.AvailabilityInvoked},
		{"Recovery requirements", p.Recovery}, {"Return to normal", p.ReturnToNormal}} {
		field(sec[0], sec[1])
	}
	steps, err := cs.Steps(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\nRecovery steps:")
	var rows [][]string
	for _, s := range steps {
		deps := make([]string, len(s.DependsOn))
		for i, d := range s.DependsOn {
			deps[i] = strconv.FormatInt(d, 10)
		}
		rows = append(rows, []string{strconv.FormatInt(s.ID, 10), string(s.Phase), strconv.Itoa(s.Order), s.Who, s.Action,
			continuity.Minutes(s.Duration), strings.Join(deps, " ")})
	}
	printTable(out, []string{"STEP", "PHASE", "ORDER", "WHO", "ACTION", "TAKES", "AFTER"}, rows, 50)
	roles, err := cs.Roles(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\nCall tree:")
	rows = nil
	contact := func(c *continuity.Contact) string {
		if c == nil {
			return "—"
		}
		return strings.TrimSpace(c.Name + " " + c.Mobile + " " + c.Phone)
	}
	for _, r := range roles {
		rows = append(rows, []string{strconv.Itoa(r.Escalation), r.Role, contact(r.Primary), contact(r.Alternate)})
	}
	printTable(out, []string{"ORDER", "ROLE", "PRIMARY", "ALTERNATE"}, rows, 40)
	linked, err := cs.LinkedCIs(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nLinked CIs: %d\n", len(linked))
	fmt.Fprintln(out, "\nChecks:")
	findings := continuity.Check(p, steps, roles, linked)
	for _, f := range findings {
		fmt.Fprintf(out, "  %-7s %s\n", f.Severity, f.Msg.String())
	}
	if len(findings) == 0 {
		fmt.Fprintln(out, "  no problems found")
	}
	revs, err := cs.Revisions(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\nDocument control:")
	rows = nil
	for _, r := range revs {
		rows = append(rows, []string{r.Version, r.Date, r.Change, r.Reviewer, r.Approver})
	}
	printTable(out, []string{"VERSION", "DATE", "CHANGE", "REVIEWER", "APPROVER"}, rows, 50)
	exs, err := cs.Exercises(ctx, p.ID)
	if err != nil {
		return err
	}
	if len(exs) > 0 {
		fmt.Fprintln(out, "\nExercises:")
		rows = nil
		for _, e := range exs {
			rev := e.ReviewedAt + " " + e.ReviewedBy
			if e.ReviewedAt == "" {
				rev = "NOT REVIEWED"
			}
			rows = append(rows, []string{strconv.FormatInt(e.ID, 10), string(e.Kind), e.Held, string(e.Outcome), e.Findings, rev})
		}
		printTable(out, []string{"ID", "KIND", "HELD", "RESULT", "FINDINGS", "REVIEW"}, rows, 40)
	}
	return nil
}

type planNewCmd struct {
	Doc            string        `required:"" help:"Document number, e.g. SM-02002."`
	Title          string        `required:"" help:"Title."`
	Service        string        `required:"" help:"The service the plan covers (a business or IT service CI)."`
	Owner          string        `help:"Plan owner."`
	Approver       string        `help:"Who approves the plan."`
	Classification string        `help:"Classification, e.g. 内部使用." default:"内部使用"`
	RTO            time.Duration `name:"rto" help:"Recovery time objective, e.g. 4h."`
	RPO            time.Duration `name:"rpo" help:"Recovery point objective, e.g. 15m."`
	MTPD           time.Duration `name:"mtpd" help:"Maximum tolerable period of disruption, e.g. 24h."`
	ReviewMonths   int           `help:"Review interval in months." default:"12"`
}

func (c planNewCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, err := app.Continuity.CreatePlan(cliContext(ctx), continuity.Plan{DocNumber: c.Doc, Title: c.Title, ServiceRef: c.Service,
		Owner: c.Owner, Approver: c.Approver, Classification: c.Classification, RTO: c.RTO, RPO: c.RPO, MTPD: c.MTPD,
		ReviewMonths: c.ReviewMonths})
	if err != nil {
		return err
	}
	linked, _ := app.Continuity.LinkedCIs(ctx, p.ID)
	fmt.Fprintf(app.Stdout, "Created %s %s, version %s (DRAFT), covering %s %s and %d CIs it depends on.\n",
		p.DocNumber, p.Title, p.Version, p.ServiceRef, p.ServiceName, len(linked)-1)
	return nil
}

type planApproveCmd struct {
	Doc string `arg:"" help:"Document number."`
	By  string `required:"" help:"Approver."`
}

func (c planApproveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, err := app.Continuity.Approve(cliContext(ctx), c.Doc, c.By)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s approved as version %s by %s on %s.\n", p.DocNumber, p.Version, p.ApprovedBy, p.ApprovedAt)
	return nil
}

type planReviewCmd struct {
	Doc      string `arg:"" help:"Document number."`
	By       string `required:"" help:"Reviewer."`
	Notes    string `help:"What the review found and decided."`
	Exercise int64  `help:"The exercise or invocation this review follows."`
}

func (c planReviewCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.AssessChanges(ctx); err != nil {
		return err
	}
	p, err := app.Continuity.Review(cliContext(ctx), c.Doc, c.By, c.Notes, c.Exercise)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s reviewed by %s; next review %s.\n", p.DocNumber, c.By, p.NextReview)
	return nil
}

type planStepCmd struct {
	Doc    string        `arg:"" help:"Document number."`
	Phase  string        `required:"" enum:"activation,recovery,reconstitution" help:"activation, recovery or reconstitution."`
	Action string        `required:"" help:"What to do."`
	Who    string        `help:"Who does it (a role of the call tree, or a name)."`
	Where  string        `help:"Where."`
	Takes  time.Duration `help:"Expected duration, e.g. 45m."`
	After  []int64       `help:"Steps (by number) that must finish first."`
}

func (c planStepCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	st, err := app.Continuity.AddStep(cliContext(ctx), c.Doc, continuity.PlanStep{Phase: continuity.Phase(c.Phase),
		Action: c.Action, Who: c.Who, Location: c.Where, Duration: c.Takes, DependsOn: c.After})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Added step %d (%s %d).\n", st.ID, st.Phase, st.Order)
	return nil
}

type planRoleCmd struct {
	Doc       string `arg:"" help:"Document number."`
	Role      string `arg:"" help:"Role, e.g. Incident manager."`
	Order     int    `help:"Escalation order." default:"1"`
	Primary   string `help:"Primary contact's name."`
	Mobile    string `help:"Primary contact's mobile."`
	Alternate string `help:"Alternate contact's name."`
	AltMobile string `name:"alternate-mobile" help:"Alternate contact's mobile."`
}

func (c planRoleCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	err := app.Continuity.SetRole(cliContext(ctx), c.Doc, c.Role, c.Order,
		continuity.Contact{Name: c.Primary, Mobile: c.Mobile}, continuity.Contact{Name: c.Alternate, Mobile: c.AltMobile})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Call tree of %s: %s → %s, alternate %s.\n", c.Doc, c.Role, c.Primary, orDashCLI(c.Alternate))
	return nil
}

func orDashCLI(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

type exerciseCmd struct {
	Add exerciseAddCmd `cmd:"" help:"Record an exercise or a real invocation of a plan."`
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
	List  actionListCmd  `cmd:"" help:"List open actions (all with --all)."`
	Add   actionAddCmd   `cmd:"" help:"Add an action to a plan."`
	Close actionCloseCmd `cmd:"" help:"Close an action, saying how it was verified."`
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
	fmt.Fprintf(app.Stdout, "%s %s: %d outages created, %d updated.\n", verb, res.File, res.Created, res.Updated)
	return nil
}

// parseTime reads "2026-10-10 03:00" (in zone) or RFC 3339.
func parseTime(text, zone string) (time.Time, error) {
	if text == "" {
		return time.Time{}, nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.Time{}, store.Errorf(store.EInvalid, "%q is not a time zone; use a name such as Asia/Shanghai.", zone)
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
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		return store.Errorf(store.EInvalid, "%q is not a time zone.", c.TZ)
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
	Set targetSetCmd `cmd:"" help:"Set the availability target of a service."`
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
		gap := ""
		if r.Uninvestigated > 0 {
			gap = fmt.Sprintf("%d not investigated", r.Uninvestigated)
		}
		rows = append(rows, []string{r.ServiceRef + " " + r.ServiceName, hours(r.Agreed), hours(r.Downtime),
			fmt.Sprintf("%.3f %%", r.Availability), fmt.Sprintf("%g %%", r.Percent), met, hours(r.ErrorBudget),
			strconv.Itoa(r.Outages), hours(r.MTRS), hours(r.MTBF), fmt.Sprintf("%.3f %%", r.Derived), gap})
	}
	printTable(app.Stdout, []string{"SERVICE", "AGREED", "DOWN", "AVAILABILITY", "TARGET", "", "BUDGET LEFT", "OUTAGES", "MTRS", "MTBF", "FROM DEPENDENCIES", "GAPS"}, rows, 40)
	if len(rows) == 0 {
		fmt.Fprintln(app.Stdout, "No service has an availability target yet: servicebook target set CI-… --percent 99.9")
	}
	return nil
}
