package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"servicebook/capacity"
	"servicebook/store"
)

type capacityPlanCmd struct {
	List    capacityPlanListCmd    `cmd:"" help:"List capacity plans with version, next review and flags (draft, review due, breach within the horizon)."`
	Show    capacityPlanShowCmd    `cmd:"" help:"Show a capacity plan: sections, resources with headroom and time to threshold, upgrades, checks, document control."`
	New     capacityPlanNewCmd     `cmd:"" help:"Write a new capacity plan (version 0.1, a draft) for one or more services."`
	Set     capacityPlanSetCmd     `cmd:"" help:"Change a capacity plan's fields, sections and services (an approved plan becomes the next minor version)."`
	Approve capacityPlanApproveCmd `cmd:"" help:"Approve a capacity plan: a draft becomes 1.0, a revision the next major version."`
	Review  capacityPlanReviewCmd  `cmd:"" help:"Record a review of a capacity plan; the next review falls due one interval on."`
}

type capacityPlanListCmd struct{}

func (capacityPlanListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	plans, err := app.Capacity.PlanStates(ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, p := range plans {
		rows = append(rows, []string{p.DocNumber, p.Title, serviceList(p.Services), p.Version, string(p.Status()), p.NextReview,
			strconv.Itoa(len(p.Resources)), strings.Join(planFlags(p), ", ")})
	}
	printTable(app.Stdout, []string{"DOCUMENT", "TITLE", "SERVICES", "VERSION", "STATUS", "NEXT REVIEW", "RESOURCES", "FLAGS"}, rows, 40)
	if len(rows) == 0 {
		fmt.Fprintln(app.Stdout, "No capacity plans yet: servicebook capacity plan new --doc SM-03001 --title … --service CI-…")
	}
	return nil
}

func planFlags(p capacity.PlanState) []string {
	var flags []string
	if p.IsDraft() {
		flags = append(flags, "DRAFT")
	}
	if p.ReviewDue {
		flags = append(flags, "review due")
	}
	if n := len(p.Breaches); n > 0 {
		flags = append(flags, fmt.Sprintf("%s in %d days, no upgrade", count(n, "breach", "breaches"), p.HorizonDays))
	}
	return flags
}

func serviceList(list []capacity.PlanService) string {
	refs := make([]string, len(list))
	for i, s := range list {
		refs[i] = s.Ref
	}
	return strings.Join(refs, " ")
}

type capacityPlanShowCmd struct {
	Doc string `arg:"" help:"Document number."`
}

func (c capacityPlanShowCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, err := app.Capacity.PlanState(ctx, c.Doc)
	if err != nil {
		return err
	}
	out := app.Stdout
	title := p.DocNumber + " " + p.Title
	if p.IsDraft() {
		title += "   [DRAFT]"
	}
	fmt.Fprintln(out, title)
	field := func(name, value string) {
		fmt.Fprintf(out, "%-*s %s\n", 30-displayWidth(name)+len(name), name+":", value)
	}
	var svcs []string
	for _, s := range p.Services {
		svcs = append(svcs, s.Ref+" "+s.Name)
	}
	field("Services", strings.Join(svcs, "; "))
	field("Version / status", fmt.Sprintf("%s / %s (row version %d)", p.Version, p.Status(), p.RowVersion))
	field("Owner / approver", p.Owner+" / "+p.Approver)
	if p.ApprovedAt != "" {
		field("Approved", p.ApprovedAt+" by "+p.ApprovedBy)
	}
	field("Classification", p.Classification)
	review := fmt.Sprintf("every %d months; next %s", p.ReviewMonths, p.NextReview)
	if p.ReviewDue {
		review += " (DUE)"
	}
	field("Review", review)
	field("Forecast horizon", count(p.HorizonDays, "day", "days"))
	for _, sec := range p.Sections() {
		fmt.Fprintf(out, "\n%s:\n", sec.Title)
		text := strings.TrimSpace(*sec.Text)
		if text == "" {
			text = "(not written yet)"
		}
		for _, line := range strings.Split(text, "\n") {
			fmt.Fprintf(out, "  %s\n", line)
		}
	}
	fmt.Fprintln(out, "\nResources:")
	byName := map[string]capacity.ResourceForecast{}
	for _, f := range p.Forecasts {
		byName[f.Name] = f
	}
	horizon := fmt.Sprintf("%dd", p.HorizonDays)
	var rows [][]string
	for _, r := range p.Resources {
		f, ok := byName[r.Name]
		warn, crit, method := "no forecast (too few samples)", "", ""
		if ok {
			warn, crit, method = reachText(f.ToWarning, horizon), reachText(f.ToCritical, horizon), string(f.Method)
		}
		rows = append(rows, []string{r.Name, r.CIRef, num(r.Capacity) + " " + r.Unit, num(round3(r.Usable())), method, warn, crit})
	}
	printTable(out, []string{"RESOURCE", "CI", "CAPACITY", "USABLE", "METHOD", "WARNING", "CRITICAL"}, rows, 44)
	ups, err := app.Capacity.PlanUpgrades(ctx, p.Resources)
	if err != nil {
		return err
	}
	if len(ups) > 0 {
		fmt.Fprintln(out, "\nUpgrades:")
		rows = nil
		for _, u := range ups {
			rows = append(rows, []string{u.Planned.Format("2006-01-02"), u.Resource, "+" + num(u.Adds), u.Cost.Format(2), u.Supplier, u.Status})
		}
		printTable(out, []string{"DATE", "RESOURCE", "ADDS", "COST", "SUPPLIER", "STATUS"}, rows, 40)
	}
	fmt.Fprintln(out, "\nChecks:")
	findings := capacity.CheckPlan(p.Plan, p.Resources, p.Forecasts)
	for _, f := range findings {
		fmt.Fprintf(out, "  %-7s %s\n", f.Severity, f.Msg.String())
	}
	if len(findings) == 0 {
		fmt.Fprintln(out, "  no problems found")
	}
	revs, err := app.Capacity.Revisions(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\nDocument control:")
	rows = nil
	for _, r := range revs {
		rows = append(rows, []string{r.Version, r.Date, r.Change, r.Reviewer, r.Approver})
	}
	printTable(out, []string{"VERSION", "DATE", "CHANGE", "REVIEWER", "APPROVER"}, rows, 50)
	reviews, err := app.Capacity.Reviews(ctx, p.ID)
	if err != nil {
		return err
	}
	if len(reviews) > 0 {
		fmt.Fprintln(out, "\nReviews:")
		rows = nil
		for _, r := range reviews {
			rows = append(rows, []string{r.At, r.By, r.Outcome, r.Notes})
		}
		printTable(out, []string{"DATE", "REVIEWER", "OUTCOME", "NOTES"}, rows, 50)
	}
	copies, err := app.Capacity.Distribution(ctx, p.ID)
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
	return nil
}

// capacityPlanSections are the flags that set a plan's sections, shared by
// new and set.
type capacityPlanSections struct {
	Requirements  *string `help:"Capacity and performance requirements agreed with the customer."`
	Demand        *string `help:"Current and forecast demand."`
	ServiceLevels *string `help:"Expected impact of agreed availability, continuity and service-level requirements."`
	UpgradePlan   *string `name:"upgrade-plan" help:"Timescales, thresholds and costs for upgrades."`
	ChangeImpact  *string `help:"Impact of statutory, regulatory, contractual and organisational change."`
	Technologies  *string `help:"New technologies and techniques."`
	Procedure     *string `help:"The procedure that makes the analysis predictive."`
}

func (c capacityPlanSections) apply(p *capacity.Plan) {
	for _, f := range []struct {
		to   *string
		from *string
	}{{&p.Requirements, c.Requirements}, {&p.Demand, c.Demand}, {&p.ServiceLevels, c.ServiceLevels}, {&p.UpgradePlan, c.UpgradePlan},
		{&p.ChangeImpact, c.ChangeImpact}, {&p.Technologies, c.Technologies}, {&p.Procedure, c.Procedure}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
}

// planServices resolves services given by reference or name.
func planServices(ctx context.Context, app *App, names []string) ([]capacity.PlanService, error) {
	var out []capacity.PlanService
	for _, n := range names {
		svc, err := app.Budget.FindService(ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, capacity.PlanService{Ref: svc.Ref, Name: svc.Name})
	}
	return out, nil
}

type capacityPlanNewCmd struct {
	Doc            string   `required:"" help:"Document number, e.g. SM-03001."`
	Title          string   `required:"" help:"Title."`
	Service        []string `required:"" help:"A service the plan covers (reference or name); repeat for a group of services."`
	Owner          string   `help:"Plan owner."`
	Approver       string   `help:"Who approves the plan."`
	Classification string   `help:"Classification, e.g. 内部使用." default:"内部使用"`
	ReviewMonths   int      `help:"Review interval in months." default:"12"`
	HorizonDays    int      `name:"horizon-days" help:"How far the plan's forecasts look, in days." default:"180"`
	capacityPlanSections
}

func (c capacityPlanNewCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	svcs, err := planServices(ctx, app, c.Service)
	if err != nil {
		return err
	}
	p := capacity.Plan{DocNumber: c.Doc, Title: c.Title, Services: svcs, Owner: c.Owner, Approver: c.Approver,
		Classification: c.Classification, ReviewMonths: c.ReviewMonths, HorizonDays: c.HorizonDays}
	c.apply(&p)
	p, err = app.Capacity.CreatePlan(cliContext(ctx), p)
	if err != nil {
		return err
	}
	resources, err := app.Capacity.PlanResources(ctx, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Created %s %s, version %s (DRAFT), covering %s and %s on the CIs they depend on.\n",
		p.DocNumber, p.Title, p.Version, serviceList(p.Services), count(len(resources), "resource", "resources"))
	return nil
}

type capacityPlanSetCmd struct {
	Doc            string   `arg:"" help:"Document number."`
	Title          *string  `help:"Title."`
	Service        []string `help:"The services the plan covers (replaces them; repeat for each)."`
	Owner          *string  `help:"Plan owner."`
	Approver       *string  `help:"Who approves the plan."`
	Classification *string  `help:"Classification, e.g. 内部使用."`
	ReviewMonths   *int     `help:"Review interval in months."`
	NextReview     *string  `help:"Next review date, 2027-03-01."`
	HorizonDays    *int     `name:"horizon-days" help:"How far the plan's forecasts look, in days."`
	Change         string   `help:"What changed and why, for the document control (default: the fields changed)."`
	ExpectVersion  int64    `help:"Refuse if the plan's row version (capacity plan show prints it) is no longer this one."`
	capacityPlanSections
}

func (c capacityPlanSetCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, err := app.Capacity.Plan(ctx, c.Doc)
	if err != nil {
		return err
	}
	if c.ExpectVersion != 0 && c.ExpectVersion != p.RowVersion {
		return store.Errorf(store.EConflict, "%s changed since you read it (row version %d now, not %d).", p.DocNumber, p.RowVersion, c.ExpectVersion)
	}
	for _, f := range []struct {
		to   *string
		from *string
	}{{&p.Title, c.Title}, {&p.Owner, c.Owner}, {&p.Approver, c.Approver}, {&p.Classification, c.Classification}, {&p.NextReview, c.NextReview}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	if c.ReviewMonths != nil {
		p.ReviewMonths = *c.ReviewMonths
	}
	if c.HorizonDays != nil {
		p.HorizonDays = *c.HorizonDays
	}
	if len(c.Service) > 0 {
		if p.Services, err = planServices(ctx, app, c.Service); err != nil {
			return err
		}
	}
	c.apply(&p)
	before := p.Version
	saved, err := app.Capacity.SavePlan(cliContext(ctx), p, c.Change)
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

type capacityPlanApproveCmd struct {
	Doc           string `arg:"" help:"Document number."`
	By            string `required:"" help:"Approver (not the plan's owner)."`
	ExpectVersion int64  `help:"The row version you read (capacity plan show prints it); the approval is refused if the plan changed since."`
	Reason        string `help:"Why the plan is approved although its checks find errors (recorded in the document control)."`
}

func (c capacityPlanApproveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, err := app.Capacity.Plan(ctx, c.Doc)
	if err != nil {
		return err
	}
	rowVersion := c.ExpectVersion
	if rowVersion == 0 {
		rowVersion = p.RowVersion // approve the text as it is now, and say which
	}
	p, err = app.Capacity.Approve(cliContext(ctx), c.Doc, capacity.PlanApproval{Approver: c.By, RowVersion: rowVersion, Reason: c.Reason})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s approved as version %s by %s on %s (the text of row version %d, kept as approved).\n",
		p.DocNumber, p.Version, p.ApprovedBy, p.ApprovedAt, rowVersion)
	return nil
}

type capacityPlanReviewCmd struct {
	Doc     string `arg:"" help:"Document number."`
	By      string `required:"" help:"Reviewer."`
	Outcome string `required:"" enum:"adequate,update" help:"adequate (the plan still serves) or update (it must change)."`
	Comment string `help:"What the review found and decided."`
}

func (c capacityPlanReviewCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, err := app.Capacity.Review(cliContext(ctx), c.Doc, capacity.PlanReview{By: c.By, Outcome: c.Outcome, Notes: c.Comment})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s reviewed by %s: %s; next review %s.\n", p.DocNumber, c.By, c.Outcome, p.NextReview)
	return nil
}
