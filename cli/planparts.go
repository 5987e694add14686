package cli

import (
	"context"
	"fmt"
	"time"

	"servicebook/continuity"
	"servicebook/store"
)

type planStepCmd struct {
	Add    planStepAddCmd    `cmd:"" default:"withargs" help:"Add a recovery step (the default: plan step DOC --phase … --action …)."`
	Edit   planStepEditCmd   `cmd:"" help:"Change a step, by its number."`
	Remove planStepRemoveCmd `cmd:"" help:"Remove a step, by its number."`
}

// stepsOf reads a plan and its steps, for commands that name steps by
// their number in the plan.
func stepsOf(ctx context.Context, app *App, doc string) (continuity.Plan, []continuity.PlanStep, error) {
	p, err := app.Continuity.Plan(ctx, doc)
	if err != nil {
		return p, nil, err
	}
	steps, err := app.Continuity.Steps(ctx, p.ID)
	return p, steps, err
}

// stepIDs turns step numbers (as plan show prints them) into the steps' ids.
func stepIDs(p continuity.Plan, steps []continuity.PlanStep, numbers []int) ([]int64, error) {
	var ids []int64
	for _, n := range numbers {
		st, ok := continuity.StepByNumber(steps, n)
		if !ok {
			return nil, store.Errorf(store.EInvalid, "%s has no step %d (it has %d steps; plan show %s lists them).", p.DocNumber, n, len(steps), p.DocNumber)
		}
		ids = append(ids, st.ID)
	}
	return ids, nil
}

type planStepAddCmd struct {
	Doc    string        `arg:"" help:"Document number."`
	Phase  string        `required:"" enum:"activation,recovery,reconstitution" help:"activation, recovery or reconstitution."`
	Action string        `required:"" help:"What to do."`
	Who    string        `help:"Who does it (a role of the call tree, or a name)."`
	Where  string        `help:"Where."`
	Takes  time.Duration `help:"Expected duration, e.g. 45m."`
	After  []int         `help:"Steps that must finish first, by their number in the plan (plan show lists them)."`
}

func (c planStepAddCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, steps, err := stepsOf(ctx, app, c.Doc)
	if err != nil {
		return err
	}
	after, err := stepIDs(p, steps, c.After)
	if err != nil {
		return err
	}
	st, err := app.Continuity.AddStep(cliContext(ctx), c.Doc, continuity.PlanStep{Phase: continuity.Phase(c.Phase),
		Action: c.Action, Who: c.Who, Location: c.Where, Duration: c.Takes, DependsOn: after})
	if err != nil {
		return err
	}
	_, steps, _ = stepsOf(ctx, app, c.Doc)
	for _, s := range steps {
		if s.ID == st.ID {
			st.Number = s.Number
		}
	}
	fmt.Fprintf(app.Stdout, "Added step %d to %s (%s).\n", st.Number, c.Doc, st.Phase)
	return nil
}

type planStepEditCmd struct {
	Doc    string         `arg:"" help:"Document number."`
	Number int            `arg:"" help:"The step's number in the plan."`
	Phase  *string        `enum:"activation,recovery,reconstitution" help:"activation, recovery or reconstitution."`
	Order  *int           `help:"Order within the phase."`
	Action *string        `help:"What to do."`
	Who    *string        `help:"Who does it."`
	Where  *string        `help:"Where."`
	Takes  *time.Duration `help:"Expected duration, e.g. 45m."`
	After  *[]int         `help:"Steps that must finish first, by number (replaces the list; --after= for none)."`
}

func (c planStepEditCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, steps, err := stepsOf(ctx, app, c.Doc)
	if err != nil {
		return err
	}
	st, ok := continuity.StepByNumber(steps, c.Number)
	if !ok {
		return store.Errorf(store.ENotFound, "%s has no step %d.", p.DocNumber, c.Number)
	}
	if c.Phase != nil {
		st.Phase = continuity.Phase(*c.Phase)
	}
	if c.Order != nil {
		st.Order = *c.Order
	}
	if c.Action != nil {
		st.Action = *c.Action
	}
	if c.Who != nil {
		st.Who = *c.Who
	}
	if c.Where != nil {
		st.Location = *c.Where
	}
	if c.Takes != nil {
		st.Duration = *c.Takes
	}
	if c.After != nil {
		if st.DependsOn, err = stepIDs(p, steps, *c.After); err != nil {
			return err
		}
	}
	if err := app.Continuity.UpdateStep(cliContext(ctx), c.Doc, st); err != nil {
		return err
	}
	now, _ := app.Continuity.Plan(ctx, c.Doc)
	fmt.Fprintf(app.Stdout, "Changed step %d of %s (version %s).\n", c.Number, c.Doc, now.Version)
	return nil
}

type planStepRemoveCmd struct {
	Doc    string `arg:"" help:"Document number."`
	Number int    `arg:"" help:"The step's number in the plan."`
}

func (c planStepRemoveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, steps, err := stepsOf(ctx, app, c.Doc)
	if err != nil {
		return err
	}
	st, ok := continuity.StepByNumber(steps, c.Number)
	if !ok {
		return store.Errorf(store.ENotFound, "%s has no step %d.", p.DocNumber, c.Number)
	}
	if err := app.Continuity.RemoveStep(cliContext(ctx), c.Doc, st.ID); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Removed step %d (%s) from %s; the steps after it are renumbered.\n", c.Number, st.Action, c.Doc)
	return nil
}

type planRoleCmd struct {
	Set    planRoleSetCmd    `cmd:"" default:"withargs" help:"Set who is called for a role (the default: plan role DOC ROLE --primary …)."`
	Remove planRoleRemoveCmd `cmd:"" help:"Remove a role from the call tree."`
}

type planRoleSetCmd struct {
	Doc       string `arg:"" help:"Document number."`
	Role      string `arg:"" help:"Role, e.g. Incident manager."`
	Order     int    `help:"Escalation order." default:"1"`
	Primary   string `help:"Primary contact's name."`
	Mobile    string `help:"Primary contact's mobile."`
	Phone     string `help:"Primary contact's phone."`
	Email     string `help:"Primary contact's email."`
	Alternate string `help:"Alternate contact's name."`
	AltMobile string `name:"alternate-mobile" help:"Alternate contact's mobile."`
	AltPhone  string `name:"alternate-phone" help:"Alternate contact's phone."`
	AltEmail  string `name:"alternate-email" help:"Alternate contact's email."`
}

func (c planRoleSetCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	err := app.Continuity.SetRole(cliContext(ctx), c.Doc, c.Role, c.Order,
		continuity.Contact{Name: c.Primary, Mobile: c.Mobile, Phone: c.Phone, Email: c.Email},
		continuity.Contact{Name: c.Alternate, Mobile: c.AltMobile, Phone: c.AltPhone, Email: c.AltEmail})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Call tree of %s: %s → %s, alternate %s.\n", c.Doc, c.Role, orDashCLI(c.Primary), orDashCLI(c.Alternate))
	return nil
}

func orDashCLI(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

type planRoleRemoveCmd struct {
	Doc  string `arg:"" help:"Document number."`
	Role string `arg:"" help:"Role."`
}

func (c planRoleRemoveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.RemoveRole(cliContext(ctx), c.Doc, c.Role); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Removed %s from the call tree of %s.\n", c.Role, c.Doc)
	return nil
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
	Add    planCopyAddCmd    `cmd:"" default:"withargs" help:"Issue a copy (the default: plan copy DOC --holder …)."`
	Edit   planCopyEditCmd   `cmd:"" help:"Change the holder, location or date of a copy."`
	Remove planCopyRemoveCmd `cmd:"" help:"Withdraw a copy from the distribution list."`
}

type planCopyAddCmd struct {
	Doc      string `arg:"" help:"Document number."`
	Holder   string `required:"" help:"Who holds the copy."`
	Location string `help:"Where, e.g. the off-site safe."`
	Issued   string `help:"Date issued, 2026-11-01."`
}

func (c planCopyAddCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.AddCopy(cliContext(ctx), c.Doc, continuity.Copy{Holder: c.Holder, Location: c.Location, Issued: c.Issued}); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Copy of %s issued to %s.\n", c.Doc, c.Holder)
	return nil
}

type planCopyEditCmd struct {
	Doc      string  `arg:"" help:"Document number."`
	Copy     int     `arg:"" help:"Copy number."`
	Holder   *string `help:"Who holds the copy."`
	Location *string `help:"Where."`
	Issued   *string `help:"Date issued, 2026-11-01."`
}

func (c planCopyEditCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	p, err := app.Continuity.Plan(ctx, c.Doc)
	if err != nil {
		return err
	}
	copies, err := app.Continuity.Distribution(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, cp := range copies {
		if cp.CopyNo != c.Copy {
			continue
		}
		if c.Holder != nil {
			cp.Holder = *c.Holder
		}
		if c.Location != nil {
			cp.Location = *c.Location
		}
		if c.Issued != nil {
			cp.Issued = *c.Issued
		}
		if err := app.Continuity.UpdateCopy(cliContext(ctx), c.Doc, cp); err != nil {
			return err
		}
		fmt.Fprintf(app.Stdout, "Copy %d of %s: %s, %s, issued %s.\n", cp.CopyNo, c.Doc, cp.Holder, orDashCLI(cp.Location), orDashCLI(cp.Issued))
		return nil
	}
	return store.Errorf(store.ENotFound, "%s has no copy %d.", p.DocNumber, c.Copy)
}

type planCopyRemoveCmd struct {
	Doc  string `arg:"" help:"Document number."`
	Copy int    `arg:"" help:"Copy number."`
}

func (c planCopyRemoveCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.Continuity.RemoveCopy(cliContext(ctx), c.Doc, c.Copy); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Copy %d of %s withdrawn from the distribution list.\n", c.Copy, c.Doc)
	return nil
}
