package cmdb

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/width"

	"servicebook/store"
)

// A configuration audit (ISO/IEC 20000-1:2011 9.1, 2018 8.2.6) compares what
// the CMDB records with what is really there. Starting one freezes the
// CMDB's CIs within a scope; a checklist is printed from the frozen lines;
// what was found comes back as the ticked checklist or as a discovery tool's
// inventory; reconciling the two gives findings, and each finding is
// resolved (the CMDB corrected, the CMDB accepted as right, or an action
// raised) before the audit closes. This file holds the types and the pure
// reading and reconciling; configauditstore.go holds the SQL.

// AuditScope says which CIs an audit covers. Empty parts do not narrow it;
// retired CIs are never in scope (nobody expects to find them).
type AuditScope struct {
	TypeKey  string // a CI type (key or name)
	Location string // CIs whose location contains this text
	Service  string // a service's reference: it and every CI it depends on
	// Status and Criticality narrow it as the CI list's filter does.
	Status      Status
	Criticality int
}

// String says the scope in English words, for logs and the CLI.
func (s AuditScope) String() string { return s.Text("en", nil) }

// scopeWords are a scope's words in English and Chinese: what each part
// says, how parts are joined, and the scope with no part.
var scopeWords = map[string]struct {
	typ, location, service, status, criticality, join, all string
}{
	"en": {"type %s", "location contains %q", "service %s and what it depends on", "status %s", "criticality %d", ", ", "every CI not retired"},
	"zh": {"类型 %s", "位置包含“%s”", "服务 %s 及其依赖的配置项", "状态 %s", "重要性 %d", "，", "所有未退役的配置项"},
}

// Text says the scope in lang ("en" or "zh"), its type named by typeName
// (nil: the type's key).
func (s AuditScope) Text(lang string, typeName func(key string) string) string {
	w, ok := scopeWords[lang]
	if !ok {
		w = scopeWords["en"]
	}
	var parts []string
	if s.TypeKey != "" {
		name := s.TypeKey
		if typeName != nil {
			name = typeName(name)
		}
		parts = append(parts, fmt.Sprintf(w.typ, name))
	}
	if s.Location != "" {
		parts = append(parts, fmt.Sprintf(w.location, s.Location))
	}
	if s.Service != "" {
		parts = append(parts, fmt.Sprintf(w.service, s.Service))
	}
	if s.Status != "" {
		label := s.Status.Label()
		if lang == "zh" {
			label = s.Status.LabelZh()
		}
		parts = append(parts, fmt.Sprintf(w.status, label))
	}
	if s.Criticality != 0 {
		parts = append(parts, fmt.Sprintf(w.criticality, s.Criticality))
	}
	if len(parts) == 0 {
		return w.all
	}
	return strings.Join(parts, w.join)
}

// ConfigAudit is one configuration audit.
type ConfigAudit struct {
	ID           int64
	Title        string
	Scope        AuditScope
	BaselineID   int64
	BaselineName string
	Auditor      string
	StartedAt    time.Time
	StartedBy    string
	ReconciledAt time.Time // zero until what was found is reconciled
	FoundFile    string
	MatchKeys    []string
	Lines        int // CIs in scope
	Matched      int // lines matched by a found item
	Equal        int // matched lines with no difference
	Findings     int
	Open         int // findings not yet resolved
	ClosedAt     time.Time
	ClosedBy     string
	RowVersion   int
}

// Number is the audit's reference, CA-0001: the change-log source of its
// corrections names it.
func (a ConfigAudit) Number() string { return fmt.Sprintf("CA-%04d", a.ID) }

// Source is the change-log source of the corrections this audit makes.
func (a ConfigAudit) Source() string { return "configuration audit " + a.Number() }

// Closed says whether the audit is closed.
func (a ConfigAudit) Closed() bool { return !a.ClosedAt.IsZero() }

// AuditLine is one CI of an audit's scope as the CMDB recorded it when the
// audit started: a line of the checklist.
type AuditLine struct {
	CIID     int64
	Ref      string
	TypeKey  string
	Name     string
	Location string
	Serial   string
	IP       string
	Owner    string
	Status   Status
}

// The fields an audit compares, in checklist order, and the attribute keys
// two of them live in.
const (
	attrSerial = "serial_number"
	attrIP     = "ip_address"
)

// AuditFields are the fields a configuration audit compares.
var AuditFields = []string{"name", "type", "location", "serial", "ip", "owner", "status"}

// MatchKeys are the fields found items can be matched by.
var MatchKeys = []string{"ref", "serial", "name", "ip"}

// Value returns field of the line as text.
func (l AuditLine) Value(field string) string {
	switch field {
	case "ref":
		return l.Ref
	case "name":
		return l.Name
	case "type":
		return l.TypeKey
	case "location":
		return l.Location
	case "serial":
		return l.Serial
	case "ip":
		return l.IP
	case "owner":
		return l.Owner
	case "status":
		return string(l.Status)
	}
	return ""
}

// lineFrom makes an audit line of a frozen CI's columns.
func lineFrom(ciID int64, ref, typeKey, name, location, owner, status, attrs string) AuditLine {
	l := AuditLine{CIID: ciID, Ref: ref, TypeKey: typeKey, Name: name, Location: location, Owner: owner, Status: Status(status)}
	// Most CIs have neither attribute: no need to decode their JSON.
	if !strings.Contains(attrs, attrSerial) && !strings.Contains(attrs, attrIP) {
		return l
	}
	var a map[string]string
	if json.Unmarshal([]byte(attrs), &a) == nil {
		l.Serial, l.IP = a[attrSerial], a[attrIP]
	}
	return l
}

// FindingKind is what a finding says about a CI.
type FindingKind string

// The kinds of finding.
const (
	FindingDifferent   FindingKind = "different"    // a field differs
	FindingNotFound    FindingKind = "not_found"    // recorded but not found
	FindingNotRecorded FindingKind = "not_recorded" // found but not recorded
	FindingRemark      FindingKind = "remark"       // the auditor wrote a note
)

// Resolution is how a finding was resolved.
type Resolution string

// The resolutions.
const (
	Corrected Resolution = "corrected" // the CMDB now says what was found
	Accepted  Resolution = "accepted"  // the CMDB was right
	Actioned  Resolution = "action"    // an action with an owner and a due date
)

// AuditFinding is one difference between recorded and found.
type AuditFinding struct {
	ID          int64
	AuditID     int64
	Kind        FindingKind
	CIID        int64 // 0 for an item found but not recorded
	Ref         string
	Field       string // for FindingDifferent
	Recorded    string
	Found       string
	FoundAt     string            // where in the found file
	FoundData   map[string]string // a found item's values, by field
	Resolution  Resolution        // "" while open
	Note        string
	ActionOwner string
	ActionDue   string // YYYY-MM-DD
	ResolvedAt  time.Time
	ResolvedBy  string
	RowVersion  int
}

// Open says whether the finding still waits for a resolution.
func (f AuditFinding) Open() bool { return f.Resolution == "" }

// Messages of configuration audits, as English templates (see store.Msg).
const (
	MsgAuditNoKeyColumn  = "no header names a column to match by (reference, serial number, name or IP address)"
	MsgAuditSeen         = `"{{.Value}}" is not yes or no (✓, ×, 是, 否)`
	MsgAuditNotSeenFound = "says not seen, yet found values are written on the row"
	MsgAuditSeenBlank    = "is blank: write yes if the CI was seen, no if it was not"
	MsgAuditColumn       = "has values, and a found inventory has no place for this column; leave it out on purpose by name (--ignore, or Ignore in the window)"
	MsgAuditKeys         = `"{{.Value}}" is not a key to match by; use ref, serial, name or ip`
	MsgAuditNoKeys       = "choose at least one key to match by"
	MsgAuditDuplicate    = `the same {{.Key}} "{{.Value}}" is already on row {{.Row}}`
	MsgAuditAmbiguous    = `{{.Key}} "{{.Value}}" matches {{.Count}} recorded CIs ({{.Refs}}); match by another key or correct the value`
	MsgAuditTwice        = "{{.Ref}} is already matched by row {{.Row}}"
	MsgAuditPrinted      = `differs from the printed "{{.Value}}"; write what was found under "{{.Column}}" and leave the printed value`
	MsgAuditNotSeenNoCI  = "says not seen, but matches no recorded CI"
	MsgAuditNoKeyValue   = "has no value in any column to match by"
	MsgAuditRefused      = "{{.File}}: nothing was reconciled; problems found: {{.Count}}."

	// Refusals of the audit's own steps.
	MsgAuditNoTitle         = "an audit needs a title"
	MsgAuditRetiredScope    = "retired CIs are never in an audit's scope: nobody expects to find them"
	MsgAuditEmptyScope      = "No CI that is not retired is within the scope ({{.Scope}}); nothing to audit."
	MsgAuditNone            = "There is no configuration audit {{.Audit}}."
	MsgAuditNumber          = "\"{{.Value}}\" is not a configuration audit number like CA-0001."
	MsgAuditClosedStartNew  = "{{.Audit}} is closed; start a new audit."
	MsgAuditResolvedAlready = "{{.Audit}} has findings resolved already; a new reconciliation would rewrite them. Start a new audit."
	MsgAuditClosedOn        = "{{.Audit}} was closed on {{.Date}}."
	MsgAuditNotReconciled   = "{{.Audit}} has not been reconciled: bring back what was found first."
	MsgAuditOpenFindings    = "{{.Audit}} has {{.Count}} open finding(s); resolve each before closing."
	MsgAuditActionOwner     = "an action needs an owner"
	MsgAuditResolution      = "\"{{.Value}}\" is not a resolution; use corrected, accepted or action."
	MsgAuditChooseFindings  = "Choose the findings to resolve."
	MsgAuditClosedFindings  = "{{.Audit}} is closed; its findings can no longer change."
	MsgAuditNoFinding       = "{{.Audit}} has no finding {{.ID}}."
	MsgAuditFindingResolved = "Finding {{.ID}} of {{.Audit}} was resolved already ({{.How}})."
	MsgAuditRemarkCorrect   = "Finding {{.ID}} is a remark; there is nothing to correct. Accept it or raise an action."
	MsgAuditCIGone          = "{{.Ref}} is no longer in the CMDB; accept finding {{.ID}} or raise an action."
	MsgAuditFoundNoType     = "The item found at {{.Place}} has no type; choose the type its CI will have."
	MsgAuditFoundNoName     = "The item found at {{.Place}} has no name; a CI needs one. Accept the finding or raise an action."
)

// AuditMessages lists the templates above, for the translation check.
var AuditMessages = []string{MsgAuditNoKeyColumn, MsgAuditSeen, MsgAuditNotSeenFound, MsgAuditSeenBlank, MsgAuditColumn,
	MsgAuditKeys, MsgAuditNoKeys, MsgAuditDuplicate, MsgAuditAmbiguous, MsgAuditTwice, MsgAuditPrinted, MsgAuditNotSeenNoCI,
	MsgAuditNoKeyValue, MsgAuditRefused, MsgAuditNoTitle, MsgAuditRetiredScope, MsgAuditEmptyScope, MsgAuditNone, MsgAuditNumber, MsgAuditClosedStartNew, MsgAuditResolvedAlready, MsgAuditClosedOn, MsgAuditNotReconciled, MsgAuditOpenFindings, MsgAuditActionOwner, MsgAuditResolution, MsgAuditChooseFindings, MsgAuditClosedFindings, MsgAuditNoFinding, MsgAuditFindingResolved, MsgAuditRemarkCorrect, MsgAuditCIGone, MsgAuditFoundNoType, MsgAuditFoundNoName}

// auditErr is a refusal whose message the window translates.
func auditErr(code, key string, nameValues ...any) error {
	m := store.M(key, nameValues...)
	return &store.Error{Code: code, Message: m.String(), Msg: m}
}

// fieldProblem is a form problem whose message the window translates.
func fieldProblem(field string, m store.Msg) store.FieldProblem {
	return store.FieldProblem{Field: field, Message: m.String(), Msg: m}
}

// invalidField refuses one field with a translated message.
func invalidField(field, key string) error {
	return store.Invalid([]store.FieldProblem{fieldProblem(field, store.M(key))})
}

// ParseMatchKeys reads the keys to match by, in priority order, from a
// comma-separated list ("serial,ref").
func ParseMatchKeys(text string) ([]string, error) {
	var keys []string
	for _, k := range strings.Split(text, ",") {
		k = strings.ToLower(strings.TrimSpace(k))
		switch k {
		case "":
			continue
		case "reference", "编号":
			k = "ref"
		case "serial_number", "sn", "序列号":
			k = "serial"
		case "ip_address", "ip地址":
			k = "ip"
		case "名称":
			k = "name"
		}
		if !slices.Contains(MatchKeys, k) {
			return nil, auditErr(store.EInvalid, MsgAuditKeys, "Value", k)
		}
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, auditErr(store.EInvalid, MsgAuditNoKeys)
	}
	return keys, nil
}

// keyValue folds a key's value so that what a scanner writes and what the
// CMDB holds compare: references in their canonical form, serial numbers
// without case or spaces, names without case or width.
func keyValue(key, v string) string {
	v = strings.TrimSpace(v)
	switch key {
	case "ref":
		return NormalizeRef(v)
	case "serial":
		return strings.ToUpper(strings.Join(strings.Fields(v), ""))
	case "name":
		return nameKey(v)
	}
	return v
}

// nameKey folds a name's case and width ("ＢＪ-DB-01" is "bj-db-01") but
// keeps its punctuation: bj-db-01 and bjdb01 are different hosts. ASCII
// names, nearly all of them, take the short way: 100k are folded twice a
// reconciliation.
func nameKey(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return strings.ToLower(width.Fold.String(v))
		}
	}
	return strings.ToLower(v)
}

// sameValue says whether a found value says the same as the recorded one.
func sameValue(field, recorded, found string) bool {
	switch field {
	case "serial", "name", "ref":
		return keyValue(field, recorded) == keyValue(field, found)
	}
	return strings.TrimSpace(recorded) == strings.TrimSpace(found)
}
