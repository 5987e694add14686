package cli

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"servicebook/cmdb"
	"servicebook/store"
)

// serverCmd prepares a PostgreSQL server for team mode.
type serverCmd struct {
	Init serverInitCmd `cmd:"" help:"On a PostgreSQL server (--db postgres://OWNER@HOST/DATABASE): make servicebook's schema, the viewer, editor and approver roles, and their rights. Run it as the database's owner; safe to run again."`
}

type serverInitCmd struct {
	Print bool `help:"Print the SQL for the server's administrator instead of running it (nothing is connected to)."`
}

func (c *serverInitCmd) Run(ctx context.Context, app *App) error {
	if !store.IsPostgres(app.DBPath) {
		return usagef("server init needs --db postgres://OWNER@HOST/DATABASE: the database on the server that servicebook is to use")
	}
	if c.Print {
		u, err := url.Parse(app.DBPath)
		if err != nil || strings.Trim(u.Path, "/") == "" {
			return usagef("%s names no database: add it after the server, postgres://OWNER@HOST/DATABASE", store.ShownURL(app.DBPath))
		}
		fmt.Fprintln(app.Stdout, "-- Run as the database's owner once servicebook's tables are there: `servicebook --db postgres://OWNER@HOST/DATABASE server init` makes them and runs this itself.")
		fmt.Fprint(app.Stdout, store.ServerInitSQL(strings.Trim(u.Path, "/"), "public"))
		fmt.Fprint(app.Stdout, addPeople)
		return nil
	}
	db, err := store.Open(ctx, app.DBPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.ServerInit(ctx); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "%s is ready for a team: schema version %d, roles %s, %s and %s.\n",
		db.Path, store.SchemaVersion(), store.ViewerRole, store.EditorRole, store.ApproverRole)
	fmt.Fprint(app.Stdout, addPeople)
	return nil
}

// addPeople tells the administrator how each person gets their own sign-in.
const addPeople = `-- Give each person a sign-in of their own, in one of the three roles, e.g.:
--   CREATE ROLE anna LOGIN PASSWORD '…' IN ROLE servicebook_editor;
--   CREATE ROLE wei  LOGIN PASSWORD '…' IN ROLE servicebook_approver;
--   CREATE ROLE audit LOGIN PASSWORD '…' IN ROLE servicebook_viewer;
-- The change log records that sign-in for every change they make.
`

// migrateCmd copies a database, file or server, into another.
type migrateCmd struct {
	From    string `required:"" help:"The database to copy: a file, or postgres://USER@HOST/DATABASE." placeholder:"FROM"`
	To      string `required:"" help:"Where to copy it: a new or empty file, or an empty database on a server (postgres://…)." placeholder:"TO"`
	Replace bool   `help:"Delete what the target already holds before copying (it is refused otherwise)."`
}

func (c *migrateCmd) Run(ctx context.Context, app *App) error {
	fromPath, toPath := expandHome(c.From), expandHome(c.To)
	var from *store.DB
	var err error
	if store.IsPostgres(fromPath) {
		from, err = store.Open(ctx, fromPath)
	} else {
		from, err = store.OpenExisting(ctx, fromPath) // a mistyped source is not a new, empty one
	}
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := store.Open(ctx, toPath)
	if err != nil {
		return err
	}
	defer to.Close()
	if from.Path == to.Path {
		return usagef("--from and --to are the same database (%s)", from.Path)
	}
	rep, err := store.Copy(ctx, from, to, c.Replace)
	if err != nil {
		return err
	}
	// Opening the CMDB builds a file's search indexes, which are worked
	// out from the records and not copied.
	if _, err := cmdb.NewStore(ctx, to); err != nil {
		return err
	}
	nonEmpty := 0
	for _, t := range rep.Tables {
		if t.Source > 0 {
			nonEmpty++
		}
	}
	fmt.Fprintf(app.Stdout, "Copied %d records from %s to %s: %d tables (%d with records), every one counted on both sides, and the change log compared entry by entry.\n",
		rep.Rows, from.Path, to.Path, len(rep.Tables), nonEmpty)
	return nil
}
