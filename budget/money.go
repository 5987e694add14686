// Package budget holds service budgets and accounting (ISO/IEC 20000-1 2011
// §6.4, 2018 §8.4.1): money in minor units, the amounts and month headers
// finance spreadsheets contain, allocation of indirect costs to services,
// and variance against budget.
//
// Money is never a float: an amount is an integer count of minor units
// (fen, cents) of its currency.
package budget

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/text/width"
)

// Money is an amount in minor units of a currency (fen for CNY).
type Money int64

// Decimals returns how many minor-unit digits a currency has (ISO 4217):
// 0 for JPY and KRW, 2 for most others.
func Decimals(currency string) int {
	switch strings.ToUpper(currency) {
	case "JPY", "KRW", "VND", "CLP", "ISK":
		return 0
	case "BHD", "KWD", "OMR", "JOD", "TND":
		return 3
	}
	return 2
}

// Errors from ParseAmount, for callers that word their own messages.
var (
	ErrNotAmount = errors.New("not an amount")
	ErrTooLarge  = errors.New("too large")
	// ErrTooPrecise is an amount with more decimals than its currency
	// keeps (333.333 yuan): storing it would change the money.
	ErrTooPrecise = errors.New("has more decimals than the currency keeps")
)

// maxUnits bounds amounts to what float-free arithmetic keeps exact with
// room for sums: about 9 × 10^15 fen is 90 trillion yuan.
const maxUnits = 1 << 53

// currencyMarks strips the currency marks and words people put anywhere in
// an amount; built once, since a replacer builds its tables when made.
var currencyMarks = strings.NewReplacer("¥", "", "￥", "", "$", "", "€", "", "£", "", "元", "", "RMB", "", "CNY", "", "USD", "", "EUR", "", " ", "", "\u00a0", "")

// ParseAmount reads an amount as finance spreadsheets hold it, into minor
// units with decimals digits: "¥1,234.56", "￥ 1,234.56", "$-12", "€3.5",
// "(1,234.56)" and "-1,234.56" (negative), "1234.5" and "1.2345E+03"
// (numbers stored as text or raw cell values), "１，２３４" (full-width).
// Thousands separators must group by three. An amount with more decimals
// than the currency keeps is refused with ErrTooPrecise (money in must equal
// money stored), except the binary noise of a spreadsheet's doubles:
// "1234.5600000000002" is 1234.56.
// An empty text is not an amount: the caller decides whether blank means 0.
func ParseAmount(text string, decimals int) (Money, error) {
	t := strings.TrimSpace(width.Fold.String(text))
	if t == "" {
		return 0, ErrNotAmount
	}
	negative := false
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		negative, t = true, strings.TrimSpace(t[1:len(t)-1])
	}
	// Currency marks and words, wherever people put them.
	t = currencyMarks.Replace(t)
	t = strings.TrimSpace(t)
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "−") {
		if negative {
			return 0, ErrNotAmount
		}
		negative = true
		t = strings.TrimPrefix(strings.TrimPrefix(t, "-"), "−")
	}
	if strings.HasPrefix(t, "+") {
		t = t[1:]
	}
	if t == "" {
		return 0, ErrNotAmount
	}
	// 12万, 1.2万元, 3亿: Chinese finance staff write amounts in units of
	// ten thousand and of a hundred million. The decimal point moves; the
	// digits stay, so 1.23456万 is 12,345.6 exactly.
	for suffix, places := range map[string]int{"万": 4, "亿": 8} {
		if number, ok := strings.CutSuffix(t, suffix); ok && number != "" && !strings.Contains(number, ",") {
			shifted, ok := shiftDecimal(number, places)
			if !ok {
				return 0, ErrNotAmount
			}
			t = shifted
			break
		}
	}
	sign := ""
	if negative {
		sign = "-"
	}
	if strings.ContainsAny(t, "eE") {
		// Raw numeric cell values can come in scientific notation.
		f, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, ErrNotAmount
		}
		if math.Abs(f) >= maxUnits {
			return 0, ErrTooLarge
		}
		return ParseAmount(sign+withoutNoise(f), decimals)
	}
	intPart, frac, hasFrac := strings.Cut(t, ".")
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, ErrNotAmount
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrNotAmount
			}
		}
		intPart = strings.Join(groups, "")
	}
	if intPart == "" {
		intPart = "0"
	}
	if !allDigits(intPart) || hasFrac && (frac == "" || !allDigits(frac)) {
		return 0, ErrNotAmount
	}
	if len(intPart) > 16 {
		return 0, ErrTooLarge
	}
	units, _ := strconv.ParseInt(intPart, 10, 64)
	for i := 0; i < decimals; i++ {
		units *= 10
	}
	if extra := frac[min(len(frac), decimals):]; strings.Trim(extra, "0") != "" {
		// A double holds 15 significant digits; what comes after them is
		// the noise of binary fractions, not money.
		if len(strings.TrimLeft(intPart+frac, "0")) <= 15 {
			return 0, ErrTooPrecise
		}
		f, _ := strconv.ParseFloat(intPart+"."+frac, 64)
		return ParseAmount(sign+withoutNoise(f), decimals)
	}
	var fracUnits int64
	for i := 0; i < decimals; i++ {
		fracUnits *= 10
		if i < len(frac) {
			fracUnits += int64(frac[i] - '0')
		}
	}
	units += fracUnits
	if units >= maxUnits {
		return 0, ErrTooLarge
	}
	if negative {
		units = -units
	}
	return Money(units), nil
}

// withoutNoise writes f with the 15 significant digits a double holds, in
// plain decimal notation.
func withoutNoise(f float64) string {
	clean, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(math.Abs(clean), 'f', -1, 64)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Format writes an amount with thousands separators: 1,234.56, -12.00.
func (m Money) Format(decimals int) string {
	n := int64(m)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	div := int64(1)
	for i := 0; i < decimals; i++ {
		div *= 10
	}
	whole := strconv.FormatInt(n/div, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if decimals > 0 {
		fmt.Fprintf(&b, ".%0*d", decimals, n%div)
	}
	return sign + b.String()
}

// shiftDecimal multiplies a plain decimal number (digits, at most one
// point) by 10^places by moving its point: exact, unlike a float.
func shiftDecimal(number string, places int) (string, bool) {
	intPart, frac, _ := strings.Cut(number, ".")
	if intPart == "" {
		intPart = "0"
	}
	if !allDigits(intPart) || (frac != "" && !allDigits(frac)) {
		return "", false
	}
	for len(frac) < places {
		frac += "0"
	}
	intPart, frac = intPart+frac[:places], frac[places:]
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	if frac == "" {
		return intPart, true
	}
	return intPart + "." + frac, true
}
