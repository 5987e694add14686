package budget

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestParseAmount(t *testing.T) {
	good := []struct {
		text string
		want Money
	}{
		{"1234.56", 123456},
		{"¥1,234.56", 123456},
		{"￥ 1,234.56", 123456},
		{"１，２３４．５", 123450},
		{"(1,234.56)", -123456},
		{"-1,234.56", -123456},
		{"$-12", -1200},
		{"€3.5", 350},
		{"1,234,567", 123456700},
		{"1234.5600000000002", 123456}, // a double's noise, not money
		{"0.30000000000000004", 30},
		{"1234.5000", 123450},
		{"1.2345E+03", 123450},
		{"12元", 1200},
		{"RMB 8,000.00", 800000},
		{".5", 50},
		{"+7", 700},
		{"12万", 12000000}, // as finance staff type it
		{"1.2万元", 1200000},
		{"1.23456万", 1234560},
		{"(5万)", -5000000},
		{"3亿", 30000000000},
		{"０.５万", 500000},
	}
	for _, g := range good {
		got, err := ParseAmount(g.text, 2)
		if err != nil || got != g.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", g.text, got, err, g.want)
		}
	}
	bad := []string{"", " ", "12,3.4", "1,23", "abc", "1.2.3", "--5", "(-5)", "1.", "¥", "1e999", "99999999999999999999",
		"万", "1,2万", "1.2345678万", "x万"}
	for _, b := range bad {
		if got, err := ParseAmount(b, 2); err == nil {
			t.Errorf("ParseAmount(%q) = %d, want an error", b, got)
		}
	}
	for _, text := range []string{"0.005", "0.004", "1234.5600000001", "8333.333333", "3.3333333333333335E+02", "1.234E+00"} {
		if got, err := ParseAmount(text, 2); !errors.Is(err, ErrTooPrecise) {
			t.Errorf("ParseAmount(%q) = %d, %v; want ErrTooPrecise (the fen would change)", text, got, err)
		}
	}
	if got, err := ParseAmount("1.234", 3); err != nil || got != 1234 {
		t.Errorf("KWD keeps three decimals: %d, %v", got, err)
	}
	if _, err := ParseAmount("99999999999999999999", 2); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge amount: %v", err)
	}
	if got, _ := ParseAmount("1234", 0); got != 1234 {
		t.Errorf("JPY: %d", got)
	}
	if Decimals("jpy") != 0 || Decimals("CNY") != 2 || Decimals("KWD") != 3 {
		t.Error("currency decimals")
	}
}

func TestFormat(t *testing.T) {
	cases := map[Money]string{123456: "1,234.56", -1200: "-12.00", 5: "0.05", 123456789: "1,234,567.89", 0: "0.00"}
	for m, want := range cases {
		if got := m.Format(2); got != want {
			t.Errorf("%d → %q, want %q", m, got, want)
		}
	}
	if got := Money(1234).Format(0); got != "1,234" {
		t.Errorf("no decimals: %q", got)
	}
}

func TestParseMonth(t *testing.T) {
	cases := []struct {
		text string
		want MonthRef
	}{
		{"Jan", MonthRef{Number: 1}}, {"january", MonthRef{Number: 1}}, {"Sept", MonthRef{Number: 9}},
		{"1月", MonthRef{Number: 1}}, {"12月", MonthRef{Number: 12}}, {"一月", MonthRef{Number: 1}},
		{"十二月", MonthRef{Number: 12}}, {"2026-01", MonthRef{Number: 1, Year: 2026}}, {"2026/3", MonthRef{Number: 3, Year: 2026}},
		{"2026年11月", MonthRef{Number: 11, Year: 2026}}, {"M01", MonthRef{Number: 1}}, {"Month 4", MonthRef{Number: 4}},
		{"P12", MonthRef{Number: 12, Period: true}}, {"Period 3", MonthRef{Number: 3, Period: true}},
		{"46023", MonthRef{Number: 1, Year: 2026}}, {"１月", MonthRef{Number: 1}}, {"3月份", MonthRef{Number: 3}},
	}
	for _, c := range cases {
		got, err := ParseMonth(c.text)
		if err != nil || got != c.want {
			t.Errorf("%q = %+v %v; want %+v", c.text, got, err, c.want)
		}
	}
	for _, text := range []string{"Amount", "金额", "", "Total", "Q1", "Month", "Period", "Memo", "2026-01-15"} {
		if got, err := ParseMonth(text); err != errNotMonth {
			t.Errorf("%q read as %+v, %v; want no month", text, got, err)
		}
	}
	// Shaped like a month but none: refused by name, never dropped.
	for _, text := range []string{"13月", "M13", "P13", "P00", "Month 0", "2026-13", "2026年0月"} {
		if got, err := ParseMonth(text); err == nil || err == errNotMonth {
			t.Errorf("%q = %+v, %v; want an error saying it is no month", text, got, err)
		}
	}
}

func TestParseMonthCell(t *testing.T) {
	cases := []struct {
		text   string
		period bool
		want   MonthRef
	}{
		{"3", false, MonthRef{Number: 3}}, {"11", false, MonthRef{Number: 11}}, {"3", true, MonthRef{Number: 3, Period: true}},
		{"2026-04-15", false, MonthRef{Number: 4, Year: 2026}}, {"2031/4/15", false, MonthRef{Number: 4, Year: 2031}},
		{"46113", false, MonthRef{Number: 4, Year: 2026}}, {"2019-04", false, MonthRef{Number: 4, Year: 2019}},
		{"5月", false, MonthRef{Number: 5}}, {"3.0", false, MonthRef{Number: 3}},
	}
	for _, c := range cases {
		got, err := ParseMonthCell(c.text, c.period)
		if err != nil || got != c.want {
			t.Errorf("%q = %+v %v; want %+v", c.text, got, err, c.want)
		}
	}
	for _, text := range []string{"0", "13", "3.5", "200", "abc", "13月", "-1"} {
		if got, err := ParseMonthCell(text, false); err == nil {
			t.Errorf("%q read as %+v", text, got)
		}
	}
}

func TestFiscalMonth(t *testing.T) {
	april := FiscalYear{Year: 2026, StartMonth: 4}
	cases := []struct {
		m    MonthRef
		want int
	}{
		{MonthRef{Number: 4}, 1}, {MonthRef{Number: 3}, 12}, {MonthRef{Number: 4, Year: 2026}, 1},
		{MonthRef{Number: 3, Year: 2027}, 12}, {MonthRef{Number: 1, Period: true}, 1}, {MonthRef{Number: 12, Period: true}, 12},
	}
	for _, c := range cases {
		if got, err := april.FiscalMonth(c.m); err != nil || got != c.want {
			t.Errorf("%+v = %d %v; want %d", c.m, got, err, c.want)
		}
	}
	for _, m := range []MonthRef{{Number: 3, Year: 2026}, {Number: 4, Year: 2027}, {Number: 4, Year: 2019}, {Number: 4, Year: 2031}} {
		if got, err := april.FiscalMonth(m); err == nil {
			t.Errorf("%+v placed in month %d of a year that runs 2026-04 to 2027-03", m, got)
		}
	}
	if april.MonthLabel(1) != "2026-04" || april.MonthLabel(12) != "2027-03" {
		t.Errorf("labels %s … %s", april.MonthLabel(1), april.MonthLabel(12))
	}
}

func TestIsTotalRow(t *testing.T) {
	for _, s := range []string{"合计", "小计", "总 计", "Total", "Grand total", "SUBTOTAL", "IT 部门合计", "Total:"} {
		if !IsTotalRow(s) {
			t.Errorf("%q not seen as a total", s)
		}
	}
	for _, s := range []string{"Totalview licences", "网上银行", "", "Subscription"} {
		if IsTotalRow(s) {
			t.Errorf("%q seen as a total", s)
		}
	}
}

func TestAllocate(t *testing.T) {
	cases := []struct {
		name    string
		total   Money
		weights []int64
		want    []Money
	}{
		// 100.00 in three: 33.33 each and one cent to the first (ties to the earlier).
		{"even thirds", 10000, []int64{1, 1, 1}, []Money{3334, 3333, 3333}},
		{"largest remainder wins", 1000, []int64{1, 2, 4}, []Money{143, 286, 571}},
		{"credit", -10000, []int64{1, 1, 1}, []Money{-3334, -3333, -3333}},
		{"zero weight gets nothing", 500, []int64{0, 1}, []Money{0, 500}},
		{"huge product is exact", 4_000_000_000_000_00, []int64{3_000_000_000, 1_000_000_000}, []Money{3_000_000_000_000_00, 1_000_000_000_000_00}},
	}
	for _, c := range cases {
		got, err := Allocate(c.total, c.weights)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v %v, want %v", c.name, got, err, c.want)
		}
	}
	for _, w := range [][]int64{nil, {0, 0}, {1, -1}} {
		if _, err := Allocate(100, w); err == nil {
			t.Errorf("weights %v accepted", w)
		}
	}
	if _, err := AllocatePercent(100, []int64{5000, 4000}); err == nil {
		t.Error("percentages adding to 90 % accepted")
	}
	got, _ := AllocatePercent(99999, []int64{3333, 3333, 3334})
	if got[0]+got[1]+got[2] != 99999 {
		t.Errorf("percent allocation does not reconcile: %v", got)
	}
	even, _ := AllocateEven(1, 3)
	if !reflect.DeepEqual(even, []Money{1, 0, 0}) {
		t.Errorf("one fen in three: %v", even)
	}
}

func TestAllocateYearSplitsTheYearEvenlyFirst(t *testing.T) {
	var months [12]Money
	for i := range months {
		months[i] = 200_000_00
	}
	shares, err := AllocateYear(months, []int64{1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, sh := range shares {
		if sum(sh) != 800_000_00 {
			t.Errorf("service %d gets %s for the year; an even split of 2,400,000.00 is 800,000.00", i, sum(sh).Format(2))
		}
	}
	for m := range months {
		if shares[0][m]+shares[1][m]+shares[2][m] != months[m] {
			t.Errorf("month %d does not reconcile", m+1)
		}
	}
	// A credit line is divided the same way, every part a credit.
	credit := [12]Money{-100, -100, -100}
	shares, _ = AllocateYear(credit, []int64{1, 1, 1})
	for i, sh := range shares {
		if sum(sh) != -100 {
			t.Errorf("credit share %d: %v", i, sh)
		}
	}
}

// TestAllocateYearAlwaysReconciles: for any line and weights, every
// month's parts add up to the month, every share's year is its Allocate
// part of the line's year (unless the line mixes charges and credits),
// and no part has the opposite sign of its month.
func TestAllocateYearAlwaysReconciles(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for run := range 3000 {
		var months [12]Money
		mixed := run%5 == 0
		for i := range months {
			if r.IntN(4) > 0 {
				months[i] = Money(r.Int64N(1_000_000_000))
				if mixed && r.IntN(2) == 0 {
					months[i] = -months[i]
				}
			}
		}
		if run%7 == 0 {
			for i := range months {
				months[i] = -months[i]
			}
		}
		n := 1 + r.IntN(12)
		w := make([]int64, n)
		for i := range w {
			w[i] = r.Int64N(1000)
		}
		w[r.IntN(n)]++
		shares, err := AllocateYear(months, w)
		if err != nil {
			t.Fatal(err)
		}
		for m := range months {
			var got Money
			for i := range shares {
				got += shares[i][m]
				if shares[i][m] != 0 && (shares[i][m] < 0) != (months[m] < 0) {
					t.Fatalf("run %d: part %d of month %d has the wrong sign", run, i, m+1)
				}
			}
			if got != months[m] {
				t.Fatalf("run %d: month %d gives %d of %d", run, m+1, got, months[m])
			}
		}
		want, _ := Allocate(sum(months), w)
		signs := map[bool]bool{}
		for _, m := range months {
			if m != 0 {
				signs[m < 0] = true
			}
		}
		if len(signs) < 2 {
			for i := range shares {
				if sum(shares[i]) != want[i] {
					t.Fatalf("run %d: share %d's year %d, want %d", run, i, sum(shares[i]), want[i])
				}
			}
		}
	}
}

func TestAllocationAlwaysReconciles(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		n := 1 + r.IntN(40)
		w := make([]int64, n)
		for i := range w {
			w[i] = r.Int64N(1_000_000)
		}
		w[0]++
		total := Money(r.Int64N(1_000_000_000_00) - 500_000_000_00)
		parts, err := Allocate(total, w)
		if err != nil {
			t.Fatal(err)
		}
		var sum Money
		for _, p := range parts {
			sum += p
		}
		if sum != total {
			t.Fatalf("allocation of %d sums to %d", total, sum)
		}
	}
}

func TestVarianceOutturnRunRate(t *testing.T) {
	var y Year
	for i := range y.Months {
		y.Months[i] = Month{Budget: 100_000_00, Allocated: 20_000_00}
	}
	y.Months[0].Actual = 110_000_00
	y.Months[1].Actual = 130_000_00
	y.Months[2].Actual = 120_000_00
	y.Months[3].Forecast = 150_000_00
	y.Closed = 3
	ytd := y.YTD()
	// Planned 360,000.00 to date, spent 360,000.00: no variance to date.
	if ytd.Planned() != 360_000_00 || ytd.Variance() != 0 {
		t.Errorf("YTD planned %d variance %d", ytd.Planned(), ytd.Variance())
	}
	if v := y.Months[1]; v.Variance() != 10_000_00 || v.VariancePercent() < 8.33 || v.VariancePercent() > 8.34 {
		t.Errorf("February variance %d (%.2f %%)", v.Variance(), v.VariancePercent())
	}
	// Outturn: 360,000 actual + 150,000 forecast (April) + 8 × 120,000 plan.
	if got := y.Outturn(); got != (360_000+150_000+8*120_000)*100 {
		t.Errorf("outturn %s", got.Format(2))
	}
	if got := y.RunRate(); got != 1_440_000_00 {
		t.Errorf("run rate %s", got.Format(2))
	}
	if (Year{}).RunRate() != 0 || (Month{}).VariancePercent() != 0 {
		t.Error("empty year or month")
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"¥1,234.56", "(1,234.56)", "1.2345E+03", "12,3.4", "１，２３４", "-0", "9999999999999999", "1.2万元", "3亿"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseAmount(s, 2)
		if err != nil {
			return
		}
		if m >= maxUnits || m <= -maxUnits {
			t.Fatalf("%q gives %d, out of range", s, m)
		}
		// What Format writes, ParseAmount reads back.
		back, err := ParseAmount(m.Format(2), 2)
		if err != nil || back != m {
			t.Fatalf("%q → %d → %q → %d, %v", s, m, m.Format(2), back, err)
		}
	})
}

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"Jan", "1月", "2026-01", "M01", "46023", "十二月", "13月", "P00"} {
		f.Add(s)
	}
	fy := FiscalYear{Year: 2026, StartMonth: 4}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err == nil && (m.Number < 1 || m.Number > 12 || m.Year != 0 && (m.Year < 1900 || m.Year > 2200)) {
			t.Fatalf("%q gives %+v", s, m)
		}
		if err == nil {
			if fm, err := fy.FiscalMonth(m); err == nil && (fm < 1 || fm > 12) {
				t.Fatalf("%q placed in fiscal month %d", s, fm)
			}
		}
	})
}

// FuzzParseMonthCell: the month column of a long layout. Whatever the
// cell, it is a month 1–12 of some year, or refused.
func FuzzParseMonthCell(f *testing.F) {
	for _, s := range []string{"3", "11", "2026-04-15", "46113", "2019-04", "0", "13", "3.5", "P13"} {
		f.Add(s, false)
	}
	fy := FiscalYear{Year: 2026, StartMonth: 4}
	f.Fuzz(func(t *testing.T, s string, period bool) {
		m, err := ParseMonthCell(s, period)
		if err != nil {
			return
		}
		if m.Number < 1 || m.Number > 12 {
			t.Fatalf("%q gives month %d", s, m.Number)
		}
		if fm, err := fy.FiscalMonth(m); err == nil && (fm < 1 || fm > 12 || m.Year != 0 && fy.MonthLabel(fm) != fmt.Sprintf("%d-%02d", m.Year, m.Number)) {
			t.Fatalf("%q (%+v) placed in fiscal month %d (%s)", s, m, fm, fy.MonthLabel(fm))
		}
	})
}

// BenchmarkAllocate1000x500: allocating 500 indirect-cost pool lines to
// 1,000 services by driver weights (goal ≤ 100 ms).
func BenchmarkAllocate1000x500(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	weights := make([]int64, 1000)
	for i := range weights {
		weights[i] = 1 + r.Int64N(5000)
	}
	lines := make([]Money, 500)
	for i := range lines {
		lines[i] = Money(r.Int64N(10_000_000_00))
	}
	for b.Loop() {
		for _, total := range lines {
			if _, err := Allocate(total, weights); err != nil {
				b.Fatal(err)
			}
		}
	}
}
