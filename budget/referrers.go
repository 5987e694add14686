package budget

import "servicebook/store"

// How budget records are named when something they refer to is about to
// be deleted (see store.References).
func init() {
	store.DescribeReferrer("budget_line", "'budget line ' || id || ' (' || (SELECT year FROM fiscal_year WHERE fiscal_year.id = budget_line.fy_id) || ', ' || category || ')'")
	store.DescribeReferrer("actual", "'actual spend ' || (SELECT year FROM fiscal_year WHERE fiscal_year.id = actual.fy_id) || ' month ' || month")
	store.DescribeReferrer("allocation_share", "'the allocation rule of pool ' || (SELECT pool FROM allocation_rule WHERE allocation_rule.id = allocation_share.rule_id)")
}
