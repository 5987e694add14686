package continuity_test

import (
	"context"
	"testing"
	"time"

	"servicebook/continuity"
	"servicebook/demo"
	"servicebook/store"
)

// TestRecoveryNeedsRollUpThroughTheCMDB: on the sample bank the SAN, a
// single point of failure for every banking service, inherits the most
// demanding RTO (card payments' 2 h) and RPO (5 min); a RAC node, one of
// a redundancy group, inherits nothing; a service inherits its own plan's
// figures. RecoveryNeeds agrees with RecoveryNeedOf CI by CI.
func TestRecoveryNeedsRollUpThroughTheCMDB(t *testing.T) {
	ctx := context.Background()
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		cs, cm := demoStoresOn(t, db)
		if err := demo.Continuity(ctx, cm, cs); err != nil {
			t.Fatal(err)
		}
		ci := func(name string) int64 {
			found, err := cm.Search(ctx, name, 1)
			if err != nil || len(found) == 0 {
				t.Fatalf("no %s: %v", name, err)
			}
			return found[0].ID
		}
		san, err := cs.RecoveryNeedOf(ctx, ci("bj-san-01"))
		if err != nil {
			t.Fatal(err)
		}
		if san.RTO != 2*time.Hour || san.RTOPlan != "SM-02003" || san.RPO != 5*time.Minute {
			t.Errorf("the SAN inherits %+v", san)
		}
		if node, _ := cs.RecoveryNeedOf(ctx, ci("bj-db-01")); node.Inherits() {
			t.Errorf("a RAC node, redundant, inherits %+v", node)
		}
		banking := ci("网上银行 Internet banking")
		if own, _ := cs.RecoveryNeedOf(ctx, banking); own.RTO != 4*time.Hour || own.RTOPlan != "SM-02002" {
			t.Errorf("Internet banking inherits %+v", own)
		}
		all, err := cs.RecoveryNeeds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 10 {
			t.Fatalf("only %d CIs inherit anything", len(all))
		}
		for id, need := range all {
			if one, _ := cs.RecoveryNeedOf(ctx, id); one != need {
				t.Errorf("CI %d: RecoveryNeeds %+v, RecoveryNeedOf %+v", id, need, one)
			}
		}
		if _, ok := all[ci("bj-db-01")]; ok {
			t.Error("RecoveryNeeds lists the redundant RAC node")
		}
		san6, _ := cm.CI(ctx, "CI-000015")
		if rec, _ := continuity.CIRecovery(san6); rec != 6*time.Hour {
			t.Errorf("the SAN's recorded recovery time: %v", rec)
		}
	})
}
