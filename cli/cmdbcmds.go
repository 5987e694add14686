package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/export"
	"servicebook/store"
)

type relateCmd struct {
	Words  []string `arg:"" name:"FROM KIND TO" help:"Two CI references with the relation kind between them: depends on, runs on, hosted in, connects to, part of, backed up by, supplied by (or 依赖, 运行于 …)."`
	Group  string   `help:"Redundancy group: the FROM CI fails only when every CI it relates to in this group fails."`
	Remove bool     `help:"Remove the relation instead."`
}

func (c relateCmd) Run(ctx context.Context, app *App) error {
	if len(c.Words) < 3 {
		return usageError{"relate needs FROM KIND TO, e.g. servicebook relate CI-000012 runs on CI-000034"}
	}
	from, to := c.Words[0], c.Words[len(c.Words)-1]
	kind, err := cmdb.ParseKind(strings.Join(c.Words[1:len(c.Words)-1], " "))
	if err != nil {
		return store.Errorf(store.EInvalid, "%v", err)
	}
	if err := app.open(ctx); err != nil {
		return err
	}
	if c.Remove {
		if err := app.CMDB.Unrelate(cliContext(ctx), from, kind, to); err != nil {
			return err
		}
		fmt.Fprintf(app.Stdout, "Removed: %s %s %s\n", cmdb.NormalizeRef(from), kind.Label(), cmdb.NormalizeRef(to))
		return nil
	}
	r, err := app.CMDB.Relate(cliContext(ctx), from, kind, to, c.Group)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Related: %s %s %s", r.FromRef, r.Kind.Label(), r.ToRef)
	if r.Group != "" {
		fmt.Fprintf(app.Stdout, " (redundancy group %s)", r.Group)
	}
	fmt.Fprintln(app.Stdout)
	return nil
}

type impactCmd struct {
	Refs  []string `arg:"" name:"REF" help:"CIs taken as failed together (or, with --down, whose dependencies to list)."`
	Up    bool     `help:"What is impacted when the CIs fail, up to the business services (the default)." xor:"direction"`
	Down  bool     `help:"What the CIs depend on." xor:"direction"`
	Limit int      `help:"List at most N CIs besides the services, nearest first (0: all)." default:"100"`
}

func (c impactCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	upstream := !c.Down
	rep, err := app.CMDB.Impact(ctx, c.Refs, upstream, c.Limit)
	if err != nil {
		return err
	}
	out := app.Stdout
	var names []string
	for _, ci := range rep.Start {
		names = append(names, ci.Ref+" "+ci.Name)
	}
	switch {
	case upstream && len(names) == 1:
		fmt.Fprintf(out, "If %s fails:\n", names[0])
	case upstream:
		fmt.Fprintf(out, "If these fail together: %s\n", strings.Join(names, ", "))
	default:
		fmt.Fprintf(out, "What %s depends on:\n", strings.Join(names, ", "))
	}
	for _, ci := range rep.Start {
		if !upstream {
			break
		}
		need, err := app.Continuity.RecoveryNeedOf(ctx, ci.ID)
		if err != nil {
			return err
		}
		if line := recoveryNeedText(ci, need); line != "" {
			fmt.Fprintln(out, "  "+line)
		}
	}
	if len(rep.Exposed) > 0 {
		fmt.Fprintf(out, "\nRedundancy already lost (CIs under maintenance or retired count as down):\n")
		for _, e := range rep.Exposed {
			fmt.Fprintf(out, "  %s %s, group %s: %s down; %s\n", e.Dependent.Ref, e.Dependent.Name, e.Group,
				ciList(e.Down, true), exposureLeft(e.Left))
		}
	}
	svcs := rep.Services()
	what := "impacted"
	if !upstream {
		what = "depended on"
	}
	fmt.Fprintf(out, "\n%s %s:\n", count(rep.TotalServices, "service", "services"), what)
	for _, it := range svcs {
		fmt.Fprintf(out, "  %s %s (depth %d)\n      %s\n", it.CI.Ref, it.CI.Name, it.Depth, cmdb.PathText(it.Path, upstream))
	}
	fmt.Fprintf(out, "\n%s %s in all, services included:\n", count(rep.Total, "CI", "CIs"), what)
	var rows [][]string
	for _, it := range rep.Items {
		if it.IsService {
			continue
		}
		via := it.Path[len(it.Path)-1]
		link := via.Kind.Label()
		if via.Group != "" {
			link += " [" + via.Group + "]"
		}
		rows = append(rows, []string{strconv.Itoa(it.Depth), it.CI.Ref, it.CI.Name, it.CI.TypeKey, link, it.Path[len(it.Path)-2].Ref})
	}
	printTable(out, []string{"DEPTH", "REFERENCE", "NAME", "TYPE", "VIA", "FROM"}, rows, 40)
	if shown := len(rows) + rep.TotalServices; shown < rep.Total {
		fmt.Fprintf(out, "(%d more; use --limit 0 to list all)\n", rep.Total-shown)
	}
	return nil
}

type baselineCmd struct {
	Take   baselineTakeCmd   `cmd:"" help:"Freeze the CMDB as it is now under a name."`
	List   baselineListCmd   `cmd:"" help:"List baselines."`
	Diff   baselineDiffCmd   `cmd:"" help:"Compare a baseline with today, or with another baseline."`
	Delete baselineDeleteCmd `cmd:"" help:"Delete a baseline (the change log keeps when it was taken and what it held)."`
}

type baselineDeleteCmd struct {
	Name string `arg:"" help:"The baseline's name."`
	Yes  bool   `help:"Confirm the deletion."`
}

func (c baselineDeleteCmd) Run(ctx context.Context, app *App) error {
	if !c.Yes {
		return store.Errorf(store.EInvalid, "Deleting baseline %q cannot be undone; add --yes to confirm.", c.Name)
	}
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.CMDB.DeleteBaseline(cliContext(ctx), c.Name); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Deleted baseline %s.\n", c.Name)
	return nil
}

type baselineTakeCmd struct {
	Name string `arg:"" help:"Name, e.g. before-CHG-1042."`
	Note string `help:"Why the baseline was taken."`
}

func (c baselineTakeCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	b, err := app.CMDB.TakeBaseline(cliContext(ctx), c.Name, c.Note)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Baseline %q taken: %d CIs, %d relations.\n", b.Name, b.CICount, b.RelationCount)
	return nil
}

type baselineListCmd struct{}

func (baselineListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	list, err := app.CMDB.Baselines(ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, b := range list {
		rows = append(rows, []string{b.Name, b.TakenAt.Local().Format("2006-01-02 15:04"), b.TakenBy,
			strconv.Itoa(b.CICount), strconv.Itoa(b.RelationCount), b.Note})
	}
	printTable(app.Stdout, []string{"NAME", "TAKEN", "BY", "CIS", "RELATIONS", "NOTE"}, rows, 48)
	if len(rows) == 0 {
		fmt.Fprintln(app.Stdout, "No baselines yet: servicebook baseline take NAME")
	}
	return nil
}

type baselineDiffCmd struct {
	From string `arg:"" help:"Baseline to compare from."`
	To   string `arg:"" optional:"" help:"Baseline to compare to (default: the CMDB today)."`
}

func (c baselineDiffCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	d, err := app.CMDB.DiffBaselines(ctx, c.From, c.To)
	if err != nil {
		return err
	}
	out := app.Stdout
	to := "today"
	if c.To != "" {
		to = fmt.Sprintf("%q", c.To)
	}
	fmt.Fprintf(out, "From baseline %q to %s:\n", c.From, to)
	if d.Empty() {
		fmt.Fprintln(out, "No differences.")
		return nil
	}
	var rows [][]string
	for _, ci := range d.Added {
		rows = append(rows, []string{"added", ci.Ref, ci.Name, "", "", ""})
	}
	for _, ci := range d.Removed {
		rows = append(rows, []string{"removed", ci.Ref, ci.Name, "", "", ""})
	}
	for _, ch := range d.Changed {
		for _, f := range ch.Changes {
			rows = append(rows, []string{"changed", ch.Ref, ch.Name, f.Field, f.Old, f.New})
		}
	}
	for _, r := range d.RelationsAdded {
		rows = append(rows, []string{"related", r.FromRef, r.Kind.Label() + " " + r.ToRef, "group", "", r.Group})
	}
	for _, r := range d.RelationsRemoved {
		rows = append(rows, []string{"unrelated", r.FromRef, r.Kind.Label() + " " + r.ToRef, "group", r.Group, ""})
	}
	for _, r := range d.RelationsRegrouped {
		rows = append(rows, []string{"regrouped", r.Field, "", "group", r.Old, r.New})
	}
	printTable(out, []string{"CHANGE", "REFERENCE", "NAME", "FIELD", "BEFORE", "AFTER"}, rows, 40)
	fmt.Fprintf(out, "(%d added, %d removed, %d changed; %d relations added, %d removed, %d regrouped)\n",
		len(d.Added), len(d.Removed), len(d.Changed), len(d.RelationsAdded), len(d.RelationsRemoved), len(d.RelationsRegrouped))
	return nil
}

type searchCmd struct {
	Text  []string `arg:"" help:"Words to find; every word must match."`
	Limit int      `help:"Show at most N CIs." default:"50"`
}

func (c searchCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	cis, err := app.CMDB.Search(ctx, strings.Join(c.Text, " "), c.Limit)
	if err != nil {
		return err
	}
	if len(cis) == 0 {
		fmt.Fprintln(app.Stdout, "No CI matches.")
		return nil
	}
	printCIs(app, cis)
	return nil
}

type importCmd struct {
	CIs importCIsCmd `cmd:"" name:"cis" help:"Import CIs (and a Relations sheet) from XLSX or CSV."`
}

type importCIsCmd struct {
	File   string   `arg:"" type:"path" help:"XLSX or CSV file (UTF-8, UTF-8 with BOM, or GB18030/GBK)."`
	DryRun bool     `help:"Check the file and report what would happen, without writing."`
	Map    []string `help:"Column for a field when the header is not recognised, as FIELD=Header (fields: ref, type, name, description, status, criticality, owner, location, version, from, kind, to, group)." placeholder:"FIELD=HEADER"`
	Value  []string `help:"Read a type or status the CMDB does not know as one it does, for this import, as FIELD:VALUE=KNOWN (e.g. type:打印机=server, status:在修=maintenance)." placeholder:"FIELD:VALUE=KNOWN"`
}

func (c importCIsCmd) Run(ctx context.Context, app *App) error {
	mapping, err := parseMapping(c.Map)
	if err != nil {
		return err
	}
	if err := app.open(ctx); err != nil {
		return err
	}
	values := map[string]map[string]string{}
	for _, v := range c.Value {
		field, rest, ok1 := strings.Cut(v, ":")
		from, to, ok2 := strings.Cut(rest, "=")
		if field = strings.TrimSpace(field); !ok1 || !ok2 || (field != "type" && field != "status") || strings.TrimSpace(from) == "" {
			return store.Errorf(store.EInvalid, "--value %q: write it as type:VALUE=KNOWN or status:VALUE=KNOWN.", v)
		}
		if values[field] == nil {
			values[field] = map[string]string{}
		}
		values[field][strings.TrimSpace(from)] = strings.TrimSpace(to)
	}
	res, err := app.CMDB.ImportFile(ctx, c.File, cmdb.ImportOptions{DryRun: c.DryRun, Mapping: mapping, Values: values})
	out := app.Stdout
	printProblems(app, res.Problems)
	if err != nil {
		return err
	}
	for _, col := range res.IgnoredColumns {
		fmt.Fprintf(out, "Column %q is not a CI field or attribute; it was ignored.\n", col)
	}
	for _, name := range res.SheetsNotRead {
		fmt.Fprintf(out, "Sheet %q holds neither CIs nor relations; it was not read.\n", name)
	}
	verb := "Imported"
	if res.DryRun {
		verb = "Dry run, nothing written; would import"
	}
	fmt.Fprintf(out, "%s %s: %d CIs created, %d updated, %d unchanged; %d relations created, %d regrouped, %d unchanged.\n",
		verb, res.File, res.Created, res.Updated, res.Unchanged, res.RelationsCreated, res.RelationsRegrouped, res.RelationsUnchanged)
	return nil
}

type exportCmd struct {
	CIs          exportCIsCmd          `cmd:"" name:"cis" help:"Export every CI and relation to XLSX (two sheets) or CSV (two files)."`
	Binder       exportBinderCmd       `cmd:"" help:"Print continuity plans as a PDF binder for the off-site safe: cover, document control, BIA figures, sections, recovery steps with the critical path, call tree."`
	Workbook     exportWorkbookCmd     `cmd:"" help:"Write every record to one XLSX workbook, a sheet per record type; its CIs, outages, budget and actuals import back."`
	Availability exportAvailabilityCmd `cmd:"" help:"Print the availability of every targeted service over a period as a PDF: against the targets, twelve months, the outages."`
	Budget       exportBudgetCmd       `cmd:"" help:"Print a fiscal year's budget as a PDF: services to date, month by month, categories."`
	Capacity     exportCapacityCmd     `cmd:"" help:"Print capacity plans as a PDF: document control, sections, resources with headroom and time to threshold, a chart per resource, upgrades with costs, checks."`
	Offsite      exportOffsiteCmd      `cmd:"" help:"Make the off-site pack: binder, workbook, database copy, reports and a manifest of SHA-256s, in a folder, a .zip or an encrypted .age."`
}

type exportCIsCmd struct {
	File string `arg:"" type:"path" help:"FILE.xlsx or FILE.csv."`
}

func (c exportCIsCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	// A CSV export writes a second file beside the one named: say so when
	// it replaces one, rather than overwrite it without a word.
	existed := map[string]bool{}
	for _, p := range export.Paths(c.File) {
		if _, err := os.Stat(p); err == nil {
			existed[p] = true
		}
	}
	out, err := export.CIs(ctx, c.File, app.CMDB)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Exported %d CIs and %d relations to %s\n", out.CIs, out.Relations, strings.Join(out.Paths, " and "))
	for _, p := range out.Paths {
		if existed[p] {
			fmt.Fprintf(app.Stdout, "  %s replaced the earlier file of that name.\n", p)
		}
	}
	return nil
}

// ciList names CIs with their status where it is not in service.
func ciList(cis []cmdb.CI, status bool) string {
	var parts []string
	for _, c := range cis {
		p := c.Ref + " " + c.Name
		if status && c.Status != cmdb.StatusInService {
			p += " (" + c.Status.Label() + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

func exposureLeft(left []cmdb.CI) string {
	switch len(left) {
	case 0:
		return "no member left: it is down already"
	case 1:
		return ciList(left, false) + " is now a single point of failure"
	}
	return ciList(left, false) + " left"
}

// recoveryNeedText says what RTO and RPO a CI inherits from the plans of
// the services its failure takes down, and whether its recorded recovery
// time and backup interval meet them; "" when it inherits none.
func recoveryNeedText(ci cmdb.CI, need continuity.RecoveryNeed) string {
	if !need.Inherits() {
		return ""
	}
	recovery, backup := need.Shortfall(ci)
	var parts []string
	if need.RTO > 0 {
		p := fmt.Sprintf("RTO %s (%s, %s)", continuity.Minutes(need.RTO), need.RTOPlan, need.RTOService)
		if recovery > 0 {
			p += fmt.Sprintf(", but its recorded recovery time is %s", continuity.Minutes(recovery))
		}
		parts = append(parts, p)
	}
	if need.RPO > 0 {
		p := fmt.Sprintf("RPO %s (%s, %s)", continuity.Minutes(need.RPO), need.RPOPlan, need.RPOService)
		if backup > 0 {
			p += fmt.Sprintf(", but it is backed up every %s", continuity.Minutes(backup))
		}
		parts = append(parts, p)
	}
	return ci.Ref + " inherits " + strings.Join(parts, "; ")
}
