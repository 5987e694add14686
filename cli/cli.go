// Package cli is servicebook's command line: every job the window does,
// headless, so that scripts, tests and benchmarks drive the same code.
// Run parses the arguments and returns the exit status: 0 on success, 1 on
// a user error (with a one-line message), 2 on bad usage.
package cli

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/demo"
	"servicebook/store"
)

// Version is set at build time with -ldflags "-X servicebook/cli.Version=…".
var Version = "dev"

// Env is what the command line runs in. Window, if set, opens the desktop
// window on an open database; main.go provides it because only main may
// depend on the GUI toolkit's driver.
type Env struct {
	Stdout, Stderr io.Writer
	Window         func(ctx context.Context, app *App) error
}

// App holds what the commands share: the environment and, once opened, the
// database and the CMDB.
type App struct {
	Env
	DBPath     string
	DB         *store.DB
	CMDB       *cmdb.Store
	Continuity *continuity.Store
	Budget     *budget.Store
	Capacity   *capacity.Store
	// FirstRun is true when this run created the database and filled it
	// with the sample organisation.
	FirstRun bool
	// Explicit is true when the database was named with --db; otherwise the
	// window may reopen the database used last.
	Explicit bool
	// mayCreate lets open create a database named with --db that does not
	// exist: the window, demo and --create may; other commands refuse, so
	// that a mistyped path is not taken for a new, empty database.
	mayCreate bool
	// storeOptions are how the database is opened; the window asks for a
	// smaller page cache and no memory map.
	storeOptions store.Options
	// stdout is Stdout's buffer (Run), for Flush.
	stdout *bufio.Writer
}

// expandHome reads a leading ~ as the home folder, as a shell would.
func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~"); ok && (rest == "" || rest[0] == '/') {
		if home, err := os.UserHomeDir(); err == nil {
			return home + rest
		}
	}
	return path
}

// cli is the command tree. Kong reads it: field tags are the help text.
type cli struct {
	DB      string           `help:"Database file (default: servicebook.db in your configuration folder)." placeholder:"PATH"`
	Create  bool             `help:"Create the database named by --db if it does not exist (the window and demo always may)."`
	Version kong.VersionFlag `help:"Print the version and exit."`

	Window        windowCmd        `cmd:"" default:"1" hidden:"" help:"Open the window (the default)."`
	Demo          demoCmd          `cmd:"" help:"Fill a new database with a sample organisation."`
	CI            ciCmd            `cmd:"" name:"ci" help:"List, show, add, change and delete configuration items."`
	Type          typeCmd          `cmd:"" help:"List and define CI types."`
	Relate        relateCmd        `cmd:"" help:"Relate two CIs: FROM KIND TO (e.g. CI-000012 \"runs on\" CI-000034)."`
	Impact        impactCmd        `cmd:"" help:"What is impacted if CIs fail (--up, default) or what they depend on (--down)."`
	Baseline      baselineCmd      `cmd:"" help:"Take, list and compare baselines of the CMDB."`
	Search        searchCmd        `cmd:"" help:"Search CIs by reference, name, description, owner, location or attribute."`
	Import        importCmd        `cmd:"" help:"Import CIs and relations from a spreadsheet."`
	Export        exportCmd        `cmd:"" help:"Export CIs and relations to a spreadsheet."`
	Plan          planCmd          `cmd:"" help:"Service continuity plans: list, show, new, approve, review, steps, call tree."`
	Exercise      exerciseCmd      `cmd:"" help:"Record exercises (tests) and invocations of plans."`
	Action        actionCmd        `cmd:"" help:"Actions from exercises and reviews: list, add, close."`
	Outage        outageCmd        `cmd:"" help:"The outage register: add and list outages."`
	Target        targetCmd        `cmd:"" help:"Set a service's availability target and service hours."`
	Availability  availabilityCmd  `cmd:"" help:"Availability per service for a period, against its target."`
	Budget        budgetCmd        `cmd:"" help:"Service budgets: fiscal years, finance-spreadsheet import, budget lines."`
	Capacity      capacityCmd      `cmd:"" help:"Capacity: the resources watched, usage samples, forecasts and time to threshold."`
	Audit         auditCmd         `cmd:"" help:"Readiness for an ISO/IEC 20000 audit: every check, by clause, with the records that fall short. Exit status 3 when a finding is major."`
	AuditSettings auditSettingsCmd `cmd:"" name:"audit-settings" help:"Show or set the readiness checks' thresholds (how often plans are exercised, how far ahead a breach counts, …): policy kept in the database."`
	ConfigAudit   configAuditCmd   `cmd:"" name:"config-audit" help:"Configuration audits: the CMDB checked against what is really there (start, checklist, reconcile, show, resolve, close, report)."`
	Backup        backupCmd        `cmd:"" help:"Copy the database safely, even while it is in use."`
	Restore       restoreCmd       `cmd:"" help:"Replace the database with a backup, after checking the backup (the database as it was is kept)."`
	Check         checkCmd         `cmd:"" help:"Check the database file for damage and broken references."`
	Server        serverCmd        `cmd:"" help:"Team mode: prepare a PostgreSQL server database, its roles and their rights."`
	Migrate       migrateCmd       `cmd:"" help:"Copy every record of a database into another: a file to a PostgreSQL server (--to postgres://…) or back into a file; counts and the change log are checked."`
	Verify        verifyCmd        `cmd:"" help:"Check an off-site pack against its manifest: every file there, unchanged, nothing added. Exit status 0 only then."`
	OpenPack      openPackCmd      `cmd:"" name:"open-pack" help:"Unpack a .zip or encrypted .age off-site pack into a folder and verify it."`
}

type exitCode int

// Run runs the command line args (without the program name) and returns
// the exit status.
func Run(ctx context.Context, args []string, env Env) (status int) {
	var root cli
	parser, err := kong.New(&root,
		kong.Name("servicebook"),
		kong.Description("servicebook keeps your CMDB, continuity and availability plans and service budgets (ISO/IEC 20000) in one file.\nWith no command it opens the window."),
		kong.Writers(env.Stdout, env.Stderr),
		kong.Exit(func(code int) { panic(exitCode(code)) }),
		kong.Vars{"version": Version},
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		fmt.Fprintf(env.Stderr, "servicebook: %v\n", err)
		return 2
	}
	// Kong ends --help and --version by calling Exit; turn that back into a
	// return value so that tests and the window can call Run.
	defer func() {
		if r := recover(); r != nil {
			code, ok := r.(exitCode)
			if !ok {
				panic(r)
			}
			status = int(code)
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "servicebook: %v\n", err)
		return 2
	}
	// Standard output is buffered: an impact report on the 100k CMDB is
	// 16k lines, each a write call, 20 ms into a pipe and more on a
	// terminal. Standard error writes it out first, so that messages and
	// results keep their order where both go to one terminal.
	out := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer out.Flush()
	env.Stdout, env.Stderr = out, flushFirst{out, env.Stderr}
	app := &App{Env: env, stdout: out, DBPath: expandHome(root.DB), Explicit: root.DB != "", mayCreate: root.Create}
	if store.IsPostgres(app.DBPath) {
		if why := notOnServer(kctx.Command()); why != "" {
			fmt.Fprintf(env.Stderr, "servicebook: %s is a database on a PostgreSQL server: %s\n", store.ShownURL(app.DBPath), why)
			return 1
		}
	}
	defer app.close()
	kctx.BindTo(ctx, (*context.Context)(nil))
	if err := kctx.Run(app); err != nil {
		var status exitStatus
		if errors.As(err, &status) {
			return int(status) // the command printed what it had to say
		}
		var usage usageError
		if errors.As(err, &usage) {
			fmt.Fprintf(env.Stderr, "servicebook: %s\n", usage.msg)
			return 2
		}
		fmt.Fprintf(env.Stderr, "servicebook: %s\n", oneLine(store.ErrorMessage(err)))
		return 1
	}
	return 0
}

// flushFirst writes standard output's buffer before each write to w.
type flushFirst struct {
	stdout *bufio.Writer
	w      io.Writer
}

func (f flushFirst) Write(p []byte) (int, error) {
	f.stdout.Flush()
	return f.w.Write(p)
}

// Flush writes out what the commands printed so far: before the window
// opens, which runs until it is closed.
func (a *App) Flush() {
	if a.stdout != nil {
		a.stdout.Flush()
	}
}

// notOnServer says why command does not work on a PostgreSQL server, or
// "" when it does: before it starts, rather than failing on a statement
// that only a file understands.
func notOnServer(command string) string {
	first, _, _ := strings.Cut(command, " ")
	switch first {
	case "restore":
		return "restore replaces a database file; to put a backup on a server, use servicebook migrate --from BACKUP --to the server's address --replace."
	case "check":
		return "check looks for damage in a database file; a server keeps its own integrity (servicebook backup copies it into a file, and check can look at that)."
	case "demo":
		return "the sample organisation is for a new database file; to try team mode with it, make one (servicebook --db sample.db demo) and copy it with servicebook migrate."
	}
	return ""
}

// exitStatus ends a command that has printed its result with a status
// other than 0 or 1 (audit: 3 when there is a major finding), for
// scheduled runs to act on.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a mistake in how a command was called that Kong's grammar
// cannot see (for example a relation kind split over arguments wrongly).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef is a usageError with a formatted message: a flag's value that
// cannot be read, said as such rather than as an internal error.
func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// open opens the database and the CMDB. With no --db it opens the default
// database, creating it with the sample organisation on the very first run.
func (a *App) open(ctx context.Context) error {
	if a.DB != nil {
		return nil
	}
	path, sample := a.DBPath, false
	if path == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return err
		}
		path, sample = p, true
	}
	db, err := store.OpenWith(ctx, path, sample || a.mayCreate, a.storeOptions)
	if err != nil {
		return err
	}
	cm, err := cmdb.NewStore(ctx, db)
	if err != nil {
		db.Close()
		return err
	}
	a.DB, a.CMDB, a.DBPath = db, cm, db.Path
	db.OnWait = func(message string) { fmt.Fprintln(a.Stderr, "servicebook: "+message) }
	a.Continuity = continuity.NewStore(db, cm)
	a.Budget = budget.NewStore(db, cm)
	a.Capacity = capacity.NewStore(db, cm)
	// A fiscal year created brings the budget lines of the costed
	// upgrades planned within it, in its own transaction.
	a.Budget.OnYearCreated(a.Capacity.ProposeWhenYearCreated(a.Budget))
	if db.BackupPath != "" {
		fmt.Fprintf(a.Stderr, "servicebook: upgraded %s; the old file was kept as %s\n", db.Path, db.BackupPath)
	}
	if sample && db.Created {
		if err := demo.SampleBank(ctx, cm, a.Continuity, a.Budget, a.Capacity); err != nil {
			return err
		}
		a.FirstRun = true
	}
	return nil
}

func (a *App) close() {
	if a.DB != nil {
		a.DB.Close()
	}
}

// cliContext marks writes from the command line in the change log.
func cliContext(ctx context.Context) context.Context { return store.WithSource(ctx, store.SourceCLI) }

type windowCmd struct{}

func (windowCmd) Run(ctx context.Context, app *App) error {
	app.mayCreate = true
	app.storeOptions = store.WindowOptions()
	if err := app.open(ctx); err != nil {
		return err
	}
	if app.FirstRun {
		fmt.Fprintf(app.Stdout, "Created %s with a sample organisation, so that you can try things out.\n"+
			"To start with an empty database instead: servicebook --db NEW-PATH (the window) or servicebook --db NEW-PATH --create ci list.\n", app.DBPath)
	}
	if app.Window == nil {
		fmt.Fprintf(app.Stdout, "Database: %s\nThis build has no window; run \"servicebook --help\" for the commands.\n", app.DBPath)
		return nil
	}
	app.Flush()
	return app.Window(ctx, app)
}

type demoCmd struct {
	CIs  int    `name:"cis" help:"Generate about N CIs with about 5 relations each, for benchmarks, instead of the sample organisation." placeholder:"N"`
	Seed uint64 `help:"Seed for --cis, so that runs are repeatable." default:"1"`
}

func (c demoCmd) Run(ctx context.Context, app *App) error {
	app.mayCreate = true
	if err := app.open(ctx); err != nil {
		return err
	}
	// Opening the default database for the first time has already written
	// the sample organisation.
	if !app.FirstRun || c.CIs > 0 {
		var err error
		if c.CIs > 0 {
			err = demo.Scaled(ctx, app.CMDB, c.CIs, c.Seed)
		} else {
			err = demo.SampleBank(ctx, app.CMDB, app.Continuity, app.Budget, app.Capacity)
		}
		if err != nil {
			return err
		}
	}
	return app.printDemoSummary(ctx)
}

func (a *App) printDemoSummary(ctx context.Context) error {
	_, total, err := a.CMDB.ListCIs(ctx, cmdb.Filter{Limit: 1})
	if err != nil {
		return err
	}
	rels, err := a.CMDB.AllRelations(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "%s now holds %d CIs and %d relations.\n", a.DBPath, total, len(rels))
	fmt.Fprintln(a.Stdout, "Try: servicebook ci list --type business_service")
	fmt.Fprintln(a.Stdout, "     servicebook search 数据库")
	if san, err := a.CMDB.Search(ctx, "bj-san-01", 1); err == nil && len(san) == 1 {
		fmt.Fprintf(a.Stdout, "     servicebook impact %s     (what fails with the primary SAN)\n", san[0].Ref)
	}
	return nil
}

type backupCmd struct {
	To string `help:"Backup file to write (default: beside the database, with the date and time in its name; for a server, in this folder). From a server, a name ending in .dump is a pg_dump archive, any other a file servicebook opens." placeholder:"FILE" type:"path"`
}

func (c backupCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	to := c.To
	stamp := "-backup-" + app.DB.Now().Format("20060102-150405")
	switch {
	case to != "":
	case app.DB.Dialect == store.Postgres:
		// The server's own pg_dump where it is installed; a file otherwise.
		ext := ".db"
		if _, err := store.PgTool("pg_dump"); err == nil {
			ext = ".dump"
		}
		u, _ := url.Parse(app.DB.Path)
		name := cmp.Or(strings.Trim(u.Path, "/"), u.Query().Get("service"), "servicebook")
		to = name + stamp + ext
	default:
		to = strings.TrimSuffix(app.DBPath, ".db") + stamp + ".db"
	}
	if err := app.DB.Backup(ctx, to); err != nil {
		return err
	}
	if app.DB.Dialect == store.Postgres && store.IsDumpPath(to) {
		fmt.Fprintf(app.Stdout, "Backed up %s to %s with pg_dump (every table's data checked in the archive). Restore it into an empty database with: pg_restore --dbname=DATABASE %s\n", app.DBPath, to, to)
		return nil
	}
	fmt.Fprintf(app.Stdout, "Backed up %s to %s\n", app.DBPath, to)
	return nil
}

type restoreCmd struct {
	Backup string `arg:"" help:"The backup file to restore."`
	Yes    bool   `help:"Confirm: the database is replaced by the backup (the database as it was is kept beside it)."`
}

func (c restoreCmd) Run(ctx context.Context, app *App) error {
	target := app.DBPath
	if target == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return err
		}
		target = p
	}
	if _, err := store.CheckBackup(ctx, c.Backup); err != nil {
		return err
	}
	if !c.Yes {
		return store.Errorf(store.EInvalid, "%s passes its checks. Restoring replaces %s with it; add --yes to do so.", c.Backup, target)
	}
	kept, err := store.Restore(ctx, target, c.Backup, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Restored %s from %s (integrity and references checked).\n", target, c.Backup)
	if kept != "" {
		fmt.Fprintf(app.Stdout, "The database as it was is kept as %s.\n", kept)
	}
	// Opening brings an older backup's schema up to date.
	app.DBPath = target
	if err := app.open(ctx); err != nil {
		return err
	}
	_, total, err := app.CMDB.ListCIs(ctx, cmdb.Filter{Limit: 1})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "It holds %d CIs.\n", total)
	return nil
}

type checkCmd struct{}

func (checkCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	rep, err := app.DB.Check(ctx)
	if err != nil {
		return err
	}
	if rep.OK() {
		fmt.Fprintf(app.Stdout, "%s: no problems found (integrity check and foreign keys).\n", app.DBPath)
		return nil
	}
	problems := len(rep.ForeignKeys)
	for _, line := range rep.Integrity {
		if line != "ok" {
			fmt.Fprintln(app.Stdout, "integrity: "+line)
			problems++
		}
	}
	for _, line := range rep.ForeignKeys {
		fmt.Fprintln(app.Stdout, "reference: "+line)
	}
	restore := "restore a backup with: servicebook restore BACKUP --yes"
	if b := store.NewestBackup(app.DBPath); b != "" {
		restore = "the newest backup beside it is " + b + "; restore it with: servicebook restore " + b + " --yes"
	}
	return store.Errorf(store.EInvalid, "%s is damaged: %s, listed above. Change nothing in it; %s (the damaged file is kept).",
		app.DBPath, count(problems, "problem", "problems"), restore)
}
