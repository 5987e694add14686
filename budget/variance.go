package budget

// Month is one month's figures for a service (or a line, or a category).
type Month struct {
	Budget    Money // direct budget
	Allocated Money // indirect costs allocated to it
	Actual    Money
	Forecast  Money // 0 when there is none
}

// Planned is what the month was expected to cost: direct plus allocated.
func (m Month) Planned() Money { return m.Budget + m.Allocated }

// Variance is actual minus planned: positive is an overspend.
func (m Month) Variance() Money { return m.Actual - m.Planned() }

// VariancePercent is the variance as a percentage of plan (0 when the plan
// is 0).
func (m Month) VariancePercent() float64 {
	if m.Planned() == 0 {
		return 0
	}
	return 100 * float64(m.Variance()) / float64(m.Planned())
}

// Year is a fiscal year's figures, month by month from the first month of
// the fiscal year, and how many months have actuals (closed months).
type Year struct {
	Months [12]Month
	Closed int
}

// YTD sums the closed months.
func (y Year) YTD() Month {
	var s Month
	for _, m := range y.Months[:y.Closed] {
		s.Budget += m.Budget
		s.Allocated += m.Allocated
		s.Actual += m.Actual
		s.Forecast += m.Forecast
	}
	return s
}

// Outturn is the expected cost of the whole year: actuals so far plus, for
// each open month, its forecast where there is one and its plan otherwise.
func (y Year) Outturn() Money {
	o := y.YTD().Actual
	for _, m := range y.Months[y.Closed:] {
		if m.Forecast != 0 {
			o += m.Forecast
		} else {
			o += m.Planned()
		}
	}
	return o
}

// RunRate is the year's cost if every month cost what the closed months
// did on average (0 before the first month closes).
func (y Year) RunRate() Money {
	if y.Closed == 0 {
		return 0
	}
	ytd := y.YTD().Actual
	return Money(int64(ytd) * 12 / int64(y.Closed))
}

// Plan is the year's planned total.
func (y Year) Plan() Money {
	var p Money
	for _, m := range y.Months {
		p += m.Planned()
	}
	return p
}

// Summary is a service's year as one row of a variance report: the year's
// plan, the plan and actuals to date, the outturn and the run rate.
type Summary struct {
	Plan             Money
	YTD              Month // to date: the months with actuals
	Outturn, RunRate Money
}

// Summary sums the year for a row of a variance report.
func (y Year) Summary() Summary {
	return Summary{Plan: y.Plan(), YTD: y.YTD(), Outturn: y.Outturn(), RunRate: y.RunRate()}
}

// TotalOf adds up services' summaries for a report's totals row. Each
// service counts to date as far as its own actuals go, so the total to date
// is the sum of what each service has closed.
func TotalOf(years []ServiceYear) Summary {
	var t Summary
	for _, y := range years {
		s := y.Summary()
		t.Plan += s.Plan
		t.YTD.Budget += s.YTD.Budget
		t.YTD.Allocated += s.YTD.Allocated
		t.YTD.Actual += s.YTD.Actual
		t.YTD.Forecast += s.YTD.Forecast
		t.Outturn += s.Outturn
		t.RunRate += s.RunRate
	}
	return t
}
