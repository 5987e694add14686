package budget

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"

	"servicebook/cmdb"
	"servicebook/store"
)

// Rule says how an indirect cost pool is shared among services.
type Rule struct {
	ID     int64
	Pool   string
	Method string // even, percent, driver
	Driver string // for driver: headcount, users, storage, ci_count (from the CMDB), or any name
	// Shares maps a service reference to its share: a percentage for
	// percent, a driver value for driver, anything for even.
	Shares map[string]float64
}

// SetRule sets (or replaces) the rule of a pool. Percentages must total
// 100; the ci_count driver takes each service's number of CIs from the
// CMDB when no values are given.
func (s *Store) SetRule(ctx context.Context, fy FiscalYear, r Rule) (Rule, error) {
	r.Pool = strings.TrimSpace(r.Pool)
	if r.Pool == "" {
		return r, store.Errorf(store.EInvalid, "Name the cost pool.")
	}
	switch r.Method {
	case "even", "percent", "driver":
	default:
		return r, store.Errorf(store.EInvalid, "%q is not a method; use even, percent or driver.", r.Method)
	}
	if r.Method == "driver" && r.Driver == "" {
		return r, store.Errorf(store.EInvalid, "Name the driver (headcount, users, storage, ci_count …).")
	}
	services, err := s.serviceIndex(ctx)
	if err != nil {
		return r, err
	}
	if r.Method == "driver" && r.Driver == "ci_count" && len(r.Shares) == 0 {
		if r.Shares, err = s.ciCounts(ctx, services); err != nil {
			return r, err
		}
	}
	if len(r.Shares) == 0 {
		return r, store.Errorf(store.EInvalid, "Name the services that share pool %s.", r.Pool)
	}
	type share struct {
		id    int64
		value int64
	}
	var shares []share
	var percent float64
	for ref, v := range r.Shares {
		svc, err := services.find(ref)
		if err != nil {
			return r, store.Errorf(store.EInvalid, "%v.", err)
		}
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return r, store.Errorf(store.EInvalid, "%s: a share cannot be negative.", ref)
		}
		var value int64
		switch r.Method {
		case "even":
			value = 1
		case "percent":
			value = int64(math.Round(v * 100)) // basis points
			percent += v
		case "driver":
			value = int64(math.Round(v * 1000))
		}
		shares = append(shares, share{svc.ID, value})
	}
	if r.Method == "percent" && math.Abs(percent-100) > 0.001 {
		return r, store.Errorf(store.EInvalid, "The percentages of pool %s add up to %g %%, not 100 %%.", r.Pool, percent)
	}
	err = s.loggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		var old string
		tx.QueryRowContext(ctx, "SELECT method || ' ' || driver FROM allocation_rule WHERE fy_id = ? AND pool = ?", fy.ID, r.Pool).Scan(&old)
		if _, err := tx.ExecContext(ctx, "DELETE FROM allocation_rule WHERE fy_id = ? AND pool = ?", fy.ID, r.Pool); err != nil {
			return err
		}
		res, err := store.Insert(ctx, tx, "INSERT INTO allocation_rule (fy_id, pool, method, driver) VALUES (?, ?, ?, ?)", fy.ID, r.Pool, r.Method, r.Driver)
		if err != nil {
			return err
		}
		r.ID, _ = res.LastInsertId()
		for _, sh := range shares {
			if _, err := tx.ExecContext(ctx, "INSERT INTO allocation_share (rule_id, service_id, value) VALUES (?, ?, ?)", r.ID, sh.id, sh.value); err != nil {
				return err
			}
		}
		return log.Add(ctx, "allocation_rule", r.ID, r.Pool, strings.TrimSpace(old), strings.TrimSpace(r.Method+" "+r.Driver))
	})
	return r, err
}

// ciCounts is the ci_count driver: how many CIs each service depends on.
func (s *Store) ciCounts(ctx context.Context, services *serviceIndex) (map[string]float64, error) {
	out := map[string]float64{}
	for ref := range services.byRef {
		rep, err := s.cmdb.Impact(ctx, []string{ref}, false, 1)
		if err != nil {
			return nil, err
		}
		out[ref] = float64(rep.Total)
	}
	return out, nil
}

// ruleShares is a pool's rule as the allocation uses it.
type ruleShares struct {
	label   string
	refs    []string
	weights []int64
}

func (s *Store) rules(ctx context.Context, fy FiscalYear) (map[string]*ruleShares, error) {
	rules := map[string]*ruleShares{}
	rows, err := s.db.QueryContext(ctx, `SELECT r.pool, r.method, r.driver, c.ref, sh.value FROM allocation_rule r
		JOIN allocation_share sh ON sh.rule_id = r.id JOIN ci c ON c.id = sh.service_id
		WHERE r.fy_id = ? ORDER BY r.pool, c.id`, fy.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pool, method, driver, ref string
		var value int64
		if err := rows.Scan(&pool, &method, &driver, &ref, &value); err != nil {
			return nil, err
		}
		rs, ok := rules[pool]
		if !ok {
			label := method
			if method == "driver" {
				label += ": " + driver
			}
			rs = &ruleShares{label: label}
			rules[pool] = rs
		}
		rs.refs = append(rs.refs, ref)
		rs.weights = append(rs.weights, value)
	}
	return rules, rows.Err()
}

// Allocation is one allocated amount, traceable to its pool line and rule.
type Allocation struct {
	LineID     int64
	Pool       string
	Rule       string // "even", "percent", "driver: users"
	ServiceRef string
	Month      int // fiscal month, 1–12
	Amount     Money
}

// Allocate shares every pool line of fy among services by its pool's rule,
// to the unit: each service's year is its exact share of the line's year,
// and each month's allocations add up to the line's month (AllocateYear).
// A pool without a rule is an error naming the pool.
func (s *Store) Allocate(ctx context.Context, fy FiscalYear) ([]Allocation, error) {
	rules, err := s.rules(ctx, fy)
	if err != nil {
		return nil, err
	}
	all, err := s.Lines(ctx, fy)
	if err != nil {
		return nil, err
	}
	lines, _ := Effective(all)
	var out []Allocation
	var missing []string
	for _, l := range lines {
		if l.Pool == "" {
			continue
		}
		rs, ok := rules[l.Pool]
		if !ok {
			missing = append(missing, l.Pool)
			continue
		}
		if l.Amounts == ([12]Money{}) {
			continue
		}
		shares, err := AllocateYear(l.Amounts, rs.weights)
		if err != nil {
			return nil, store.Errorf(store.EInvalid, "Pool %s: %v.", l.Pool, err)
		}
		for i, months := range shares {
			for m, p := range months {
				if p != 0 {
					out = append(out, Allocation{LineID: l.ID, Pool: l.Pool, Rule: rs.label, ServiceRef: rs.refs[i], Month: m + 1, Amount: p})
				}
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return out, store.Errorf(store.EInvalid, "No allocation rule for pool(s) %s: set one with servicebook budget rule.", strings.Join(unique(missing), ", "))
	}
	return out, nil
}

func unique(ss []string) []string {
	var out []string
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// ServiceYear is one service's budget year: direct budget, allocated
// indirect costs and actuals, month by month.
type ServiceYear struct {
	ServiceRef, ServiceName string
	Year
}

// Report gives each service's year (or one service's, with serviceRef):
// direct budget from its lines, indirect costs from the allocation, actuals
// from the actuals; the months with any actuals count as closed.
func (s *Store) Report(ctx context.Context, fy FiscalYear, serviceRef string) ([]ServiceYear, error) {
	all, err := s.Lines(ctx, fy)
	if err != nil {
		return nil, err
	}
	lines, forecast := Effective(all)
	allocs, err := s.Allocate(ctx, fy)
	if err != nil {
		return nil, err
	}
	byRef := map[string]*ServiceYear{}
	var order []string
	get := func(ref, name string) *ServiceYear {
		if y, ok := byRef[ref]; ok {
			return y
		}
		y := &ServiceYear{ServiceRef: ref, ServiceName: name}
		byRef[ref] = y
		order = append(order, ref)
		return y
	}
	for _, l := range lines {
		if l.Pool != "" {
			continue
		}
		y := get(l.ServiceRef, l.ServiceName)
		for m, a := range l.Amounts {
			y.Months[m].Budget += a
		}
	}
	for _, a := range allocs {
		y := get(a.ServiceRef, "")
		y.Months[a.Month-1].Allocated += a.Amount
	}
	for _, l := range forecast {
		if l.ServiceRef == "" {
			continue
		}
		y := get(l.ServiceRef, l.ServiceName)
		for m, a := range l.Amounts {
			y.Months[m].Forecast += a
		}
	}
	// Actual spend of a pool is shared like its budget, so that each
	// service's actuals compare with its budget plus its allocated share.
	rules, err := s.rules(ctx, fy)
	if err != nil {
		return nil, err
	}
	poolRows, err := s.db.QueryContext(ctx, `SELECT pool, month, sum(amount) FROM actual WHERE fy_id = ? AND service_id IS NULL
		GROUP BY pool, month`, fy.ID)
	if err != nil {
		return nil, err
	}
	poolActuals := map[string]*[12]Money{}
	var pools []string
	for poolRows.Next() {
		var pool string
		var month int
		var amount Money
		if err := poolRows.Scan(&pool, &month, &amount); err != nil {
			poolRows.Close()
			return nil, err
		}
		if _, ok := poolActuals[pool]; !ok {
			poolActuals[pool] = &[12]Money{}
			pools = append(pools, pool)
		}
		poolActuals[pool][month-1] += amount
	}
	poolRows.Close()
	if err := poolRows.Err(); err != nil {
		return nil, err
	}
	for _, pool := range pools {
		rs, ok := rules[pool]
		if !ok {
			continue
		}
		// Shared like the budget: the year to date first, then by month.
		shares, err := AllocateYear(*poolActuals[pool], rs.weights)
		if err != nil {
			return nil, err
		}
		for i, months := range shares {
			y := get(rs.refs[i], "")
			for m, p := range months {
				if poolActuals[pool][m] != 0 {
					y.Months[m].Actual += p
					y.Closed = max(y.Closed, m+1)
				}
			}
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.ref, c.name, a.month, sum(a.amount) FROM actual a JOIN ci c ON c.id = a.service_id
		WHERE a.fy_id = ? GROUP BY c.ref, c.name, a.month`, fy.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var ref, name string
		var month int
		var amount Money
		if err := rows.Scan(&ref, &name, &month, &amount); err != nil {
			rows.Close()
			return nil, err
		}
		y := get(ref, name)
		y.Months[month-1].Actual += amount
		y.Closed = max(y.Closed, month)
	}
	rows.Close()
	names, err := s.serviceIndex(ctx)
	if err != nil {
		return nil, err
	}
	if serviceRef != "" {
		// A service may be named by reference or by name.
		if c, err := names.find(serviceRef); err == nil {
			serviceRef = c.Ref
		}
	}
	var out []ServiceYear
	for _, ref := range order {
		y := byRef[ref]
		if c, ok := names.byRef[ref]; ok {
			y.ServiceName = c.Name
		}
		if serviceRef == "" || ref == cmdb.NormalizeRef(serviceRef) {
			out = append(out, *y)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ServiceRef < out[j].ServiceRef })
	if serviceRef != "" && len(out) == 0 {
		return nil, store.Errorf(store.ENotFound, "%s has no budget, allocation or actuals in %d.", serviceRef, fy.Year)
	}
	return out, nil
}

// AddActual records actual spend of a service — or, with a pool name
// instead of a service, of a cost pool — for a fiscal month. The source
// (gui, cli, …) is the context's, as in the change log.
func (s *Store) AddActual(ctx context.Context, fy FiscalYear, serviceOrPool string, category Category, month int, amount Money) error {
	if month < 1 || month > 12 {
		return store.Errorf(store.EInvalid, "Month %d is not a fiscal month (1–12).", month)
	}
	services, err := s.serviceIndex(ctx)
	if err != nil {
		return err
	}
	var svc any
	pool := ""
	if c, err := services.find(serviceOrPool); err == nil {
		svc = c.ID
	} else {
		var n int
		s.db.QueryRowContext(ctx, "SELECT count(*) FROM budget_line WHERE fy_id = ? AND pool = ?", fy.ID, serviceOrPool).Scan(&n)
		if n == 0 {
			return store.Errorf(store.EInvalid, "%q is neither a service nor a cost pool of %d.", serviceOrPool, fy.Year)
		}
		pool = serviceOrPool
	}
	err = s.loggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		res, err := store.Insert(ctx, tx, "INSERT INTO actual (fy_id, service_id, pool, category, month, amount, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
			fy.ID, svc, pool, string(category), month, int64(amount), store.SourceFrom(ctx))
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		return log.Add(ctx, "actual", id, fmt.Sprintf("%s %s month %d", serviceOrPool, category, month), "", amount.Format(Decimals(fy.Currency)))
	})
	return store.MapError(err)
}

// CategoryTotal is the year's plan and the actuals to date of one cost
// category, split capex or opex.
type CategoryTotal struct {
	Category  Category
	Capex     bool
	Plan      Money // the whole year, direct lines and pools
	YTDPlan   Money // the months with actuals
	YTDActual Money
}

// ByCategory totals the budget and actuals per category and capex/opex:
// the view finance reports to the organisation.
func (s *Store) ByCategory(ctx context.Context, fy FiscalYear) ([]CategoryTotal, error) {
	all, err := s.Lines(ctx, fy)
	if err != nil {
		return nil, err
	}
	lines, _ := Effective(all)
	closed := 0
	s.db.QueryRowContext(ctx, "SELECT coalesce(max(month), 0) FROM actual WHERE fy_id = ?", fy.ID).Scan(&closed)
	type key struct {
		c     Category
		capex bool
	}
	totals := map[key]*CategoryTotal{}
	get := func(k key) *CategoryTotal {
		if t, ok := totals[k]; ok {
			return t
		}
		t := &CategoryTotal{Category: k.c, Capex: k.capex}
		totals[k] = t
		return t
	}
	capexOf := map[Category]bool{}
	for _, l := range lines {
		t := get(key{l.Category, l.Capex})
		t.Plan += l.Total()
		for m := 0; m < closed; m++ {
			t.YTDPlan += l.Amounts[m]
		}
		capexOf[l.Category] = capexOf[l.Category] || l.Capex
	}
	rows, err := s.db.QueryContext(ctx, "SELECT category, sum(amount) FROM actual WHERE fy_id = ? GROUP BY category", fy.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Category
		var a Money
		if err := rows.Scan(&c, &a); err != nil {
			return nil, err
		}
		// Actuals carry no capex flag: they follow their category's lines.
		get(key{c, capexOf[c]}).YTDActual += a
	}
	var out []CategoryTotal
	for _, c := range Categories {
		for _, capex := range []bool{false, true} {
			if t, ok := totals[key{c, capex}]; ok {
				out = append(out, *t)
			}
		}
	}
	return out, rows.Err()
}

// ActualRow is the recorded spend of one service (or pool) and category,
// month by month: one row of the actuals grid.
type ActualRow struct {
	ServiceRef  string // "" for a pool
	ServiceName string
	Pool        string
	Category    Category
	Amounts     [12]Money
}

// Total is the row's spend over the year so far.
func (r ActualRow) Total() Money { return sum(r.Amounts) }

// Who names the row's service by reference and name, or its pool.
func (r ActualRow) Who() string {
	if r.ServiceRef == "" {
		return r.Pool
	}
	return r.ServiceRef + " " + r.ServiceName
}

// Actuals returns the year's actuals per service or pool and category,
// services by reference first, then pools by name.
func (s *Store) Actuals(ctx context.Context, fy FiscalYear) ([]ActualRow, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT coalesce(c.ref, ''), coalesce(c.name, ''), a.pool, a.category, a.month, sum(a.amount)
		FROM actual a LEFT JOIN ci c ON c.id = a.service_id
		WHERE a.fy_id = ?
		GROUP BY c.ref, c.name, a.pool, a.category, a.month
		ORDER BY c.ref IS NULL, c.ref, a.pool, a.category, a.month`, fy.ID)
	if err != nil {
		return nil, store.MapError(err)
	}
	defer rows.Close()
	var out []ActualRow
	for rows.Next() {
		var r ActualRow
		var category string
		var month int
		var amount int64
		if err := rows.Scan(&r.ServiceRef, &r.ServiceName, &r.Pool, &category, &month, &amount); err != nil {
			return nil, store.MapError(err)
		}
		r.Category = Category(category)
		if n := len(out); n == 0 || out[n-1].ServiceRef != r.ServiceRef || out[n-1].Pool != r.Pool || out[n-1].Category != r.Category {
			out = append(out, r)
		}
		out[len(out)-1].Amounts[month-1] += Money(amount)
	}
	return out, store.MapError(rows.Err())
}

// RuleShare is one service's share of a pool, as its rule gives it.
type RuleShare struct {
	ServiceRef, ServiceName string
	Share                   float64 // percent for percent, the driver's value for driver, 1 for even
}

// PoolRule is a pool's rule with its shares, by service reference.
type PoolRule struct {
	Pool, Method, Driver string
	Shares               []RuleShare
}

// Rules returns every pool's allocation rule in fy, by pool, each share as
// it was entered (the store keeps percentages in basis points and driver
// values in thousandths).
func (s *Store) Rules(ctx context.Context, fy FiscalYear) ([]PoolRule, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.pool, r.method, r.driver, c.ref, c.name, sh.value FROM allocation_rule r
		JOIN allocation_share sh ON sh.rule_id = r.id JOIN ci c ON c.id = sh.service_id
		WHERE r.fy_id = ? ORDER BY r.pool, c.ref`, fy.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PoolRule
	for rows.Next() {
		var r PoolRule
		var sh RuleShare
		var value int64
		if err := rows.Scan(&r.Pool, &r.Method, &r.Driver, &sh.ServiceRef, &sh.ServiceName, &value); err != nil {
			return nil, err
		}
		switch r.Method {
		case "percent":
			sh.Share = float64(value) / 100
		case "driver":
			sh.Share = float64(value) / 1000
		default:
			sh.Share = float64(value)
		}
		if len(out) == 0 || out[len(out)-1].Pool != r.Pool {
			out = append(out, r)
		}
		last := &out[len(out)-1]
		last.Shares = append(last.Shares, sh)
	}
	return out, rows.Err()
}
