package capacity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"servicebook/capacity"
	"servicebook/store"
)

// TestStatusesAreKeptAndForgotten: the statuses read from the kept rows
// say what a fresh forecast over the same horizon says; new samples and a planned upgrade make the
// resource's status be worked out again; the rows are derived data, not in
// the change log.
func TestStatusesAreKeptAndForgotten(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		caps, _, _ := demoBankOn(t, db)
		ctx := context.Background()
		const day = 24 * time.Hour
		var kept int
		count := func() int {
			db.QueryRowContext(ctx, "SELECT count(*) FROM capacity_status").Scan(&kept)
			return kept
		}
		before, _ := db.ChangeLogPosition(ctx)
		first, err := caps.Statuses(ctx, 90*day, capacity.WhatIf{}, nil)
		if err != nil || count() != len(first) || len(first) != 6 {
			t.Fatalf("%d statuses, %d kept: %v", len(first), kept, err)
		}
		if after, _ := db.ChangeLogPosition(ctx); after != before {
			t.Error("keeping statuses wrote to the change log")
		}
		again, err := caps.Statuses(ctx, 90*day, capacity.WhatIf{}, func(done, total int) { t.Errorf("worked out %d again", total) })
		if err != nil {
			t.Fatal(err)
		}
		fresh, _, err := caps.Forecasts(ctx, 90*day, capacity.WhatIf{})
		if err != nil {
			t.Fatal(err)
		}
		for i, st := range again {
			f := fresh[i]
			for _, pair := range [][2]capacity.Reach{{st.ToWarning, f.ToWarning}, {st.ToCritical, f.ToCritical}, {st.ToFull, f.ToFull}} {
				kept, want := pair[0], pair[1]
				if kept.Never != want.Never || kept.Already != want.Already || (!want.Never && !kept.At.Equal(want.At)) {
					t.Errorf("%s: kept %+v, fresh %+v", st.Name, kept, want)
				}
			}
			if st.Method != f.Method || st.Latest != f.Series.Values[len(f.Series.Values)-1] {
				t.Errorf("%s: kept %s %v, fresh %s", st.Name, st.Method, st.Latest, f.Method)
			}
		}
		san, _ := caps.Resource(ctx, "bj-san-01 used TB")
		last := again[0].Last
		for _, st := range again {
			if st.ID == san.ID {
				last = st.Last
			}
		}
		if _, err := caps.AddSamples(ctx, san.Name, []capacity.Sample{{At: last.Add(day), Value: 170}}); err != nil {
			t.Fatal(err)
		}
		if count() != 5 {
			t.Errorf("after new samples %d statuses kept, want 5", kept)
		}
		now, _ := caps.Statuses(ctx, 90*day, capacity.WhatIf{}, nil)
		for _, st := range now {
			if st.ID == san.ID && (st.Latest != 170 || !st.ToWarning.Already) {
				t.Errorf("the SAN after a sample of 170: %+v", st)
			}
		}
		if _, err := caps.AddUpgrade(ctx, nil, capacity.Upgrade{Resource: "core DB CPU %", Planned: last.AddDate(0, 1, 0), Adds: 50}); err != nil {
			t.Fatal(err)
		}
		if count() != 5 {
			t.Errorf("after an upgrade %d statuses kept, want 5", kept)
		}
	})
}

// TestResourceChangedAndRemoved: a resource's thresholds change, logged
// old → new, and its kept statuses are worked out again; a name another
// resource has is refused; a resource with upgrades stays; one without
// goes with its samples, and the change log says how many.
func TestResourceChangedAndRemoved(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		caps, _, _ := demoBankOn(t, db)
		ctx := context.Background()
		if _, err := caps.Statuses(ctx, 90*24*time.Hour, capacity.WhatIf{}, nil); err != nil {
			t.Fatal(err)
		}
		san, _ := caps.Resource(ctx, "bj-san-01 used TB")
		san.Capacity, san.Warning, san.Critical = 240, 192, 216
		if _, err := caps.UpdateResource(ctx, san); err != nil {
			t.Fatal(err)
		}
		var kept int
		db.QueryRowContext(ctx, "SELECT count(*) FROM capacity_status WHERE resource_id = ?", san.ID).Scan(&kept)
		changes, _ := db.Changes(ctx, "capacity_resource", san.ID)
		if kept != 0 || len(changes) == 0 || changes[len(changes)-1].Field != "changed" ||
			!strings.Contains(changes[len(changes)-1].New, "capacity 240 TB, warning 192, critical 216") {
			t.Errorf("after the change: %d statuses kept, changes %+v", kept, changes)
		}
		now, _ := caps.Statuses(ctx, 90*24*time.Hour, capacity.WhatIf{}, nil)
		for _, st := range now {
			if st.ID == san.ID && !st.ToWarning.Never {
				t.Errorf("the SAN at 240 TB still breaches within 90 days: %+v", st.ToWarning)
			}
		}
		clash := san
		clash.Name = "core DB CPU %"
		if _, err := caps.UpdateResource(ctx, clash); store.ErrorCode(err) != store.EConflict {
			t.Errorf("a name another resource has: %v", err)
		}
		if err := caps.RemoveResource(ctx, "MPLS WAN Mbit/s"); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("a resource with an upgrade removed: %v", err)
		}
		db02, _ := caps.Resource(ctx, "bj-db-02 CPU %")
		if err := caps.RemoveResource(ctx, "bj-db-02 CPU %"); err != nil {
			t.Fatal(err)
		}
		if got, _ := caps.Samples(ctx, db02.ID); len(got) != 0 {
			t.Errorf("%d samples left", len(got))
		}
		changes, _ = db.Changes(ctx, "capacity_resource", db02.ID)
		if last := changes[len(changes)-1]; last.Field != "deleted" || !strings.Contains(last.Old, "; 730 samples") {
			t.Errorf("the removal's entry: %+v", last)
		}
	})
}
