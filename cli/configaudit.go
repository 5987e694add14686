package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"servicebook/cmdb"
	"servicebook/export"
	"servicebook/sheet"
	"servicebook/store"
)

type configAuditCmd struct {
	List      configAuditListCmd      `cmd:"" help:"List the configuration audits."`
	Start     configAuditStartCmd     `cmd:"" help:"Start an audit of a scope: what the CMDB records now is frozen (as a baseline) and becomes the checklist."`
	Checklist configAuditChecklistCmd `cmd:"" help:"Print the checklist to tick on the floor: FILE.pdf, or FILE.xlsx to fill in and bring back."`
	Reconcile configAuditReconcileCmd `cmd:"" help:"Bring back what was found (the filled-in checklist or a discovery inventory) and compare it with what was recorded."`
	Show      configAuditShowCmd      `cmd:"" help:"Show an audit and its findings."`
	Resolve   configAuditResolveCmd   `cmd:"" help:"Resolve findings: correct the CMDB, accept the CMDB as right, or raise an action."`
	Close     configAuditCloseCmd     `cmd:"" help:"Close an audit whose findings are all resolved."`
	Report    configAuditReportCmd    `cmd:"" help:"Print the audit's report (PDF): scope, who, when, counts, findings and how each was resolved."`
}

// auditArg reads an audit's number from the command line.
func auditArg(text string) (int64, error) {
	id, err := cmdb.ParseAuditNumber(text)
	if err != nil {
		return 0, usagef("%s", store.ErrorMessage(err))
	}
	return id, nil
}

// openAudit reads an audit's number and opens the database.
func openAudit(ctx context.Context, app *App, text string) (int64, error) {
	id, err := auditArg(text)
	if err != nil {
		return 0, err
	}
	return id, app.open(ctx)
}

// loadAuditDoc opens the database and reads the audit text names for
// printing, with the printing options flags ask for.
func loadAuditDoc(ctx context.Context, app *App, text string, flags printFlags) (export.ConfigAuditDoc, export.PDFOptions, error) {
	id, err := openAudit(ctx, app, text)
	if err != nil {
		return export.ConfigAuditDoc{}, export.PDFOptions{}, err
	}
	opt, err := flags.options(app.DB.Now())
	if err != nil {
		return export.ConfigAuditDoc{}, opt, err
	}
	doc, err := export.LoadConfigAudit(ctx, app.CMDB, id)
	return doc, opt, err
}

type configAuditListCmd struct{}

func (configAuditListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	audits, err := app.CMDB.Audits(ctx)
	if err != nil {
		return err
	}
	if len(audits) == 0 {
		fmt.Fprintln(app.Stdout, "No configuration audits yet. Start one: servicebook config-audit start --title \"…\" --location \"…\"")
		return nil
	}
	rows := make([][]string, len(audits))
	for i, a := range audits {
		rows[i] = []string{a.Number(), a.Title, a.Scope.String(), a.Auditor, a.StartedAt.Format("2006-01-02"),
			strconv.Itoa(a.Lines), auditState(a)}
	}
	printTable(app.Stdout, []string{"AUDIT", "TITLE", "SCOPE", "AUDITOR", "STARTED", "CIS", "STATE"}, rows, 40)
	return nil
}

// auditState says where an audit is, in a few words.
func auditState(a cmdb.ConfigAudit) string {
	switch {
	case a.Closed():
		return "closed " + a.ClosedAt.Format("2006-01-02")
	case a.ReconciledAt.IsZero():
		return "waiting for what was found"
	case a.Open > 0:
		return fmt.Sprintf("%d of %d findings open", a.Open, a.Findings)
	}
	return "every finding resolved; ready to close"
}

type configAuditStartCmd struct {
	Title    string `required:"" help:"What the audit is, e.g. \"Beijing data centre 2026\"."`
	Type     string `help:"Only CIs of this type (key or name, 服务器 too)."`
	Location string `help:"Only CIs whose location contains this text."`
	Service  string `placeholder:"REF" help:"Only this service and every CI it depends on."`
	Status   string `help:"Only CIs with this status (in service, planned, under maintenance; 运行中 too)."`
	Crit     int    `name:"criticality" help:"Only CIs of this criticality, 1 (highest) to 4."`
	Auditor  string `help:"Who audits (default: you)."`
}

func (c configAuditStartCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	scope := cmdb.AuditScope{TypeKey: c.Type, Location: c.Location, Service: c.Service, Criticality: c.Crit}
	if c.Status != "" {
		st, err := cmdb.ParseStatus(c.Status)
		if err != nil {
			return usagef("--status: %s", store.ErrorMessage(err))
		}
		scope.Status = st
	}
	a, err := app.CMDB.StartAudit(cliContext(ctx), c.Title, scope, c.Auditor)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Started %s %q: %s in scope (%s), frozen as baseline %q.\n", a.Number(), a.Title,
		count(a.Lines, "CI", "CIs"), a.Scope, a.BaselineName)
	fmt.Fprintf(app.Stdout, "Print the checklist: servicebook config-audit checklist %s checklist.xlsx (or .pdf)\n", a.Number())
	return nil
}

type configAuditChecklistCmd struct {
	Audit string `arg:"" help:"The audit's number, CA-0001."`
	File  string `arg:"" type:"path" help:"FILE.pdf to print, or FILE.xlsx to fill in and bring back."`
	printFlags
}

func (c configAuditChecklistCmd) Run(ctx context.Context, app *App) error {
	doc, opt, err := loadAuditDoc(ctx, app, c.Audit, c.printFlags)
	if err != nil {
		return err
	}
	switch lower := strings.ToLower(c.File); {
	case strings.HasSuffix(lower, ".pdf"):
		err = export.ChecklistPDF(c.File, doc, opt)
	case strings.HasSuffix(lower, ".xlsx"):
		err = export.ChecklistXLSX(c.File, doc, opt.Lang)
	default:
		return usagef("%s: name the checklist FILE.pdf or FILE.xlsx", c.File)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Wrote the checklist of %s to %s: %s.\n", doc.Audit.Number(), c.File, count(len(doc.Lines), "line", "lines"))
	return nil
}

type configAuditReconcileCmd struct {
	Audit       string   `arg:"" help:"The audit's number, CA-0001."`
	File        string   `arg:"" type:"path" help:"What was found: the filled-in checklist (XLSX), or a discovery tool's inventory (CSV or XLSX)."`
	By          string   `default:"ref,serial,name,ip" help:"Keys to match found items to CIs, in priority order: ref, serial, name, ip."`
	DryRun      bool     `name:"dry-run" help:"Say what the reconciliation finds, without recording it."`
	Ignore      []string `placeholder:"COLUMN" help:"Leave out a column the inventory has but an audit has no place for; repeat for several. Without it such a column refuses the file."`
	Map         []string `help:"Column for a field when the header is not recognised, as FIELD=Header (fields: ref, name, type, location, serial, ip, owner, status, note)." placeholder:"FIELD=HEADER" sep:"none"`
	Profile     string   `help:"Use the column mapping saved under this name."`
	SaveProfile string   `help:"Save the --map columns under this name, for the next inventory laid out the same way."`
}

func (c configAuditReconcileCmd) Run(ctx context.Context, app *App) error {
	id, err := auditArg(c.Audit)
	if err != nil {
		return err
	}
	keys, err := cmdb.ParseMatchKeys(c.By)
	if err != nil {
		return usagef("--by: %s", store.ErrorMessage(err))
	}
	if err := app.open(ctx); err != nil {
		return err
	}
	mapping, err := profileMapping(ctx, app, c.Map, c.Profile, c.SaveProfile, "inventory")
	if err != nil {
		return err
	}
	book, err := sheet.ReadFile(c.File, sheet.DefaultLimits)
	if err != nil {
		return err
	}
	found, notRead := cmdb.ReadFoundBook(book, mapping, c.Ignore)
	rec, err := app.CMDB.ReconcileAudit(cliContext(ctx), id, found, keys, c.DryRun)
	printProblems(app, rec.Problems)
	if err != nil {
		if len(found.Problems) > 0 && len(rec.Problems) == 0 {
			printProblems(app, found.Problems)
		}
		return err
	}
	verb := "Reconciled"
	if c.DryRun {
		verb = "Would reconcile (dry run, nothing recorded)"
	}
	kind := "an inventory"
	if found.Checklist {
		kind = "the checklist"
	}
	fmt.Fprintf(app.Stdout, "%s %s from %s by %s: %d of %d CIs matched, %d as recorded.\n", verb, kind, c.File,
		strings.Join(keys, ", "), rec.Matched, rec.Lines, rec.Equal)
	for _, k := range []cmdb.FindingKind{cmdb.FindingDifferent, cmdb.FindingNotFound, cmdb.FindingNotRecorded, cmdb.FindingRemark} {
		if n := rec.Count(k); n > 0 {
			fmt.Fprintf(app.Stdout, "  %s: %d\n", export.FindingKindWords[k], n)
		}
	}
	if len(rec.Ignored) > 0 {
		fmt.Fprintf(app.Stdout, "Columns left out as asked: %s\n", strings.Join(rec.Ignored, ", "))
	}
	if len(notRead) > 0 {
		fmt.Fprintf(app.Stdout, "Sheets not read (no column to match by): %s\n", strings.Join(notRead, ", "))
	}
	if !c.DryRun && len(rec.Findings) > 0 {
		fmt.Fprintf(app.Stdout, "See them: servicebook config-audit show %s\n", cmdb.ConfigAudit{ID: id}.Number())
	}
	return nil
}

type configAuditShowCmd struct {
	Audit string `arg:"" help:"The audit's number, CA-0001."`
	Open  bool   `help:"Only the findings not yet resolved."`
}

func (c configAuditShowCmd) Run(ctx context.Context, app *App) error {
	id, err := openAudit(ctx, app, c.Audit)
	if err != nil {
		return err
	}
	a, err := app.CMDB.Audit(ctx, id)
	if err != nil {
		return err
	}
	findings, err := app.CMDB.AuditFindings(ctx, id)
	if err != nil {
		return err
	}
	w := app.Stdout
	fmt.Fprintf(w, "%s %s\n", a.Number(), a.Title)
	fmt.Fprintf(w, "  Scope:    %s (%s)\n", a.Scope, count(a.Lines, "CI", "CIs"))
	fmt.Fprintf(w, "  Auditor:  %s; started %s by %s; baseline %q\n", a.Auditor, a.StartedAt.Format("2006-01-02 15:04"), a.StartedBy, a.BaselineName)
	if !a.ReconciledAt.IsZero() {
		fmt.Fprintf(w, "  Found:    %s, reconciled %s by %s: %d matched, %d as recorded\n", a.FoundFile,
			a.ReconciledAt.Format("2006-01-02 15:04"), strings.Join(a.MatchKeys, ", "), a.Matched, a.Equal)
	}
	fmt.Fprintf(w, "  State:    %s\n", auditState(a))
	var rows [][]string
	for _, f := range findings {
		if c.Open && !f.Open() {
			continue
		}
		rows = append(rows, []string{strconv.FormatInt(f.ID, 10), export.FindingKindWords[f.Kind], orDashCLI(f.Ref), findingWords(f),
			f.FoundAt, resolutionWords(f)})
	}
	if len(rows) > 0 {
		fmt.Fprintln(w)
		printTable(w, []string{"#", "FINDING", "CI", "RECORDED → FOUND", "WHERE", "RESOLUTION"}, rows, 80)
	}
	return nil
}

// findingWords says what a finding is about, in English.
func findingWords(f cmdb.AuditFinding) string {
	switch f.Kind {
	case cmdb.FindingDifferent:
		return fmt.Sprintf("%s: %s → %s", export.AuditFieldWords[f.Field], orDashCLI(f.Recorded), f.Found)
	case cmdb.FindingNotRecorded:
		var parts []string
		for _, k := range []string{"name", "type", "serial", "ip", "location"} {
			if v := f.FoundData[k]; v != "" {
				parts = append(parts, k+" "+v)
			}
		}
		return strings.Join(parts, ", ")
	case cmdb.FindingNotFound:
		return f.Recorded
	}
	return f.Found
}

func resolutionWords(f cmdb.AuditFinding) string {
	s := export.ResolutionWords[f.Resolution]
	if f.Resolution == cmdb.Actioned {
		s += fmt.Sprintf(" (%s, due %s)", f.ActionOwner, f.ActionDue)
	}
	return s
}

type configAuditResolveCmd struct {
	Audit    string  `arg:"" help:"The audit's number, CA-0001."`
	Findings []int64 `arg:"" optional:"" name:"FINDING" help:"The findings' numbers (config-audit show lists them)."`
	All      bool    `help:"Every finding still open."`
	Correct  bool    `xor:"how" help:"Correct the CMDB to what was found: the found value, a CI not found retired, an item not recorded added as a CI."`
	Accept   bool    `xor:"how" help:"The CMDB is right; the finding needs no change."`
	Action   bool    `xor:"how" help:"Raise an action: needs --owner and --due."`
	Owner    string  `help:"The action's owner."`
	Due      string  `help:"The action's due date, 2026-12-31."`
	Note     string  `help:"Why, in a few words."`
	Type     string  `help:"For items found but not recorded that name no type: the type their CIs get."`
}

func (c configAuditResolveCmd) Run(ctx context.Context, app *App) error {
	id, err := auditArg(c.Audit)
	if err != nil {
		return err
	}
	var how cmdb.Resolution
	switch {
	case c.Correct:
		how = cmdb.Corrected
	case c.Accept:
		how = cmdb.Accepted
	case c.Action:
		how = cmdb.Actioned
	default:
		return usagef("say how: --correct, --accept or --action --owner NAME --due DATE")
	}
	if c.All == (len(c.Findings) > 0) {
		return usagef("name the findings to resolve, or --all for every open one (not both)")
	}
	if err := app.open(ctx); err != nil {
		return err
	}
	ids := c.Findings
	if c.All {
		findings, err := app.CMDB.AuditFindings(ctx, id)
		if err != nil {
			return err
		}
		for _, f := range findings {
			if f.Open() {
				ids = append(ids, f.ID)
			}
		}
		if len(ids) == 0 {
			return store.Errorf(store.EInvalid, "%s has no open findings.", cmdb.ConfigAudit{ID: id}.Number())
		}
	}
	n, err := app.CMDB.ResolveFindings(ctx, id, ids, cmdb.FindingResolution{How: how, Note: c.Note, Owner: c.Owner, Due: c.Due, TypeKey: c.Type})
	if err != nil {
		return err
	}
	a, err := app.CMDB.Audit(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Resolved %s (%s); %s: %s.\n", count(n, "finding", "findings"), export.ResolutionWords[how], a.Number(), auditState(a))
	return nil
}

type configAuditCloseCmd struct {
	Audit string `arg:"" help:"The audit's number, CA-0001."`
}

func (c configAuditCloseCmd) Run(ctx context.Context, app *App) error {
	id, err := openAudit(ctx, app, c.Audit)
	if err != nil {
		return err
	}
	a, err := app.CMDB.CloseAudit(cliContext(ctx), id)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Closed %s: %s resolved. Print the report: servicebook config-audit report %s report.pdf\n",
		a.Number(), count(a.Findings, "finding", "findings"), a.Number())
	return nil
}

type configAuditReportCmd struct {
	Audit string `arg:"" help:"The audit's number, CA-0001."`
	File  string `arg:"" type:"path" help:"OUT.pdf"`
	printFlags
}

func (c configAuditReportCmd) Run(ctx context.Context, app *App) error {
	doc, opt, err := loadAuditDoc(ctx, app, c.Audit, c.printFlags)
	if err != nil {
		return err
	}
	if err := export.ConfigAuditReportPDF(c.File, doc, opt); err != nil {
		return err
	}
	state := "closed"
	if !doc.Audit.Closed() {
		state = "still open, printed as a draft"
	}
	fmt.Fprintf(app.Stdout, "Wrote the report of %s (%s) to %s.\n", doc.Audit.Number(), state, c.File)
	return nil
}
