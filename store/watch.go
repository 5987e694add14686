package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Changed names a record that changed: ID 0 stands for some records of
// Entity, too many to name one by one (an import).
type Changed struct {
	Entity string
	ID     int64
}

// watchPoll is how often Watch looks at a file's change log.
const watchPoll = time.Second

// manyChanged is how many records Watch names before it names their kinds
// alone.
const manyChanged = 200

// Watch calls fn with the records that change in the database — saved by
// other desktops on a server, or by other processes on the same file —
// until ctx ends. On a server it listens (PostgreSQL's LISTEN/NOTIFY,
// told by the change log's trigger when a transaction commits), through a
// connection of its own that it opens again if the server goes away; on a
// file it reads the change log's new entries every second. fn runs on
// Watch's goroutine. It is first called with no changes when Watch has
// begun (and on a server again whenever it listens again after losing the
// server): from then on no change is missed, and anything may have
// changed before, so a screen reads its records again.
func (db *DB) Watch(ctx context.Context, fn func([]Changed)) error {
	if db.Dialect == Postgres {
		return db.listen(ctx, fn)
	}
	var last int64
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM change_log").Scan(&last); err != nil {
		return err
	}
	fn(nil)
	tick := time.NewTicker(watchPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		var changed []Changed
		seen := map[Changed]bool{}
		rows, err := db.QueryContext(ctx, "SELECT id, entity, entity_id FROM change_log WHERE id > ? ORDER BY id", last)
		if err != nil {
			continue // busy or closing: look again at the next tick
		}
		for rows.Next() {
			var c Changed
			if err := rows.Scan(&last, &c.Entity, &c.ID); err != nil {
				break
			}
			if !seen[c] {
				seen[c] = true
				changed = append(changed, c)
			}
		}
		rows.Close()
		if len(changed) > manyChanged {
			changed = byKind(changed)
		}
		if len(changed) > 0 {
			fn(changed)
		}
	}
}

func (db *DB) listen(ctx context.Context, fn func([]Changed)) error {
	wait := time.Second
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, fn)
		if ctx.Err() != nil {
			return nil
		}
		_ = err // the server went away: listen again, less often while it stays away
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
	return nil
}

func (db *DB) listenOnce(ctx context.Context, fn func([]Changed)) error {
	conn, err := pgx.Connect(ctx, db.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN servicebook_changes"); err != nil {
		return err
	}
	fn(nil)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		// A transaction tells each of its statements' changes apart (an
		// import, hundreds of them) and they arrive together at its
		// commit: what arrives in the next moments is told at once.
		payloads := []string{n.Payload}
		for {
			soon, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			more, err := conn.WaitForNotification(soon)
			cancel()
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if soon.Err() == nil {
					return err // the connection, not the moment, ended
				}
				break
			}
			payloads = append(payloads, more.Payload)
		}
		if changed := parseChanged(strings.Join(payloads, ",")); len(changed) > 0 {
			fn(changed)
		}
	}
}

// parseChanged reads notifications' payloads, joined by commas: "ci:12,
// plan:3" or "ci:*", each record once; more than manyChanged are told by
// their kinds.
func parseChanged(payload string) []Changed {
	var out []Changed
	seen := map[Changed]bool{}
	for _, item := range strings.Split(payload, ",") {
		entity, id, ok := strings.Cut(item, ":")
		if !ok || entity == "" {
			continue
		}
		c := Changed{Entity: entity}
		if id != "*" {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				continue
			}
			c.ID = n
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	if len(out) > manyChanged || slices.ContainsFunc(out, func(c Changed) bool { return c.ID == 0 }) {
		return byKind(out)
	}
	return out
}

// byKind is changed told by the kinds of record alone.
func byKind(changed []Changed) []Changed {
	var out []Changed
	seen := map[string]bool{}
	for _, c := range changed {
		if !seen[c.Entity] {
			seen[c.Entity] = true
			out = append(out, Changed{Entity: c.Entity})
		}
	}
	return out
}

func (c Changed) String() string {
	if c.ID == 0 {
		return c.Entity + ":*"
	}
	return fmt.Sprintf("%s:%d", c.Entity, c.ID)
}
