package app

import (
	"strings"

	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/store"
)

// Change-log entries keep field keys and stored values (status in_service,
// attributes.capacity_tb, "CI-1 depends on CI-2"), which are evidence and
// must not change. The window shows them as the form does: field labels
// and values in the reader's language.

// fieldLabels are the English labels of the change log's field keys; tr
// makes them Chinese.
var fieldLabels = map[string]string{
	"name": "Name", "description": "Description", "status": "Status", "criticality": "Criticality", "owner": "Owner",
	"location": "Location", "version": "Version", "type": "Type", "relation": "Relation", "created": "Created",
	"deleted": "Deleted", "changed": "Changed", "redundancy_group": "Redundancy group",
}

// changeField is a change's field as the form labels it.
func changeField(field string, types []cmdb.Type) string {
	if key, ok := strings.CutPrefix(field, "attributes."); ok {
		for _, t := range types {
			for _, a := range t.Attributes {
				if a.Key == key {
					if isChinese() && a.NameZh != "" {
						return a.NameZh
					}
					return a.Name
				}
			}
		}
		return key
	}
	if label, ok := fieldLabels[field]; ok {
		return tr(label)
	}
	return field
}

// changeValue is a stored value as the form shows it: a status by its
// label, a relation's kind in words of the reader's language.
func changeValue(field, value string) string {
	if value == "" {
		return "—"
	}
	switch field {
	case "status":
		if s, err := cmdb.ParseStatus(value); err == nil {
			return statusLabel(s)
		}
	case "relation", "created", "deleted":
		for _, k := range cmdb.Kinds {
			if word := " " + k.Label() + " "; strings.Contains(value, word) {
				value = strings.Replace(value, word, " "+kindLabel(k)+" ", 1)
				break
			}
		}
		if isChinese() {
			value = strings.Replace(value, "(redundancy group ", "（"+tr("Redundancy group")+" ", 1)
			if strings.HasSuffix(value, ")") && strings.Contains(value, "（") {
				value = strings.TrimSuffix(value, ")") + "）"
			}
		}
	}
	return value
}

// changeText is one change as a line: field, then old → new (or the one
// value a creation or deletion has).
func changeText(c store.Change, types []cmdb.Type) string {
	field := changeField(c.Field, types)
	switch {
	case c.Old == "":
		return field + ": " + changeValue(c.Field, c.New)
	case c.New == "":
		return field + ": " + changeValue(c.Field, c.Old) + " → —"
	}
	return field + ": " + changeValue(c.Field, c.Old) + " → " + changeValue(c.Field, c.New)
}

// sourceText is where a change came from: the window, the command line, or
// the file imported (its name, as it is).
func sourceText(source string) string {
	switch source {
	case store.SourceGUI:
		return tr("window")
	case store.SourceCLI:
		return tr("command line")
	case "demo":
		return tr("sample organisation")
	}
	return source
}

// reasonText is a reason for review as the form would say it: the field's
// label and the values as shown, in the reader's language. A reason of
// another shape is shown as it is.
func reasonText(reason string, types []cmdb.Type) string {
	r, ok := continuity.ParseReason(reason)
	if !ok {
		return reason
	}
	value := func(v string) string {
		if v == "—" {
			return v
		}
		return changeValue(r.Field, v)
	}
	return r.Ref + " " + changeField(r.Field, types) + ": " + value(r.Old) + " → " + value(r.New) + " (" + r.Date + ")"
}
