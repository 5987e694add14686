package export

import (
	"encoding/json"
	"strings"
	"sync"

	"servicebook/assets"
	"servicebook/cmdb"
	"servicebook/store"
)

// chinese is the window's Chinese translation table, shared with the
// printed pages so that a check's message reads the same on screen and on
// paper.
var chinese = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	data, err := assets.Translations.ReadFile("translations/zh_Hans.json")
	if err == nil {
		var raw map[string]any
		if json.Unmarshal(data, &raw) == nil {
			for k, v := range raw {
				if s, ok := v.(string); ok {
					out[k] = s
				}
			}
		}
	}
	return out
})

// msg is m in the document's language: a template without a Chinese
// translation prints in English rather than not at all.
func (d *pdfDoc) msg(m store.Msg) string {
	if d.opt.Lang == "zh" {
		if zh, ok := chinese()[m.Key]; ok {
			return store.Msg{Key: zh, Args: m.Args}.String()
		}
	}
	return m.String()
}

// word is a label of the window's (an outcome, a status) in the document's
// language; without a translation it prints as it is.
func (d *pdfDoc) word(english string) string { return translate(d.opt.Lang, english) }

// translate is one of the window's words in lang ("zh" or "en"); a word
// without a translation stays as it is.
func translate(lang, english string) string {
	if lang == "zh" {
		if zh, ok := chinese()[english]; ok {
			return zh
		}
	}
	return english
}

// status is a CI status as the window shows it ("In service"), in the
// document's language.
func (d *pdfDoc) status(s cmdb.Status) string {
	label := s.Label()
	if label != "" {
		label = strings.ToUpper(label[:1]) + label[1:]
	}
	return d.word(label)
}

// MsgIn is m in lang ("zh" or "en"), from the window's translations: what
// the command line prints in Chinese when asked to.
func MsgIn(lang string, m store.Msg) string {
	if lang == "zh" {
		if zh, ok := chinese()[m.Key]; ok {
			return store.Msg{Key: zh, Args: m.Args}.String()
		}
	}
	return m.String()
}
