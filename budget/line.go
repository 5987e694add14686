package budget

import (
	"fmt"
	"strings"

	"golang.org/x/text/width"
)

// Category is what a cost is, in the standard's terms.
type Category string

// Cost categories (ISO/IEC 20000-1 §6.4).
const (
	Assets     Category = "assets"
	Licences   Category = "licences"
	Resources  Category = "resources" // shared resources
	Overheads  Category = "overheads"
	External   Category = "external" // externally supplied services
	People     Category = "people"
	Facilities Category = "facilities"
)

// Categories lists them in the standard's order.
var Categories = []Category{Assets, Licences, Resources, Overheads, External, People, Facilities}

var categoryWords = map[Category][]string{
	Assets:     {"assets", "asset", "hardware", "资产", "硬件", "设备"},
	Licences:   {"licences", "licenses", "licence", "license", "software", "许可证", "软件", "软件许可"},
	Resources:  {"resources", "shared resources", "resource", "资源", "共享资源"},
	Overheads:  {"overheads", "overhead", "管理费用", "管理费", "间接费用"},
	External:   {"external", "external services", "externally supplied services", "outsourcing", "外部服务", "外部提供的服务", "外包"},
	People:     {"people", "staff", "personnel", "salaries", "人员", "人工", "人力成本", "人员费用"},
	Facilities: {"facilities", "facility", "data centre", "设施", "机房", "场地"},
}

// ParseCategory reads a category in English or Chinese.
func ParseCategory(text string) (Category, error) {
	t := strings.ToLower(strings.TrimSpace(width.Fold.String(text)))
	for c, words := range categoryWords {
		for _, w := range words {
			if t == w {
				return c, nil
			}
		}
	}
	return "", fmt.Errorf("%q is not a cost category; use assets, licences, resources, overheads, external, people or facilities (资产、许可证、资源、管理费用、外部服务、人员、设施)", text)
}

// Line is a budget line: a direct cost of a service, or an indirect cost
// pool to be allocated to services.
type Line struct {
	ID          int64
	ServiceRef  string // "" for a pool
	ServiceName string
	Pool        string // "" for a direct cost
	Category    Category
	Capex       bool
	CostCentre  string
	GLAccount   string // text: leading zeros matter
	Description string
	Supplier    string
	Version     string // original, revised, forecast
	Status      string // proposed, approved
	Amounts     [12]Money
}

// Total is the line's amount for the year.
func (l Line) Total() Money { return sum(l.Amounts) }

func sum(months [12]Money) Money {
	var t Money
	for _, m := range months {
		t += m
	}
	return t
}

// Phase spreads an annual amount over twelve months, evenly or by a
// profile of twelve weights (percentages), to the unit.
func Phase(annual Money, profile []int64) ([12]Money, error) {
	var out [12]Money
	if profile == nil {
		profile = []int64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	}
	if len(profile) != 12 {
		return out, fmt.Errorf("a monthly profile has 12 figures, not %d", len(profile))
	}
	parts, err := Allocate(annual, profile)
	if err != nil {
		return out, err
	}
	copy(out[:], parts)
	return out, nil
}
