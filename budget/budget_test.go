package budget

import (
	"errors"
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
		{"0.005", 1}, // half away from zero
		{"0.004", 0},
		{"1234.5600000001", 123456},
		{"1.2345E+03", 123450},
		{"12元", 1200},
		{"RMB 8,000.00", 800000},
		{".5", 50},
		{"+7", 700},
	}
	for _, g := range good {
		got, err := ParseAmount(g.text, 2)
		if err != nil || got != g.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", g.text, got, err, g.want)
		}
	}
	bad := []string{"", " ", "12,3.4", "1,23", "abc", "1.2.3", "--5", "(-5)", "1.", "¥", "1e999", "99999999999999999999"}
	for _, b := range bad {
		if got, err := ParseAmount(b, 2); err == nil {
			t.Errorf("ParseAmount(%q) = %d, want an error", b, got)
		}
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

func TestParseMonthHeader(t *testing.T) {
	cases := []struct {
		text        string
		month, year int
	}{
		{"Jan", 1, 0}, {"january", 1, 0}, {"Sept", 9, 0}, {"1月", 1, 0}, {"12月", 12, 0}, {"一月", 1, 0},
		{"十二月", 12, 0}, {"2026-01", 1, 2026}, {"2026/3", 3, 2026}, {"2026年11月", 11, 2026}, {"M01", 1, 0},
		{"P12", 12, 0}, {"46023", 1, 2026}, {"１月", 1, 0}, {"3月份", 3, 0},
	}
	for _, c := range cases {
		m, y, ok := ParseMonthHeader(c.text)
		if !ok || m != c.month || y != c.year {
			t.Errorf("%q = %d/%d %v; want %d/%d", c.text, m, y, ok, c.month, c.year)
		}
	}
	for _, text := range []string{"Amount", "金额", "13月", "M13", "2026-13", "", "Total", "Q1"} {
		if m, y, ok := ParseMonthHeader(text); ok {
			t.Errorf("%q read as month %d/%d", text, m, y)
		}
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
	for _, s := range []string{"¥1,234.56", "(1,234.56)", "1.2345E+03", "12,3.4", "１，２３４", "-0", "9999999999999999"} {
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

func FuzzParseMonthHeader(f *testing.F) {
	for _, s := range []string{"Jan", "1月", "2026-01", "M01", "46023", "十二月"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, y, ok := ParseMonthHeader(s)
		if ok && (m < 1 || m > 12 || y != 0 && (y < 1900 || y > 2200)) {
			t.Fatalf("%q gives %d/%d", s, m, y)
		}
		ParseDate(s)
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
