// Package cmdb holds the configuration management database: CI types and
// their attribute definitions, configuration items, relations between them,
// impact analysis, history, baselines and search.
//
// Types, validation and calculations here are pure; SQL lives in store.go.
package cmdb

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"

	"servicebook/store"
)

// Status is where a CI is in its life.
type Status string

// The CI statuses. Retired CIs stay in the CMDB for history and baselines.
const (
	StatusPlanned     Status = "planned"
	StatusInService   Status = "in_service"
	StatusMaintenance Status = "maintenance"
	StatusRetired     Status = "retired"
)

// Statuses lists every status in life-cycle order.
var Statuses = []Status{StatusPlanned, StatusInService, StatusMaintenance, StatusRetired}

// Label returns the status in English words.
func (s Status) Label() string { return statusWords[s][0] }

// LabelZh returns the status in Chinese, as ParseStatus reads it back.
func (s Status) LabelZh() string { return statusZh[s] }

var statusZh = map[Status]string{StatusPlanned: "计划中", StatusInService: "运行中", StatusMaintenance: "维护中", StatusRetired: "已退役"}

// statusWords holds, per status, the English label first and then every
// spelling a person may type or find in a spreadsheet, Chinese included.
var statusWords = map[Status][]string{
	StatusPlanned:     {"planned", "plan", "计划", "计划中", "规划", "规划中"},
	StatusInService:   {"in service", "in_service", "inservice", "active", "live", "production", "运行", "运行中", "在用", "使用中", "生产"},
	StatusMaintenance: {"under maintenance", "maintenance", "维护", "维护中"},
	StatusRetired:     {"retired", "decommissioned", "退役", "已退役", "报废", "下线"},
}

// statusByWord and kindByWord map every folded spelling to its value; they
// are built once because an import looks up a status on every row.
var statusByWord, kindByWord = foldedLookup(statusWords), foldedLookup(kindWords)

func foldedLookup[T comparable](words map[T][]string) map[string]T {
	out := map[string]T{}
	for v, spellings := range words {
		for _, w := range spellings {
			out[normalizeWord(w)] = v
		}
	}
	return out
}

// Messages about CI values, as English templates (see store.Msg). The
// window translates them; Messages lists them for the translation check.
const (
	MsgNameRequired = "a CI needs a name"
	MsgTooLong      = "is {{.Len}} characters long; the limit is {{.Max}}"
	MsgNotStatus    = `"{{.Value}}" is not a status; use planned, in service, under maintenance or retired`
	MsgNotKind      = `"{{.Value}}" is not a relation kind; use one of: depends on, runs on, hosted in, connects to, part of, backed up by, supplied by`
	MsgCriticality  = "{{.Value}} is out of range; use 1 (highest) to 4 (lowest)"
	MsgNotAttribute = `is not an attribute of type "{{.Type}}"`
	MsgGivenTwice   = `is given twice (as "{{.A}}" and "{{.B}}")`
	MsgRequired     = `is required for type "{{.Type}}"`
	MsgNotNumber    = `"{{.Value}}" is not a number`
	MsgNotBool      = `"{{.Value}}" is not yes or no`
	MsgNotChoice    = `"{{.Value}}" is not one of: {{.Choices}}`
	MsgNotRef       = `"{{.Value}}" is not a CI reference like CI-000123`
	MsgRefMissing   = "{{.Ref}} does not exist"
	MsgNotDate      = `"{{.Value}}" is not a date; write it as 2026-03-01`
	MsgNotType      = `"{{.Value}}" is not a CI type; known types: {{.Types}}`

	// Import messages.
	MsgNoHeader          = "no sheet has a header row with the columns Type and Name (类型, 名称), or From, Kind and To (源, 关系, 目标)"
	MsgTypeRequired      = "a CI needs a type"
	MsgRefNotHere        = "{{.Ref}} is not in this database; clear the cell to create a new CI"
	MsgDuplicateCI       = "the same CI is already on row {{.Row}}"
	MsgNotCriticality    = `"{{.Value}}" is not a criticality; use 1 (highest) to 4 (lowest)`
	MsgNoSuchName        = `no CI is named "{{.Name}}", in this database or in the file`
	MsgAmbiguousName     = `{{.Count}} CIs are named "{{.Name}}" ({{.Refs}}); use the reference instead`
	MsgSelfRelation      = "a CI cannot relate to itself"
	MsgDuplicateRelation = "the same relation is already on row {{.Row}}"
	MsgRefused           = "{{.File}}: nothing was imported; problems found: {{.Count}}."
	MsgCancelled         = "Import cancelled; nothing was imported."
)

// Messages lists every message template above.
var Messages = []string{MsgNameRequired, MsgTooLong, MsgNotStatus, MsgNotKind, MsgCriticality, MsgNotAttribute,
	MsgGivenTwice, MsgRequired, MsgNotNumber, MsgNotBool, MsgNotChoice, MsgNotRef, MsgRefMissing, MsgNotDate, MsgNotType,
	MsgNoHeader, MsgTypeRequired, MsgRefNotHere, MsgDuplicateCI, MsgNotCriticality, MsgNoSuchName, MsgAmbiguousName,
	MsgSelfRelation, MsgDuplicateRelation, MsgRefused, MsgCancelled, store.MsgControlChar}

// asMsg keeps a Msg that came back as an error, or wraps another error.
func asMsg(err error) store.Msg {
	var m store.Msg
	if errors.As(err, &m) {
		return m
	}
	var e *store.Error
	if errors.As(err, &e) && e.Msg.Key != "" {
		return e.Msg
	}
	return store.Msg{Key: store.ErrorMessage(err)}
}

// ParseStatus reads a status in English or Chinese, ignoring case and spacing.
func ParseStatus(text string) (Status, error) {
	if s, ok := statusByWord[normalizeWord(text)]; ok {
		return s, nil
	}
	return "", store.M(MsgNotStatus, "Value", text)
}

// Kind is the kind of a relation between two CIs, read "from KIND to".
type Kind string

// The relation kinds.
const (
	DependsOn  Kind = "depends_on"
	RunsOn     Kind = "runs_on"
	HostedIn   Kind = "hosted_in"
	ConnectsTo Kind = "connects_to"
	PartOf     Kind = "part_of"
	BackedUpBy Kind = "backed_up_by"
	SuppliedBy Kind = "supplied_by"
)

// Kinds lists every relation kind.
var Kinds = []Kind{DependsOn, RunsOn, HostedIn, ConnectsTo, PartOf, BackedUpBy, SuppliedBy}

var kindWords = map[Kind][]string{
	DependsOn:  {"depends on", "depends_on", "dependson", "uses", "依赖", "依赖于"},
	RunsOn:     {"runs on", "runs_on", "运行于", "运行在"},
	HostedIn:   {"hosted in", "hosted_in", "located in", "托管于", "位于"},
	ConnectsTo: {"connects to", "connects_to", "连接", "连接到"},
	PartOf:     {"part of", "part_of", "属于", "组成部分"},
	BackedUpBy: {"backed up by", "backed_up_by", "backup", "备份于", "备份到"},
	SuppliedBy: {"supplied by", "supplied_by", "供应商", "由…提供", "提供方", "供应方"},
}

// Label returns the kind in English words.
func (k Kind) Label() string { return kindWords[k][0] }

// LabelZh returns the kind in Chinese, as ParseKind reads it back.
func (k Kind) LabelZh() string { return kindZh[k] }

var kindZh = map[Kind]string{DependsOn: "依赖于", RunsOn: "运行于", HostedIn: "托管于", ConnectsTo: "连接到", PartOf: "属于",
	BackedUpBy: "备份于", SuppliedBy: "供应方"}

// ParseKind reads a relation kind in English or Chinese.
func ParseKind(text string) (Kind, error) {
	if k, ok := kindByWord[normalizeWord(text)]; ok {
		return k, nil
	}
	return "", store.M(MsgNotKind, "Value", text)
}

// Propagation says how failure travels along a relation of this kind.
// For most kinds the "from" CI needs the "to" CI: when "to" fails, "from" is
// impacted. "part of" is the other way round: a whole needs its parts.
// "backed up by" records where a CI's backup lives; losing the backup target
// does not stop the CI, so it carries no impact.
func (k Kind) Propagation() (dependentIsFrom, propagates bool) {
	switch k {
	case PartOf:
		return false, true
	case BackedUpBy:
		return true, false
	}
	return true, true
}

// AttrKind is the value type of a CI attribute.
type AttrKind string

// The attribute value types.
const (
	AttrText   AttrKind = "text"
	AttrNumber AttrKind = "number"
	AttrDate   AttrKind = "date"
	AttrBool   AttrKind = "bool"
	AttrChoice AttrKind = "choice"
	AttrRef    AttrKind = "ref" // a reference to another CI, stored as its CI-000123 reference
)

// AttrKinds lists every attribute value type.
var AttrKinds = []AttrKind{AttrText, AttrNumber, AttrDate, AttrBool, AttrChoice, AttrRef}

// AttrDef defines one attribute of a CI type.
type AttrDef struct {
	Key      string   `json:"key"`
	Name     string   `json:"name"`
	NameZh   string   `json:"name_zh,omitempty"`
	Kind     AttrKind `json:"kind"`
	Required bool     `json:"required,omitempty"`
	Choices  []string `json:"choices,omitempty"`
}

// Type is a CI type: what kind of thing a CI is and which attributes it records.
type Type struct {
	ID          int64
	Key         string
	Name        string
	NameZh      string
	Description string
	IsService   bool // business and IT services: where impact analysis ends
	Builtin     bool
	Attributes  []AttrDef
	RowVersion  int64
}

// Attr returns the definition of the attribute with the given key, name or
// Chinese name.
func (t Type) Attr(name string) (AttrDef, bool) {
	for _, a := range t.Attributes {
		if a.Key == name { // the common case: callers that already resolved it
			return a, true
		}
	}
	key := normalizeWord(name)
	for _, a := range t.Attributes {
		if normalizeWord(a.Key) == key || normalizeWord(a.Name) == key || (a.NameZh != "" && normalizeWord(a.NameZh) == key) {
			return a, true
		}
	}
	return AttrDef{}, false
}

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Validate checks a type definition before it is saved.
func (t Type) Validate() error {
	var problems []store.FieldProblem
	if !keyPattern.MatchString(t.Key) {
		problems = append(problems, store.FieldProblem{Field: "key", Message: "use 1–40 lower-case letters, digits or _, starting with a letter"})
	}
	if strings.TrimSpace(t.Name) == "" {
		problems = append(problems, store.FieldProblem{Field: "name", Message: "a type needs a name"})
	}
	seen := map[string]bool{}
	for i, a := range t.Attributes {
		field := fmt.Sprintf("attribute %d", i+1)
		if !keyPattern.MatchString(a.Key) {
			problems = append(problems, store.FieldProblem{Field: field, Message: fmt.Sprintf("key %q: use lower-case letters, digits or _, starting with a letter", a.Key)})
		}
		if seen[a.Key] {
			problems = append(problems, store.FieldProblem{Field: field, Message: fmt.Sprintf("key %q is used twice", a.Key)})
		}
		seen[a.Key] = true
		if strings.TrimSpace(a.Name) == "" {
			problems = append(problems, store.FieldProblem{Field: field, Message: "an attribute needs a name"})
		}
		if !validAttrKind(a.Kind) {
			problems = append(problems, store.FieldProblem{Field: field, Message: fmt.Sprintf("%q is not a value type; use text, number, date, bool, choice or ref", a.Kind)})
		}
		if a.Kind == AttrChoice && len(a.Choices) == 0 {
			problems = append(problems, store.FieldProblem{Field: field, Message: "a choice list needs at least one choice"})
		}
	}
	return store.Invalid(problems)
}

func validAttrKind(k AttrKind) bool {
	for _, known := range AttrKinds {
		if k == known {
			return true
		}
	}
	return false
}

// CI is a configuration item.
type CI struct {
	ID          int64
	Ref         string // CI-000123: unique and never reused
	TypeKey     string
	Name        string
	Description string
	Status      Status
	Criticality int // 1 (highest) to 4
	Owner       string
	Location    string
	Version     string
	Attributes  map[string]string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// RowVersion is the version this copy was read at; a save based on an
	// older version than the database holds is refused.
	RowVersion int64
}

// RefNumber formats the human reference of the n-th CI.
func RefNumber(n int64) string { return fmt.Sprintf("CI-%06d", n) }

var refPattern = regexp.MustCompile(`^CI-\d{6,}$`)

// IsRef reports whether text looks like a CI reference.
func IsRef(text string) bool { return refPattern.MatchString(strings.ToUpper(strings.TrimSpace(text))) }

// Limits on free text, so that a mistaken paste cannot bloat the file.
const (
	maxNameLen = 200
	maxTextLen = 10000
)

// Normalize validates ci against its type and returns it with attribute
// values in canonical form (numbers without grouping, dates as YYYY-MM-DD,
// yes/no, choices spelled as defined). refExists answers whether a CI
// reference exists, for attributes that refer to another CI.
func Normalize(ci CI, t Type, refExists func(ref string) bool) (CI, error) {
	var problems []store.FieldProblem
	add := func(field string, msg store.Msg) {
		problems = append(problems, store.FieldProblem{Field: field, Message: msg.String(), Msg: msg})
	}
	ci.TypeKey = t.Key
	ci.Name = strings.TrimSpace(ci.Name)
	switch n := utf8.RuneCountInString(ci.Name); {
	case n == 0:
		add("name", store.M(MsgNameRequired))
	case n > maxNameLen:
		add("name", store.M(MsgTooLong, "Len", n, "Max", maxNameLen))
	}
	// In the form's order (a map would name them in any order), and no map
	// made for each of an import's 100k rows.
	for _, f := range [...]struct{ field, text string }{{"description", ci.Description}, {"owner", ci.Owner}, {"location", ci.Location}, {"version", ci.Version}} {
		if n := utf8.RuneCountInString(f.text); n > maxTextLen {
			add(f.field, store.M(MsgTooLong, "Len", n, "Max", maxTextLen))
		}
	}
	// Control characters (ESC, BEL, NUL …) are refused from every source:
	// printed, they drive the terminal; exported, they break the CSV.
	problems = append(problems, store.CheckTexts(map[string]string{"name": ci.Name, "description": ci.Description,
		"owner": ci.Owner, "location": ci.Location, "version": ci.Version}, "description")...)
	ci.Owner = strings.TrimSpace(ci.Owner)
	ci.Location = strings.TrimSpace(ci.Location)
	ci.Version = strings.TrimSpace(ci.Version)
	if ci.Status == "" {
		ci.Status = StatusInService
	}
	if _, ok := statusWords[ci.Status]; !ok {
		add("status", store.M(MsgNotStatus, "Value", string(ci.Status)))
	}
	if ci.Criticality == 0 {
		ci.Criticality = 3
	}
	if ci.Criticality < 1 || ci.Criticality > 4 {
		add("criticality", store.M(MsgCriticality, "Value", ci.Criticality))
	}
	values := map[string]string{}
	givenAs := map[string]string{}
	for _, name := range sortedKeys(ci.Attributes) {
		raw := ci.Attributes[name]
		def, ok := t.Attr(name)
		if !ok {
			add(name, store.M(MsgNotAttribute, "Type", t.Name))
			continue
		}
		if other, twice := givenAs[def.Key]; twice {
			add(def.Name, store.M(MsgGivenTwice, "A", other, "B", name))
			continue
		}
		givenAs[def.Key] = name
		value, err := NormalizeValue(def, raw, refExists)
		if err != nil {
			add(def.Name, asMsg(err))
			continue
		}
		if value != "" {
			values[def.Key] = value
		}
	}
	for _, def := range t.Attributes {
		if def.Required && values[def.Key] == "" && !hasProblem(problems, def.Name) {
			add(def.Name, store.M(MsgRequired, "Type", t.Name))
		}
	}
	ci.Attributes = values
	return ci, store.Invalid(problems)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func hasProblem(problems []store.FieldProblem, field string) bool {
	for _, p := range problems {
		if p.Field == field {
			return true
		}
	}
	return false
}

// NormalizeValue checks one attribute value against its definition and
// returns it in canonical form; an empty value stays empty.
func NormalizeValue(def AttrDef, raw string, refExists func(string) bool) (string, error) {
	text := strings.TrimSpace(raw)
	if text == "" {
		return "", nil
	}
	switch def.Kind {
	case AttrText:
		if n := utf8.RuneCountInString(text); n > maxTextLen {
			return "", store.M(MsgTooLong, "Len", n, "Max", maxTextLen)
		}
		if m, ok := store.ControlChar(text, true); !ok {
			return "", m
		}
		return text, nil
	case AttrNumber:
		f, err := strconv.ParseFloat(strings.ReplaceAll(text, ",", ""), 64)
		if err != nil || f != f || f > 1e15 || f < -1e15 {
			return "", store.M(MsgNotNumber, "Value", raw)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	case AttrDate:
		d, err := ParseDate(text)
		if err != nil {
			return "", err
		}
		return d.Format("2006-01-02"), nil
	case AttrBool:
		switch strings.ToLower(text) {
		case "yes", "y", "true", "1", "是", "有", "√":
			return "yes", nil
		case "no", "n", "false", "0", "否", "无", "×":
			return "no", nil
		}
		return "", store.M(MsgNotBool, "Value", raw)
	case AttrChoice:
		for _, c := range def.Choices {
			if strings.EqualFold(normalizeWord(c), normalizeWord(text)) {
				return c, nil
			}
		}
		return "", store.M(MsgNotChoice, "Value", raw, "Choices", strings.Join(def.Choices, ", "))
	case AttrRef:
		ref := strings.ToUpper(text)
		if !IsRef(ref) {
			return "", store.M(MsgNotRef, "Value", raw)
		}
		if refExists != nil && !refExists(ref) {
			return "", store.M(MsgRefMissing, "Ref", ref)
		}
		return ref, nil
	}
	return "", fmt.Errorf("unknown value type %q", def.Kind)
}

// ParseDate reads a date as people write it: 2026-03-01, 2026/3/1,
// 2026年3月1日, 2026-03-01T00:00:00Z, or as a spreadsheet stores a date
// cell: a serial day number (46082 is 2026-03-01; a time of day after the
// point is dropped). Serials are taken for the years 1954–2119 only, so
// that a bare number is not read as a date by accident.
func ParseDate(text string) (time.Time, error) {
	t := strings.TrimSpace(text)
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		if f < 20000 || f >= 80000 || strings.ContainsAny(t, "eE+-") {
			return time.Time{}, store.M(MsgNotDate, "Value", text)
		}
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f)), nil
	}
	t = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(t)
	for _, layout := range []string{"2006-1-2", time.RFC3339, "2006-1-2 15:04:05", "2006-1-2 15:04"} {
		if d, err := time.Parse(layout, t); err == nil {
			return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, store.M(MsgNotDate, "Value", text)
}

// normalizeWord folds case, full-width forms and spacing so that "In Service",
// "in_service" and "ＩＮ ＳＥＲＶＩＣＥ" compare equal.
func normalizeWord(s string) string {
	if isFoldedASCII(s) {
		return s // the common case in an import: "server", "in_service" is not, "3" is
	}
	var b strings.Builder
	for _, r := range strings.ToLower(width.Fold.String(s)) {
		switch r {
		case ' ', '_', '-', '\t', '\u3000', '.', '/':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isFoldedASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
