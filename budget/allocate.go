package budget

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Allocate divides total among shares in proportion to their weights so
// that the parts add up to total exactly: each part is rounded down and the
// units left over go, one each, to the largest remainders (Hamilton's
// method), ties to the earlier share. Weights must not be negative and not
// all zero. A negative total (a credit) is divided the same way.
//
// The arithmetic is exact 128-bit integer arithmetic: total × weight can
// exceed 64 bits long before either does.
func Allocate(total Money, weights []int64) ([]Money, error) {
	if len(weights) == 0 {
		return nil, fmt.Errorf("nothing to allocate to")
	}
	var sum uint64
	for i, w := range weights {
		if w < 0 {
			return nil, fmt.Errorf("weight %d is negative", i+1)
		}
		var carry uint64
		sum, carry = bits.Add64(sum, uint64(w), 0)
		if carry != 0 || sum > math.MaxInt64 {
			return nil, fmt.Errorf("the weights are too large to add up")
		}
	}
	if sum == 0 {
		return nil, fmt.Errorf("every weight is zero")
	}
	negative := total < 0
	t := uint64(total)
	if negative {
		t = uint64(-total)
	}
	parts := make([]Money, len(weights))
	rems := make([]uint64, len(weights))
	order := make([]int, len(weights))
	var given uint64
	for i, w := range weights {
		hi, lo := bits.Mul64(t, uint64(w))
		// hi < sum always holds: the quotient is at most t.
		q, r := bits.Div64(hi, lo, sum)
		parts[i] = Money(q)
		given += q
		rems[i] = r
		order[i] = i
	}
	if left := t - given; left > 0 {
		// Largest remainder first, then the earlier share: a total order,
		// so an unstable sort gives the same answer every time.
		slices.SortFunc(order, func(a, b int) int {
			if c := cmp.Compare(rems[b], rems[a]); c != 0 {
				return c
			}
			return a - b
		})
		for k := uint64(0); k < left; k++ {
			parts[order[k]]++
		}
	}
	if negative {
		for i := range parts {
			parts[i] = -parts[i]
		}
	}
	return parts, nil
}

// AllocateEven divides total into n equal parts, to the unit.
func AllocateEven(total Money, n int) ([]Money, error) {
	w := make([]int64, n)
	for i := range w {
		w[i] = 1
	}
	return Allocate(total, w)
}

// AllocatePercent divides total by fixed percentages given in basis points
// (hundredths of a percent), which must add up to 100 %.
func AllocatePercent(total Money, basisPoints []int64) ([]Money, error) {
	var sum int64
	for _, b := range basisPoints {
		sum += b
	}
	if sum != 10000 {
		return nil, fmt.Errorf("the percentages add up to %s %%, not 100 %%", Money(sum).Format(2))
	}
	return Allocate(total, basisPoints)
}

// AllocateYear divides a line's twelve monthly amounts among shares so that
// both ways of adding up reconcile to the unit: each share's year is its
// largest-remainder part of the line's year (an even split of 2,400,000.00
// over three is 800,000.00 each, not .04/.04/.92), and each month's parts
// add up to that month's amount. Months are phased in order, each divided
// in proportion to what every share still has to receive; the last month
// takes exactly what is left. A line whose months mix charges and credits
// cannot keep both totals and every part of one sign, so it is divided
// month by month (each month and the line still reconcile).
func AllocateYear(months [12]Money, weights []int64) ([][12]Money, error) {
	out := make([][12]Money, len(weights))
	positive, negative := false, false
	for _, m := range months {
		positive = positive || m > 0
		negative = negative || m < 0
	}
	if positive && negative {
		for m, amount := range months {
			if amount == 0 {
				continue
			}
			parts, err := Allocate(amount, weights)
			if err != nil {
				return nil, err
			}
			for i, p := range parts {
				out[i][m] = p
			}
		}
		return out, nil
	}
	year, err := Allocate(sum(months), weights)
	if err != nil {
		return nil, err
	}
	left := make([]int64, len(year)) // what each share has still to receive, as a weight
	for i, y := range year {
		left[i] = int64(y)
		if negative {
			left[i] = -left[i]
		}
	}
	for m, amount := range months {
		if amount == 0 {
			continue
		}
		parts, err := Allocate(amount, left)
		if err != nil {
			return nil, err
		}
		for i, p := range parts {
			out[i][m] = p
			if negative {
				left[i] += int64(p)
			} else {
				left[i] -= int64(p)
			}
		}
	}
	return out, nil
}
