package demo

import (
	"context"
	"strings"
	"testing"

	"servicebook/budget"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/store"
)

func TestOrganisationIsRealisticAndConnected(t *testing.T) {
	ctx := context.Background()
	s, err := cmdb.NewStore(ctx, store.MustOpen(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := Organisation(ctx, s); err != nil {
		t.Fatal(err)
	}
	svc, bizTotal, _ := s.ListCIs(ctx, cmdb.Filter{TypeKey: "business_service"})
	_, itTotal, _ := s.ListCIs(ctx, cmdb.Filter{TypeKey: "it_service"})
	if bizTotal+itTotal < 20 {
		t.Errorf("%d business + %d IT services; want a few dozen", bizTotal, itTotal)
	}
	chinese := 0
	for _, c := range svc {
		if strings.ContainsFunc(c.Name, func(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }) {
			chinese++
		}
	}
	if chinese != len(svc) {
		t.Errorf("%d of %d business services have Chinese names", chinese, len(svc))
	}
	// Losing the primary SAN takes down business services, through servers,
	// VMs and applications.
	found, _ := s.Search(ctx, "bj-san-01", 1)
	if len(found) != 1 {
		t.Fatalf("search for the SAN found %d", len(found))
	}
	rep, err := s.Impact(ctx, []string{found[0].Ref}, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Services()) < 10 {
		t.Errorf("SAN failure impacts %d services; want most of them", len(rep.Services()))
	}
	// One database node alone is covered by its cluster partner.
	node, _ := s.Search(ctx, "bj-db-01", 1)
	one, _ := s.Impact(ctx, []string{node[0].Ref}, true, 0)
	for _, it := range one.Items {
		if it.CI.TypeKey == "database" && strings.Contains(it.CI.Name, "Core banking DB") {
			t.Errorf("one RAC node down impacts the core database: %s", cmdb.PathText(it.Path, true))
		}
	}
	unowned, _, _ := s.ListCIs(ctx, cmdb.Filter{Owner: "-"})
	if len(unowned) == 0 {
		t.Error("the dashboard sample needs a CI without an owner")
	}
	if err := Organisation(ctx, s); store.ErrorCode(err) != store.EInvalid {
		t.Errorf("second demo into the same database: %v, want refusal", err)
	}
	// A file passes SQLite's integrity and reference checks; a server
	// keeps its own integrity (check is refused there, in plain words).
	if s.DB().Dialect == store.SQLite {
		if rep2, err := s.DB().Check(ctx); err != nil || !rep2.OK() {
			t.Errorf("check after demo: %+v, %v", rep2, err)
		}
	}
}

func TestScaledHasAboutFiveRelationsPerCI(t *testing.T) {
	cis, rels := Generate(2000, 1)
	if len(cis) != 2000 {
		t.Errorf("%d CIs, want 2000", len(cis))
	}
	perCI := float64(len(rels)) / float64(len(cis))
	if perCI < 4 || perCI > 6 {
		t.Errorf("%.2f relations per CI, want about 5", perCI)
	}
	ctx := context.Background()
	s, _ := cmdb.NewStore(ctx, store.MustOpen(t))
	if err := Scaled(ctx, s, 2000, 1); err != nil {
		t.Fatal(err)
	}
	_, total, _ := s.ListCIs(ctx, cmdb.Filter{})
	if total != 2000 {
		t.Errorf("%d CIs written", total)
	}
	// The primary site is the heavily shared CI: its loss reaches services.
	rep, err := s.Impact(ctx, []string{"CI-000001"}, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Services()) == 0 || len(rep.Items) < 1000 {
		t.Errorf("site failure impacts %d CIs and %d services", len(rep.Items), len(rep.Services()))
	}
}

func TestContinuitySample(t *testing.T) {
	ctx := context.Background()
	db := store.MustOpen(t)
	cm, _ := cmdb.NewStore(ctx, db)
	if err := Organisation(ctx, cm); err != nil {
		t.Fatal(err)
	}
	cs := continuity.NewStore(db, cm)
	if err := Continuity(ctx, cm, cs); err != nil {
		t.Fatal(err)
	}
	plans, err := cs.Plans(ctx)
	if err != nil || len(plans) != 3 {
		t.Fatalf("%d plans, %v", len(plans), err)
	}
	var approved, drafts, flagged, failed int
	for _, p := range plans {
		switch {
		case p.IsDraft():
			drafts++
		case p.Status() == continuity.Approved:
			approved++
		}
		if p.NeedsReview {
			flagged++
		}
		if p.LastOutcome == continuity.Failed && p.RetestRequired {
			failed++
		}
	}
	if approved != 2 || drafts != 1 || flagged != 1 || failed != 1 {
		t.Errorf("%d approved, %d drafts, %d flagged, %d failed", approved, drafts, flagged, failed)
	}
	res, err := cs.Availability(ctx, "2026-10", "")
	if err != nil || len(res) != 6 {
		t.Fatalf("availability: %d results, %v", len(res), err)
	}
	missed := 0
	for _, r := range res {
		if !r.Met {
			missed++
		}
	}
	if missed == 0 || missed == len(res) {
		t.Errorf("%d of %d services missed their target; the sample should show both", missed, len(res))
	}
}

func TestBudgetSample(t *testing.T) {
	ctx := context.Background()
	db := store.MustOpen(t)
	cm, _ := cmdb.NewStore(ctx, db)
	if err := Organisation(ctx, cm); err != nil {
		t.Fatal(err)
	}
	bs := budget.NewStore(db, cm)
	if err := Budget(ctx, cm, bs); err != nil {
		t.Fatal(err)
	}
	fy, _ := bs.FiscalYear(ctx, 2026)
	years, err := bs.Report(ctx, fy, "")
	if err != nil {
		t.Fatal(err)
	}
	over := 0
	for _, y := range years {
		if y.Closed != 10 {
			t.Errorf("%s: %d closed months, want 10", y.ServiceRef, y.Closed)
		}
		if y.Months[8].Variance() > 0 {
			over++
		}
	}
	if over == 0 || over == len(years) {
		t.Errorf("%d of %d services overspent in September; the sample should show both", over, len(years))
	}
}
