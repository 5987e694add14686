package continuity

import "servicebook/store"

// How continuity records are named when something they refer to is about
// to be deleted (see store.References).
func init() {
	store.DescribeReferrer("plan", "'plan ' || doc_number || ' (the service it covers)'")
	store.DescribeReferrer("plan_ci", "'plan ' || (SELECT doc_number FROM plan WHERE plan.id = plan_ci.plan_id) || ' (a CI it covers)'")
	store.DescribeReferrer("availability_target", "'its availability target'")
	store.DescribeReferrer("outage", "'outage ' || id || ' of ' || substr(starts_at, 1, 16)")
}
