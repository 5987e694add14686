package capacity

import (
	"math"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// The reference values below are what R 4.2 (stats::HoltWinters, lm)
// prints for testdata/reference.R: Rscript capacity/testdata/reference.R.

var storage = []float64{402, 405, 411, 409, 416, 421, 419, 427, 433, 431, 438, 444, 441, 449, 455, 452, 460, 466, 463, 471, 478, 475, 483, 489}

var weekly = []float64{60, 72, 75, 74, 73, 50, 45, 62, 75, 77, 76, 74, 52, 47, 64, 77, 80, 78, 77, 54, 49,
	66, 79, 82, 81, 79, 56, 51, 69, 81, 84, 83, 82, 58, 53}

func near(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) < len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i, w := range want {
		if math.Abs(got[i]-w) > tol*math.Max(1, math.Abs(w)) {
			t.Errorf("%s[%d] = %.9f, R says %.9f", what, i, got[i], w)
		}
	}
}

// upper is mean + z·sd at 95 %.
func upper(mean, sd []float64) []float64 {
	z := distuv.UnitNormal.Quantile(0.975)
	out := make([]float64, len(mean))
	for i := range mean {
		out[i] = mean[i] + z*sd[i]
	}
	return out
}

// TestHoltMatchesR: with R's parameters, the same smoothing to the last
// digit; with parameters fitted, the same optimum's forecast.
func TestHoltMatchesR(t *testing.T) {
	m := &holtWinters{}
	m.prepare(storage)
	sse := m.run(storage, 0.5, 0.2, 0, true)
	near(t, "SSE", []float64{sse}, []float64{280.898242824112}, 1e-9)
	near(t, "level, trend", []float64{m.level, m.trend}, []float64{487.379473599425, 4.08678992949585}, 1e-9)
	mean, sd := m.forecast(5)
	near(t, "forecast", mean, []float64{491.466263528921, 495.553053458417, 499.639843387913, 503.726633317409, 507.813423246905}, 1e-9)
	near(t, "upper 95 %", upper(mean, sd), []float64{498.565678063601, 503.832322385073, 509.296091130186, 514.929320493738, 520.710150204789}, 1e-9)

	fitted := &holtWinters{}
	if err := fitted.fit(storage); err != nil {
		t.Fatal(err)
	}
	// R's optimum lies on the box's edge (β = 1); its SSE is matched.
	near(t, "fitted SSE", []float64{fitted.run(storage, fitted.alpha, fitted.beta, 0, false)}, []float64{197.604599786939}, 1e-3)
	mean, _ = fitted.forecast(5)
	near(t, "fitted forecast", mean, []float64{489.9145989796, 493.727697284696, 497.540795589793, 501.35389389489, 505.166992199987}, 1e-3)
}

// TestHoltWintersMatchesR: the weekly season, started as R starts it (a
// decomposition of the first two weeks).
func TestHoltWintersMatchesR(t *testing.T) {
	m := &holtWinters{period: 7}
	m.prepare(weekly)
	sse := m.run(weekly, 0.4, 0.1, 0.3, true)
	near(t, "SSE", []float64{sse}, []float64{8.94835562324532}, 1e-9)
	near(t, "level, trend", []float64{m.level, m.trend}, []float64{73.6078868750959, 0.301167225757377}, 1e-9)
	near(t, "season", m.season, []float64{-3.24735554967559, 9.25384434232718, 11.4442640992367, 9.89064861858414, 8.27353239559734, -15.1490591279934, -20.373377364209}, 1e-9)
	mean, sd := m.forecast(10)
	near(t, "forecast", mean, []float64{70.6616985511777, 83.4640656689378, 85.9556526516047, 84.7032043967095, 83.3872553994801, 60.2658311016468, 55.3426800911885, 72.7698691314793, 85.5722362492394, 88.0638232319063}, 1e-9)
	near(t, "upper 95 %", upper(mean, sd), []float64{71.7894381943547, 84.696143809501, 87.3014009582271, 86.1711731747196, 84.9853066437174, 62.0012315142933, 57.2221860160735, 74.8848545600493, 87.8377301851818, 90.486023171904}, 1e-9)

	fitted := &holtWinters{period: 7}
	if err := fitted.fit(weekly); err != nil {
		t.Fatal(err)
	}
	got := fitted.run(weekly, fitted.alpha, fitted.beta, fitted.gamma, false)
	if got > 8.2590933380249*1.001 {
		t.Errorf("fitted SSE %.6f, R found 8.259093", got)
	}
	mean, _ = fitted.forecast(10)
	near(t, "fitted forecast", mean, []float64{70.8485127903846, 83.5389632776946, 86.253092601593, 85.0432068957987, 83.6732734990733, 60.4141714743365, 55.4715198987255, 73.08337800959, 85.7738284969, 88.4879578207984}, 5e-3)
}

// TestLinearMatchesR: lm's line and prediction interval.
func TestLinearMatchesR(t *testing.T) {
	m := &linear{}
	if err := m.fit(storage); err != nil {
		t.Fatal(err)
	}
	near(t, "coefficients", []float64{m.a, m.b}, []float64{400.77, 3.69391304347826}, 1e-9)
	mean, sd := m.forecast(3)
	near(t, "forecast", mean, []float64{489.423913043478, 493.117826086957, 496.811739130435}, 1e-9)
	near(t, "upper 95 %", upper(mean, sd), []float64{495.469311736156, 499.220984677737, 502.976495499854}, 1e-9)
}

func daily(values []float64) Series {
	return Series{Start: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Step: 24 * time.Hour, Values: values}
}

// TestPredictChoosesByHoldOut: a weekly pattern is best forecast with its
// season, a straight line with a line; the error is reported.
func TestPredictChoosesByHoldOut(t *testing.T) {
	var seasonal []float64
	for range 10 {
		seasonal = append(seasonal, weekly...) // 350 days of the same weeks…
	}
	for i := range seasonal {
		seasonal[i] += float64(i) * 0.05 // …growing slowly
	}
	f, err := Predict(daily(seasonal), 30)
	if err != nil {
		t.Fatal(err)
	}
	if f.Method != MethodHoltWinters || f.Season != 7 {
		t.Errorf("a weekly series was forecast by %s (season %d); compared %v", f.Method, f.Season, f.Compared)
	}
	if f.RMSE <= 0 || math.IsNaN(f.MAPE) || len(f.Mean) != 30 || f.Lower[0] >= f.Mean[0] || f.Upper[0] <= f.Mean[0] {
		t.Errorf("forecast: RMSE %v, MAPE %v, %d steps, band %v…%v", f.RMSE, f.MAPE, len(f.Mean), f.Lower[0], f.Upper[0])
	}
	var line []float64
	for i := range 60 {
		line = append(line, 100+2*float64(i))
	}
	f, err = Predict(daily(line), 10)
	if err != nil {
		t.Fatal(err)
	}
	if f.RMSE > 1e-6 || math.Abs(f.Mean[9]-(100+2*69)) > 1e-6 {
		t.Errorf("a straight line: %s, RMSE %v, 10 days on %v", f.Method, f.RMSE, f.Mean[9])
	}
}

// TestTimeToThreshold: reached on a date, already past, or never within
// the horizon — each said as such.
func TestTimeToThreshold(t *testing.T) {
	var line []float64
	for i := range 30 {
		line = append(line, 50+float64(i)) // 50 … 79, one a day
	}
	f, err := PredictWith(daily(line), MethodLinear, 60)
	if err != nil {
		t.Fatal(err)
	}
	r := f.TimeTo(90)
	last := daily(line).At(29)
	if r.Already || r.Never || !r.At.Equal(last.Add(11*24*time.Hour)) || r.In != 11*24*time.Hour {
		t.Errorf("90 is reached %+v, want 11 days after %s", r, last)
	}
	if r := f.TimeTo(70); !r.Already || !r.At.Equal(last) {
		t.Errorf("70 is passed already: %+v", r)
	}
	if r := f.TimeTo(1000); !r.Never {
		t.Errorf("1000 within 60 days: %+v", r)
	}
}

// TestRegularSeries: samples at any spacing become one value per step:
// the mean of a step's samples, a straight line over a gap.
func TestRegularSeries(t *testing.T) {
	day := func(d int, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.UTC) }
	s, err := Regular([]Sample{
		{day(3, 9), 30}, {day(1, 8), 10}, {day(1, 20), 20}, // out of order; two on the 1st
		{day(2, 9), 25}, {day(6, 9), 60}, // the 4th and 5th missing
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Step != 24*time.Hour || !s.Start.Equal(day(1, 0)) {
		t.Fatalf("step %s from %s", s.Step, s.Start)
	}
	near(t, "values", s.Values, []float64{15, 25, 30, 40, 50, 60}, 1e-12)
	if _, err := Regular([]Sample{{day(1, 0), 1}}); err != ErrTooFew {
		t.Errorf("one sample: %v", err)
	}
	if _, err := Regular([]Sample{{day(1, 0), 1}, {day(2, 0), math.NaN()}}); err == nil {
		t.Error("a NaN sample was taken")
	}
	hourly, _ := Regular([]Sample{{day(1, 0), 1}, {day(1, 1), 2}, {day(1, 2), 3}})
	if hourly.Step != time.Hour || len(hourly.Values) != 3 {
		t.Errorf("hourly samples: step %s, %d values", hourly.Step, len(hourly.Values))
	}
}

// TestNelderMeadFindsTheMinimum: Rosenbrock's valley, the classic hard
// case, from its classic start.
func TestNelderMeadFindsTheMinimum(t *testing.T) {
	rosenbrock := func(x []float64) float64 {
		return 100*(x[1]-x[0]*x[0])*(x[1]-x[0]*x[0]) + (1-x[0])*(1-x[0])
	}
	got := nelderMead(rosenbrock, []float64{-1.2, 1}, 0.5, 1e-14, 5000)
	near(t, "minimum", got, []float64{1, 1}, 1e-4)
}

// TestPredictManyIsPredictEach: the forecasts made in parallel are those
// made one by one.
func TestPredictManyIsPredictEach(t *testing.T) {
	series := []Series{twoYears(1), twoYears(2), daily(storage), {}}
	many, errs := PredictMany(series, 30)
	for i, s := range series {
		one, err := Predict(s, 30)
		if (err == nil) != (errs[i] == nil) || (err == nil && (one.Method != many[i].Method || one.Mean[29] != many[i].Mean[29])) {
			t.Errorf("series %d: alone %s %v, among many %s %v", i, one.Method, err, many[i].Method, errs[i])
		}
	}
}

// TestYearlySeason: three and a half years of daily use that swells every
// year (a quarter more at the year-end peak) is forecast with a yearly
// season, which the hold-out prefers to a line and the weekly season; its
// forecast of the next half year follows the swell, which a line misses.
// Two years are not enough: the yearly season is not tried.
func TestYearlySeason(t *testing.T) {
	truth := func(i int) float64 { return 500 + 0.05*float64(i) + 60*math.Cos(2*math.Pi*float64(i)/365) }
	values := make([]float64, 1278)
	for i := range values {
		values[i] = truth(i) + 3*math.Sin(float64(i)*1.7)
	}
	f, err := Predict(daily(values), 180)
	if err != nil {
		t.Fatal(err)
	}
	if f.Method != MethodHoltWintersYearly || f.Season != 365 {
		t.Fatalf("method %s (season %d), compared %v", f.Method, f.Season, f.Compared)
	}
	if f.Compared[MethodHoltWintersYearly] >= f.Compared[MethodLinear] {
		t.Errorf("hold-out errors: %v", f.Compared)
	}
	worst := 0.0
	for i, m := range f.Mean {
		worst = math.Max(worst, math.Abs(m-truth(len(values)+i)))
	}
	if worst > 20 {
		t.Errorf("the yearly forecast strays %.1f from the swell", worst)
	}
	if MethodWords(f.Method, f.Season) != "trend and yearly season (Holt-Winters)" {
		t.Errorf("words: %q", MethodWords(f.Method, f.Season))
	}
	two, err := Predict(daily(values[:730]), 180)
	if err != nil {
		t.Fatal(err)
	}
	if _, tried := two.Compared[MethodHoltWintersYearly]; tried {
		t.Errorf("two years tried a yearly season: %v", two.Compared)
	}
}
