package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"servicebook/audit"
	"servicebook/export"
	"servicebook/internal/clocale"
)

type auditCmd struct {
	Format string `enum:"text,json,xlsx,pdf,review" default:"text" help:"text (a table per check), json (for other tools), xlsx (a workbook of the checks and the findings), pdf (the internal-audit checklist, by clause, with room for the auditor's notes) or review (the management-review input pack, PDF); xlsx, pdf and review need --out."`
	Out    string `type:"path" placeholder:"FILE" help:"Write the report to FILE instead of the screen."`
	Lang   string `enum:"auto,en,zh" default:"auto" help:"Language of the check titles: en, zh, or auto (from LANG)."`
	By     string `help:"Who runs the audit (default: the OS user); findings on records that person owns are marked, as auditors do not audit their own work."`
}

func (c auditCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	by := c.By
	if by == "" {
		by = app.DB.User
	}
	src := audit.Sources{DB: app.DB, CMDB: app.CMDB, Continuity: app.Continuity, Budget: app.Budget, Capacity: app.Capacity}
	set, err := audit.LoadSettings(ctx, app.DB)
	if err != nil {
		return err
	}
	rep, err := audit.Run(ctx, src, set, by)
	if err != nil {
		return err
	}
	zh := c.Lang == "zh" || c.Lang == "auto" && strings.HasPrefix(clocale.Messages(), "zh")
	if c.Format == "xlsx" || c.Format == "pdf" || c.Format == "review" {
		if c.Out == "" {
			return usagef("--format %s writes a file: name it with --out FILE", c.Format)
		}
		lang := "en"
		if zh {
			lang = "zh"
		}
		opt := export.PDFOptions{Lang: lang, AsOf: rep.AsOf, Author: by}
		switch c.Format {
		case "xlsx":
			err = export.AuditWorkbook(c.Out, rep, lang)
		case "pdf":
			err = export.AuditChecklistPDF(c.Out, rep, opt)
		default:
			var pack export.ReviewPack
			if pack, err = export.LoadReviewPack(ctx, src, rep); err == nil {
				err = export.ReviewPackPDF(c.Out, pack, opt)
			}
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(app.Stdout, "Wrote the audit report to %s: %d major, %d minor findings.\n", c.Out, rep.Count(audit.Major), rep.Count(audit.Minor))
		if rep.Count(audit.Major) > 0 {
			return exitStatus(3)
		}
		return nil
	}
	out := app.Stdout
	if c.Out != "" {
		f, err := os.Create(c.Out)
		if err != nil {
			return usagef("--out %s: %v", c.Out, err)
		}
		defer f.Close()
		out = f
	}
	if c.Format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(jsonReport(rep)); err != nil {
			return err
		}
	} else {
		printAudit(out, rep, zh)
	}
	if c.Out != "" {
		fmt.Fprintf(app.Stdout, "Wrote the audit report to %s: %d major, %d minor findings.\n", c.Out, rep.Count(audit.Major), rep.Count(audit.Minor))
	}
	if rep.Count(audit.Major) > 0 {
		return exitStatus(3)
	}
	return nil
}

func printAudit(w interface{ Write([]byte) (int, error) }, rep audit.Report, zh bool) {
	t := func(en, cn string) string {
		if zh {
			return cn
		}
		return en
	}
	lang := t("en", "zh")
	severity := map[audit.Severity]string{audit.Major: t("major", "严重"), audit.Minor: t("minor", "一般"), audit.Observation: t("observation", "观察")}
	fmt.Fprintf(w, t("Audit readiness as of %s, run by %s: %d major, %d minor, %d observations.\n", "审核准备情况，截至 %s，执行人 %s：严重 %d 项，一般 %d 项，观察 %d 项。\n"),
		rep.AsOf.Format("2006-01-02 15:04"), orDashCLI(rep.RunBy), rep.Count(audit.Major), rep.Count(audit.Minor), rep.Count(audit.Observation))
	for _, r := range rep.Results {
		title := t(r.Title, r.TitleZh)
		state := t("ok", "通过")
		if len(r.Findings) > 0 {
			state = fmt.Sprintf(t("%d finding(s)", "发现 %d 项"), len(r.Findings))
		}
		fmt.Fprintf(w, t("\n%s  %s  [%s; 2011 §%s, 2018 §%s]  %d looked at: %s\n", "\n%s  %s  [%s；2011 §%s，2018 §%s]  检查 %d 条记录：%s\n"),
			r.ID, title, severity[r.Severity], r.Clause2011, r.Clause2018, r.Looked, state)
		for _, f := range r.Findings {
			mark := ""
			if f.OwnRecord {
				mark = t("  (a record the auditor owns)", "（审核人自己负责的记录）")
			}
			fmt.Fprintf(w, "  - %s%s\n", export.MsgIn(lang, f.Msg), mark)
		}
	}
}

// jsonReport is the report as other tools read it.
func jsonReport(rep audit.Report) any {
	type finding struct {
		Record, Screen, Owner, Text string
		OwnRecord                   bool `json:",omitempty"`
	}
	type check struct {
		ID, Title, TitleZh, Clause2011, Clause2018, Severity string
		Looked                                               int
		Findings                                             []finding
	}
	out := struct {
		AsOf, RunBy         string
		Major, Minor, Notes int
		Checks              []check
	}{AsOf: rep.AsOf.Format("2006-01-02T15:04:05Z07:00"), RunBy: rep.RunBy, Major: rep.Count(audit.Major), Minor: rep.Count(audit.Minor),
		Notes: rep.Count(audit.Observation)}
	for _, r := range rep.Results {
		c := check{r.ID, r.Title, r.TitleZh, r.Clause2011, r.Clause2018, string(r.Severity), r.Looked, []finding{}}
		for _, f := range r.Findings {
			c.Findings = append(c.Findings, finding{f.Record, f.Screen, f.Owner, f.Msg.String(), f.OwnRecord})
		}
		out.Checks = append(out.Checks, c)
	}
	return out
}

type auditSettingsCmd struct {
	ExerciseMonths    *int     `name:"exercise-months" placeholder:"N" help:"A continuity plan is exercised at least every N months (C03)."`
	BreachDays        *int     `name:"breach-days" placeholder:"N" help:"A capacity breach forecast within N days needs a planned upgrade (K01)."`
	OverBudgetPct     *float64 `name:"over-budget-pct" placeholder:"P" help:"A service more than P % over its plan to date is a finding (B02)."`
	InvestigateDays   *int     `name:"investigate-days" placeholder:"N" help:"An unplanned outage is investigated within N days (C07)."`
	ConfigAuditMonths *int     `name:"config-audit-months" placeholder:"N" help:"A configuration audit is closed at least every N months (M03)."`
	OwnerMayApprove   *int     `name:"owner-may-approve" placeholder:"0|1" help:"1: a plan's owner may approve it; 0 (the default): someone else must."`
}

func (c auditSettingsCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	set, err := audit.LoadSettings(ctx, app.DB)
	if err != nil {
		return err
	}
	changed := false
	for _, f := range []struct {
		flag *int
		dst  *int
	}{{c.ExerciseMonths, &set.ExerciseMonths}, {c.BreachDays, &set.BreachDays}, {c.InvestigateDays, &set.InvestigateDays},
		{c.ConfigAuditMonths, &set.ConfigAuditMonths}, {c.OwnerMayApprove, &set.OwnerMayApprove}} {
		if f.flag != nil {
			*f.dst, changed = *f.flag, true
		}
	}
	if c.OverBudgetPct != nil {
		set.OverBudgetPct, changed = *c.OverBudgetPct, true
	}
	if changed {
		if err := audit.SaveSettings(cliContext(ctx), app.DB, set); err != nil {
			return err
		}
		fmt.Fprintln(app.Stdout, "Saved. The readiness checks now use:")
	}
	fmt.Fprintf(app.Stdout, "  exercise-months      %d\n  breach-days          %d\n  over-budget-pct      %g\n  investigate-days     %d\n  config-audit-months  %d\n",
		set.ExerciseMonths, set.BreachDays, set.OverBudgetPct, set.InvestigateDays, set.ConfigAuditMonths)
	return nil
}
