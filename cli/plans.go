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
	Show    planShowCmd    `cmd:"" help:"Show a plan: contents, BIA, steps, call tree, linked CIs, checks, document control, distribution."`
	New     planNewCmd     `cmd:"" help:"Write a new plan (version 0.1, a draft) for a service."`
	Set     planSetCmd     `cmd:"" help:"Change a plan's fields, sections and BIA figures (an approved plan becomes the next minor version)."`
	Approve planApproveCmd `cmd:"" help:"Approve a plan: a draft becomes 1.0, a revision the next major version."`
	Review  planReviewCmd  `cmd:"" help:"Record a review of a plan: outcome and comment; it covers the reasons for review shown."`
	Step    planStepCmd    `cmd:"" help:"Add, change or remove recovery steps."`
	Role    planRoleCmd    `cmd:"" help:"Set or remove a call-tree role (primary and alternate contact)."`
	Link    planLinkCmd    `cmd:"" help:"Add a CI to those the plan covers."`
	Unlink  planUnlinkCmd  `cmd:"" help:"Remove a CI from those the plan covers."`
	Copy    planCopyCmd    `cmd:"" help:"Issue, change or withdraw a copy on the distribution list."`
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
			flags = append(flags, count(p.UnreviewedExercises, "exercise", "exercises")+" not reviewed")
		}
		if p.OverdueActions > 0 {
			flags = append(flags, count(p.OverdueActions, "action", "actions")+" overdue")
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
	field("Version / status", fmt.Sprintf("%s / %s (row version %d)", p.Version, p.Status(), p.RowVersion))
	field("Owner / approver", p.Owner+" / "+p.Approver)
	if p.ApprovedAt != "" {
		field("Approved", p.ApprovedAt+" by "+p.ApprovedBy)
	}
	field("Classification", p.Classification)
	field("Review", fmt.Sprintf("every %d months; next %s", p.ReviewMonths, p.NextReview))
	if p.NeedsReview {
		reasons, err := cs.OpenReasons(ctx, p.ID)
		if err != nil {
			return err
		}
		field("NEEDS REVIEW", count(len(reasons), "change", "changes")+" not yet reviewed:")
		for _, r := range reasons {
			fmt.Fprintf(out, "%30s %s\n", "", r.Reason)
		}
	}
	if p.RetestRequired {
		field("RE-TEST REQUIRED", "a failed exercise, a major change or a review asks for a test")
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
		var after []string
		for _, n := range continuity.AfterNumbers(steps, s) {
			after = append(after, strconv.Itoa(n))
		}
		rows = append(rows, []string{strconv.Itoa(s.Number), string(s.Phase), strconv.Itoa(s.Order), s.Who, s.Action,
			continuity.Minutes(s.Duration), strings.Join(after, " ")})
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
	copies, err := cs.Distribution(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\nDistribution:")
	rows = nil
	for _, c := range copies {
		rows = append(rows, []string{strconv.Itoa(c.CopyNo), c.Holder, c.Location, c.Issued, c.Version})
	}
	printTable(out, []string{"COPY", "HOLDER", "LOCATION", "ISSUED", "VERSION"}, rows, 50)
	if len(copies) == 0 {
		fmt.Fprintln(out, "  no copies issued")
	}
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

type planSetCmd struct {
	Doc                 string         `arg:"" help:"Document number."`
	Title               *string        `help:"Title."`
	Owner               *string        `help:"Plan owner."`
	Approver            *string        `help:"Who approves the plan."`
	Classification      *string        `help:"Classification, e.g. 内部使用."`
	ReviewMonths        *int           `help:"Review interval in months."`
	NextReview          *string        `help:"Next review date, 2027-03-01."`
	Scope               *string        `help:"Scope and assumptions."`
	Invocation          *string        `help:"Invocation criteria and who may invoke the plan."`
	MajorLoss           *string        `help:"Procedures on major loss of service."`
	AvailabilityInvoked *string        `help:"Availability targets while the plan is invoked."`
	Recovery            *string        `help:"Recovery requirements."`
	ReturnToNormal      *string        `help:"The approach for the return to normal working."`
	RTO                 *time.Duration `name:"rto" help:"Recovery time objective, e.g. 4h."`
	RPO                 *time.Duration `name:"rpo" help:"Recovery point objective, e.g. 15m."`
	MTPD                *time.Duration `name:"mtpd" help:"Maximum tolerable period of disruption, e.g. 24h."`
	MinServiceLevel     *string        `help:"Minimum service level while recovering."`
	Change              string         `help:"What changed and why, for the document control (default: the fields changed)."`
	ExpectVersion       int64          `help:"Refuse if the plan's row version (plan show prints it) is no longer this one."`
}

func (c planSetCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, err := app.Continuity.Plan(ctx, c.Doc)
	if err != nil {
		return err
	}
	if c.ExpectVersion != 0 && c.ExpectVersion != p.RowVersion {
		return store.Errorf(store.EConflict, "%s changed since you read it (row version %d now, not %d).", p.DocNumber, p.RowVersion, c.ExpectVersion)
	}
	for _, f := range []struct {
		to   *string
		from *string
	}{{&p.Title, c.Title}, {&p.Owner, c.Owner}, {&p.Approver, c.Approver}, {&p.Classification, c.Classification},
		{&p.NextReview, c.NextReview}, {&p.Scope, c.Scope}, {&p.Invocation, c.Invocation}, {&p.MajorLoss, c.MajorLoss},
		{&p.AvailabilityInvoked, c.AvailabilityInvoked}, {&p.Recovery, c.Recovery}, {&p.ReturnToNormal, c.ReturnToNormal},
		{&p.MinServiceLevel, c.MinServiceLevel}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	if c.ReviewMonths != nil {
		p.ReviewMonths = *c.ReviewMonths
	}
	for _, d := range []struct {
		to   *time.Duration
		from *time.Duration
	}{{&p.RTO, c.RTO}, {&p.RPO, c.RPO}, {&p.MTPD, c.MTPD}} {
		if d.from != nil {
			*d.to = *d.from
		}
	}
	before := p.Version
	saved, err := app.Continuity.SavePlan(cliContext(ctx), p, c.Change)
	if err != nil {
		return err
	}
	if saved.Version != before {
		fmt.Fprintf(app.Stdout, "Saved %s: version %s → %s (the approved %s is kept).\n", saved.DocNumber, before, saved.Version, before)
	} else {
		fmt.Fprintf(app.Stdout, "Saved %s, version %s.\n", saved.DocNumber, saved.Version)
	}
	return nil
}

type planApproveCmd struct {
	Doc           string `arg:"" help:"Document number."`
	By            string `required:"" help:"Approver."`
	ExpectVersion int64  `help:"The row version you read (plan show prints it); the approval is refused if the plan changed since."`
	Reason        string `help:"Why the plan is approved although its checks find errors (recorded in the document control)."`
}

func (c planApproveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, err := app.Continuity.Plan(ctx, c.Doc)
	if err != nil {
		return err
	}
	rowVersion := c.ExpectVersion
	if rowVersion == 0 {
		rowVersion = p.RowVersion // approve the text as it is now, and say which
	}
	p, err = app.Continuity.Approve(cliContext(ctx), c.Doc, continuity.Approval{Approver: c.By, RowVersion: rowVersion, Reason: c.Reason})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s approved as version %s by %s on %s (the text of row version %d, kept as approved).\n",
		p.DocNumber, p.Version, p.ApprovedBy, p.ApprovedAt, rowVersion)
	return nil
}

type planReviewCmd struct {
	Doc      string `arg:"" help:"Document number."`
	By       string `required:"" help:"Reviewer."`
	Outcome  string `required:"" enum:"adequate,update,retest" help:"adequate (the plan still works), update (it must change) or retest (it must be tested again)."`
	Comment  string `help:"What the review found and decided."`
	Exercise int64  `help:"The exercise or invocation this review follows."`
}

func (c planReviewCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.AssessChanges(ctx); err != nil {
		return err
	}
	p, err := app.Continuity.Plan(ctx, c.Doc)
	if err != nil {
		return err
	}
	reasons, err := app.Continuity.OpenReasons(ctx, p.ID)
	if err != nil {
		return err
	}
	var upTo int64
	if len(reasons) > 0 {
		fmt.Fprintf(app.Stdout, "This review covers %s for review:\n", count(len(reasons), "reason", "reasons"))
		for _, r := range reasons {
			fmt.Fprintf(app.Stdout, "  %s\n", r.Reason)
		}
		upTo = reasons[len(reasons)-1].ID
	}
	p, err = app.Continuity.Review(cliContext(ctx), c.Doc, continuity.ReviewRecord{Reviewer: c.By, Outcome: continuity.ReviewOutcome(c.Outcome),
		Comment: c.Comment, ExerciseID: c.Exercise, UpTo: upTo})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s reviewed by %s: %s; next review %s.\n", p.DocNumber, c.By, c.Outcome, p.NextReview)
	return nil
}
