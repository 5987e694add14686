package store

import (
	"strings"
	"sync"
	"text/template"
)

// Msg is a message for a person, kept as an English template with named
// values, so that the window can show it in the person's language while
// the command line and the logs show the English.
type Msg struct {
	Key  string         // the English template, e.g. `"{{.Value}}" is not a number`
	Args map[string]any // its values
}

// M makes a Msg from a template and name, value pairs.
func M(key string, nameValues ...any) Msg {
	m := Msg{Key: key, Args: map[string]any{}}
	for i := 0; i+1 < len(nameValues); i += 2 {
		name, _ := nameValues[i].(string)
		m.Args[name] = nameValues[i+1]
	}
	return m
}

var templates sync.Map // key -> *template.Template

// String renders the message in English.
func (m Msg) String() string {
	t, ok := templates.Load(m.Key)
	if !ok {
		parsed, err := template.New("").Parse(m.Key)
		if err != nil {
			return m.Key
		}
		t, _ = templates.LoadOrStore(m.Key, parsed)
	}
	var b strings.Builder
	if err := t.(*template.Template).Execute(&b, m.Args); err != nil {
		return m.Key
	}
	return b.String()
}

// Error lets a Msg be returned as an error.
func (m Msg) Error() string { return m.String() }
