// Package audit is the internal auditor's view of the whole system: a
// catalogue of readiness checks over the CMDB, continuity, capacity and
// budget records, each naming the clause of ISO/IEC 20000-1 (2011 and 2018
// numbering) it looks after, its severity, how many records it looked at,
// and for each finding the record and the screen that fixes it. The
// window and the command line only call Run.
package audit

import (
	"context"
	"strings"
	"time"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/store"
)

// Severity is how much a finding matters to an auditor.
type Severity string

// Severities, worst first.
const (
	Major       Severity = "major"       // a requirement not met: a certification auditor raises a nonconformity
	Minor       Severity = "minor"       // a record out of date or incomplete
	Observation Severity = "observation" // worth a look
)

// Sources are the records the checks read.
type Sources struct {
	DB         *store.DB
	CMDB       *cmdb.Store
	Continuity *continuity.Store
	Budget     *budget.Store
	Capacity   *capacity.Store
}

// Settings are the checks' thresholds: the intervals and percentages a
// service provider sets for itself.
type Settings struct {
	ExerciseMonths  int     // a plan is exercised at least this often
	BreachDays      int     // a capacity breach this near needs an upgrade
	OverBudgetPct   float64 // a service this far over its plan to date
	InvestigateDays int     // an unplanned outage is investigated within this
	// ConfigAuditMonths is how often the CMDB is verified against what is
	// there (2018 8.2.6: "at planned intervals").
	ConfigAuditMonths int
	// OwnerMayApprove, when 1, lets a plan's owner approve it; 0 (the
	// default) wants another person (doccontrol.Approve enforces it).
	OwnerMayApprove int
}

// DefaultSettings are sensible thresholds to start from.
var DefaultSettings = Settings{ExerciseMonths: 12, BreachDays: 90, OverBudgetPct: 10, InvestigateDays: 14, ConfigAuditMonths: 12}

// Check is one readiness check of the catalogue.
type Check struct {
	ID                     string // C01, K01, B01, M01, D01
	Title, TitleZh         string
	Clause2011, Clause2018 string
	Severity               Severity
	run                    func(ctx context.Context, c *checker) (looked int, found []Finding, err error)
}

// Finding is one record that falls short.
type Finding struct {
	Check  string    // the check's ID
	Record string    // what falls short: CI-000012, SM-02002, budget line 14
	Screen string    // the screen that fixes it: cis, plans, availability, budget, capacity
	Owner  string    // who owns the record, when it has an owner
	Msg    store.Msg // what is wrong, in English (translated where shown)
	// OwnRecord marks a finding on a record the person who ran the audit
	// owns: auditors do not audit their own work.
	OwnRecord bool
}

// Result is a check as run: how many records it looked at and what it
// found.
type Result struct {
	Check
	Looked   int
	Findings []Finding
}

// Report is a run of every check.
type Report struct {
	AsOf  time.Time
	RunBy string // who ran it: the OS user, or a name given
	// Settings are the thresholds the checks ran with.
	Settings Settings
	Results  []Result
}

// Count is how many findings of a severity the report has.
func (r Report) Count(sev Severity) int {
	n := 0
	for _, res := range r.Results {
		if res.Severity == sev {
			n += len(res.Findings)
		}
	}
	return n
}

// checker holds what the checks share during a run: the sources, the
// settings, today, and records read once for several checks.
type checker struct {
	src        Sources
	set        Settings
	now        time.Time
	today      string
	plans      []continuity.PlanSummary
	years      []budget.FiscalYear
	yearsRead  bool
	audits     []cmdb.ConfigAudit
	auditsErr  error
	auditsRead bool
}

// configAudits reads the configuration audits once for the checks that
// look at them.
func (c *checker) configAudits(ctx context.Context) ([]cmdb.ConfigAudit, error) {
	if !c.auditsRead {
		c.audits, c.auditsErr = c.src.CMDB.Audits(ctx)
		c.auditsRead = true
	}
	return c.audits, c.auditsErr
}

func (c *checker) fiscalYears(ctx context.Context) ([]budget.FiscalYear, error) {
	if !c.yearsRead {
		years, err := c.src.Budget.FiscalYears(ctx)
		if err != nil {
			return nil, err
		}
		c.years, c.yearsRead = years, true
	}
	return c.years, nil
}

func (c *checker) continuityPlans(ctx context.Context) ([]continuity.PlanSummary, error) {
	if c.plans == nil {
		plans, err := c.src.Continuity.Plans(ctx)
		if err != nil {
			return nil, err
		}
		c.plans = append(plans[:0:0], plans...)
	}
	return c.plans, nil
}

// Run runs every check of the catalogue over src, as of now, for runBy.
func Run(ctx context.Context, src Sources, set Settings, runBy string) (Report, error) {
	now := src.DB.Now()
	c := &checker{src: src, set: set, now: now, today: now.Format(time.DateOnly)}
	rep := Report{AsOf: now, RunBy: strings.TrimSpace(runBy), Settings: set}
	for _, check := range Catalogue {
		looked, found, err := check.run(ctx, c)
		if err != nil {
			return rep, err
		}
		for i := range found {
			found[i].Check = check.ID
			found[i].OwnRecord = rep.RunBy != "" && strings.EqualFold(strings.TrimSpace(found[i].Owner), rep.RunBy)
		}
		rep.Results = append(rep.Results, Result{Check: check, Looked: looked, Findings: found})
	}
	return rep, nil
}

// Clause is a clause of ISO/IEC 20000-1:2018 the checks speak to, with
// its title in English and Chinese, for the internal-audit checklist.
type Clause struct {
	Number, Title, TitleZh string
}

// Clauses are the 2018 clauses of the catalogue's checks, in the
// standard's order.
var Clauses = []Clause{
	{"7.5.3", "Control of documented information", "文件化信息的控制"},
	{"8.2.6", "Configuration management", "配置管理"},
	{"8.4.1", "Budgeting and accounting for services", "服务预算与核算"},
	{"8.4.3", "Capacity management", "容量管理"},
	{"8.7.1", "Service availability management", "服务可用性管理"},
	{"8.7.2", "Service continuity management", "服务连续性管理"},
	{"10.1", "Nonconformity and corrective action", "不符合及纠正措施"},
}

// ByClause returns the results of each clause in Clauses' order.
func (r Report) ByClause() map[string][]Result {
	out := map[string][]Result{}
	for _, res := range r.Results {
		out[res.Clause2018] = append(out[res.Clause2018], res)
	}
	return out
}
