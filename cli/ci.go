package cli

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"servicebook/cmdb"
	"servicebook/store"
)

type ciCmd struct {
	List    ciListCmd    `cmd:"" help:"List CIs, filtered and sorted."`
	Show    ciShowCmd    `cmd:"" help:"Show every field, attribute and relation of a CI."`
	Add     ciAddCmd     `cmd:"" help:"Add a CI."`
	Set     ciSetCmd     `cmd:"" help:"Change fields or attributes of a CI."`
	Retire  ciRetireCmd  `cmd:"" help:"Mark a CI retired (kept for history)."`
	Delete  ciDeleteCmd  `cmd:"" help:"Delete a CI and its relations."`
	History ciHistoryCmd `cmd:"" help:"Who changed what on a CI, and when."`
}

type ciListCmd struct {
	Type        string `help:"Only CIs of this type (key, English or Chinese name)."`
	Status      string `help:"Only CIs with this status (planned, in service, maintenance, retired)."`
	Criticality int    `help:"Only CIs of this criticality (1–4)."`
	Owner       string `help:"Only CIs of this owner; - for CIs without an owner."`
	Sort        string `help:"Sort by ref, name, type, status, criticality, owner or location." default:"ref"`
	Desc        bool   `help:"Sort in descending order."`
	Limit       int    `help:"Show at most N CIs (0: all)." default:"50"`
	Offset      int    `help:"Skip the first N CIs."`
}

func (c ciListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	f := cmdb.Filter{TypeKey: c.Type, Criticality: c.Criticality, Owner: c.Owner, Sort: c.Sort,
		Descending: c.Desc, Limit: c.Limit, Offset: c.Offset}
	if c.Status != "" {
		st, err := cmdb.ParseStatus(c.Status)
		if err != nil {
			return store.Errorf(store.EInvalid, "%v", err)
		}
		f.Status = st
	}
	cis, total, err := app.CMDB.ListCIs(ctx, f)
	if err != nil {
		return err
	}
	printCIs(app, cis)
	if shown := c.Offset + len(cis); shown < total {
		fmt.Fprintf(app.Stdout, "(%d–%d of %d; use --limit and --offset for more)\n", c.Offset+1, shown, total)
	} else {
		fmt.Fprintf(app.Stdout, "(%d CIs)\n", total)
	}
	return nil
}

func printCIs(app *App, cis []cmdb.CI) {
	rows := make([][]string, len(cis))
	for i, ci := range cis {
		rows[i] = []string{ci.Ref, ci.Name, ci.TypeKey, ci.Status.Label(), strconv.Itoa(ci.Criticality), ci.Owner, ci.Location}
	}
	printTable(app.Stdout, []string{"REFERENCE", "NAME", "TYPE", "STATUS", "CRIT", "OWNER", "LOCATION"}, rows, 40)
}

type ciShowCmd struct {
	Ref string `arg:"" help:"CI reference, e.g. CI-000012 or 12."`
}

func (c ciShowCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	ci, err := app.CMDB.CI(ctx, c.Ref)
	if err != nil {
		return err
	}
	types, err := app.CMDB.Types(ctx)
	if err != nil {
		return err
	}
	t, _ := cmdb.ResolveType(types, ci.TypeKey)
	out := app.Stdout
	fields := [][]string{
		{"Reference", ci.Ref}, {"Name", ci.Name}, {"Type", t.Name + " (" + t.Key + ")"},
		{"Description", ci.Description}, {"Status", ci.Status.Label()},
		{"Criticality", strconv.Itoa(ci.Criticality)}, {"Owner", ci.Owner}, {"Location", ci.Location},
		{"Version", ci.Version}, {"Created", ci.CreatedAt.Format("2006-01-02 15:04 MST")},
		{"Updated", ci.UpdatedAt.Format("2006-01-02 15:04 MST")}, {"Row version", strconv.FormatInt(ci.RowVersion, 10)},
	}
	for _, a := range t.Attributes {
		fields = append(fields, []string{a.Name, ci.Attributes[a.Key]})
	}
	for _, f := range fields {
		fmt.Fprintf(out, "%-*s %s\n", 26-displayWidth(f[0])+len(f[0]), f[0]+":", f[1])
	}
	rels, err := app.CMDB.Relations(ctx, ci.Ref)
	if err != nil {
		return err
	}
	if len(rels) == 0 {
		fmt.Fprintln(out, "\nNo relations.")
		return nil
	}
	ids := make([]int64, 0, 2*len(rels))
	for _, r := range rels {
		ids = append(ids, r.FromID, r.ToID)
	}
	names, err := app.CMDB.CIsByID(ctx, ids)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "\nRelations:")
	var rows [][]string
	for _, r := range rels {
		group := ""
		if r.Group != "" {
			group = "group " + r.Group
		}
		rows = append(rows, []string{r.FromRef, names[r.FromID].Name, r.Kind.Label(), r.ToRef, names[r.ToID].Name, group})
	}
	printTable(out, []string{"FROM", "", "KIND", "TO", "", "REDUNDANCY"}, rows, 36)
	return nil
}

// ciFields are the flags shared by add and set. Pointers tell "not given"
// from "set to empty".
type ciFields struct {
	Name        *string  `help:"Name."`
	Description *string  `help:"Description."`
	Status      *string  `help:"Status: planned, in service, maintenance or retired."`
	Criticality *int     `help:"Criticality from 1 (highest) to 4 (lowest)."`
	Owner       *string  `help:"Owner."`
	Location    *string  `help:"Location."`
	Version     *string  `name:"ci-version" help:"Version of the CI (firmware, release…)."`
	Attr        []string `help:"Attribute as KEY=VALUE (key, English or Chinese name); repeat for more; an empty VALUE clears it." placeholder:"KEY=VALUE"`
}

// apply sets the given flags on ci. Attribute names are resolved to keys
// through the CI's type, so that --attr 内存(GB)=… replaces memory_gb rather
// than adding a second spelling of it.
func (f ciFields) apply(ci *cmdb.CI, types []cmdb.Type) error {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&ci.Name, f.Name)
	set(&ci.Description, f.Description)
	set(&ci.Owner, f.Owner)
	set(&ci.Location, f.Location)
	set(&ci.Version, f.Version)
	if f.Status != nil {
		st, err := cmdb.ParseStatus(*f.Status)
		if err != nil {
			return store.Errorf(store.EInvalid, "--status: %v", err)
		}
		ci.Status = st
	}
	if f.Criticality != nil {
		ci.Criticality = *f.Criticality
		if ci.Criticality == 0 {
			return store.Errorf(store.EInvalid, "--criticality: use 1 (highest) to 4 (lowest)")
		}
	}
	if len(f.Attr) > 0 && ci.Attributes == nil {
		ci.Attributes = map[string]string{}
	}
	for _, kv := range f.Attr {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return store.Errorf(store.EInvalid, "--attr %q: write it as KEY=VALUE", kv)
		}
		k = strings.TrimSpace(k)
		if t, err := cmdb.ResolveType(types, ci.TypeKey); err == nil {
			if def, ok := t.Attr(k); ok {
				k = def.Key
			}
		}
		ci.Attributes[k] = v
	}
	return nil
}

type ciAddCmd struct {
	Type string `required:"" help:"CI type (key, English or Chinese name)."`
	ciFields
}

func (c ciAddCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if c.Name == nil {
		return usageError{"ci add needs --name"}
	}
	types, err := app.CMDB.Types(ctx)
	if err != nil {
		return err
	}
	ci := cmdb.CI{TypeKey: c.Type}
	if err := c.apply(&ci, types); err != nil {
		return err
	}
	saved, err := app.CMDB.CreateCI(cliContext(ctx), ci)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Added %s %s\n", saved.Ref, saved.Name)
	return nil
}

type ciSetCmd struct {
	Ref           string `arg:"" help:"CI reference."`
	Type          string `help:"Change the CI's type."`
	ExpectVersion int64  `help:"Refuse the change unless the CI is still at this row version (as shown by ci show)." placeholder:"N"`
	ciFields
}

func (c ciSetCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	ci, err := app.CMDB.CI(ctx, c.Ref)
	if err != nil {
		return err
	}
	if c.ExpectVersion != 0 {
		ci.RowVersion = c.ExpectVersion
	}
	if c.Type != "" {
		ci.TypeKey = c.Type
	}
	types, err := app.CMDB.Types(ctx)
	if err != nil {
		return err
	}
	if err := c.apply(&ci, types); err != nil {
		return err
	}
	saved, err := app.CMDB.UpdateCI(cliContext(ctx), ci)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Saved %s %s (row version %d)\n", saved.Ref, saved.Name, saved.RowVersion)
	return nil
}

type ciRetireCmd struct {
	Ref string `arg:"" help:"CI reference."`
}

func (c ciRetireCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	ci, err := app.CMDB.CI(ctx, c.Ref)
	if err != nil {
		return err
	}
	ci.Status = cmdb.StatusRetired
	if _, err := app.CMDB.UpdateCI(cliContext(ctx), ci); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Retired %s %s\n", ci.Ref, ci.Name)
	return nil
}

type ciDeleteCmd struct {
	Ref string `arg:"" help:"CI reference."`
	Yes bool   `help:"Really delete; without it, only say what would be deleted."`
}

func (c ciDeleteCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	ci, err := app.CMDB.CI(ctx, c.Ref)
	if err != nil {
		return err
	}
	rels, err := app.CMDB.Relations(ctx, ci.Ref)
	if err != nil {
		return err
	}
	if !c.Yes {
		fmt.Fprintf(app.Stdout, "Would delete %s %s and its %s. Retiring keeps it for history (servicebook ci retire %s).\n",
			ci.Ref, ci.Name, count(len(rels), "relation", "relations"), ci.Ref)
		return store.Errorf(store.EInvalid, "Nothing deleted; add --yes to delete %s.", ci.Ref)
	}
	if err := app.CMDB.DeleteCI(cliContext(ctx), ci.Ref); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Deleted %s %s and %s.\n", ci.Ref, ci.Name, count(len(rels), "relation", "relations"))
	return nil
}

type ciHistoryCmd struct {
	Ref string `arg:"" help:"CI reference."`
}

func (c ciHistoryCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	changes, err := app.CMDB.History(ctx, c.Ref)
	if err != nil {
		return err
	}
	rows := make([][]string, len(changes))
	for i, ch := range changes {
		rows[i] = []string{ch.At.Local().Format("2006-01-02 15:04"), ch.Who, ch.Source, ch.Field, ch.Old, ch.New}
	}
	printTable(app.Stdout, []string{"WHEN", "WHO", "SOURCE", "FIELD", "OLD", "NEW"}, rows, 64)
	return nil
}

type typeCmd struct {
	List   typeListCmd   `cmd:"" help:"List CI types and their attributes."`
	Add    typeAddCmd    `cmd:"" help:"Define a new CI type."`
	Edit   typeEditCmd   `cmd:"" help:"Change a CI type: names, service or not, attributes."`
	Delete typeDeleteCmd `cmd:"" help:"Delete a CI type that no CI has."`
}

type typeEditCmd struct {
	Key        string   `arg:"" help:"The type's key."`
	Name       *string  `help:"English name."`
	NameZh     *string  `name:"name-zh" help:"Chinese name."`
	Service    *bool    `help:"CIs of this type are services (--service=false: they are not)."`
	Attr       []string `help:"Add or replace an attribute: KEY:KIND[:required][:CHOICE|CHOICE…]." placeholder:"SPEC"`
	RemoveAttr []string `help:"Remove an attribute by key (the values CIs hold stay in their history)." placeholder:"KEY"`
}

func (c typeEditCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	types, err := app.CMDB.Types(ctx)
	if err != nil {
		return err
	}
	var t cmdb.Type
	for _, x := range types {
		if x.Key == c.Key {
			t = x
		}
	}
	if t.ID == 0 {
		return store.Errorf(store.ENotFound, "There is no CI type %q.", c.Key)
	}
	if c.Name != nil {
		t.Name = *c.Name
	}
	if c.NameZh != nil {
		t.NameZh = *c.NameZh
	}
	if c.Service != nil {
		t.IsService = *c.Service
	}
	for _, key := range c.RemoveAttr {
		kept := t.Attributes[:0]
		for _, a := range t.Attributes {
			if a.Key != key {
				kept = append(kept, a)
			}
		}
		if len(kept) == len(t.Attributes) {
			return store.Errorf(store.ENotFound, "%s has no attribute %q.", t.Key, key)
		}
		t.Attributes = kept
	}
	for _, spec := range c.Attr {
		a, err := parseAttrSpec(spec)
		if err != nil {
			return err
		}
		replaced := false
		for i := range t.Attributes {
			if t.Attributes[i].Key == a.Key {
				t.Attributes[i], replaced = a, true
			}
		}
		if !replaced {
			t.Attributes = append(t.Attributes, a)
		}
	}
	saved, err := app.CMDB.SaveType(cliContext(ctx), t)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Saved CI type %s (%s) with %s.\n", saved.Key, saved.Name, count(len(saved.Attributes), "attribute", "attributes"))
	return nil
}

type typeDeleteCmd struct {
	Key string `arg:"" help:"The type's key."`
}

func (c typeDeleteCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	if err := app.CMDB.DeleteType(cliContext(ctx), c.Key); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Deleted CI type %s.\n", c.Key)
	return nil
}

// parseAttrSpec reads KEY:KIND[:required][:CHOICE|CHOICE…].
func parseAttrSpec(spec string) (cmdb.AttrDef, error) {
	parts := strings.Split(spec, ":")
	if len(parts) < 2 {
		return cmdb.AttrDef{}, store.Errorf(store.EInvalid, "--attr %q: write it as KEY:KIND, e.g. runtime_minutes:number", spec)
	}
	a := cmdb.AttrDef{Key: parts[0], Name: strings.ReplaceAll(parts[0], "_", " "), Kind: cmdb.AttrKind(parts[1])}
	for _, p := range parts[2:] {
		if p == "required" {
			a.Required = true
		} else {
			a.Choices = append(a.Choices, strings.Split(p, "|")...)
		}
	}
	return a, nil
}

type typeListCmd struct{}

func (typeListCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	types, err := app.CMDB.Types(ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, t := range types {
		var attrs []string
		for _, a := range t.Attributes {
			s := a.Key + ":" + string(a.Kind)
			if a.Required {
				s += "*"
			}
			attrs = append(attrs, s)
		}
		sort.Strings(attrs)
		service := ""
		if t.IsService {
			service = "service"
		}
		rows = append(rows, []string{t.Key, t.Name, t.NameZh, service, strings.Join(attrs, " ")})
	}
	printTable(app.Stdout, []string{"KEY", "NAME", "中文", "", "ATTRIBUTES (* required)"}, rows, 90)
	return nil
}

type typeAddCmd struct {
	Key     string   `arg:"" help:"Key: lower-case letters, digits and _, e.g. ups."`
	Name    string   `required:"" help:"English name."`
	NameZh  string   `name:"name-zh" help:"Chinese name."`
	Service bool     `help:"CIs of this type are services (impact analysis stops here)."`
	Attr    []string `help:"Attribute as KEY:KIND[:required][:CHOICE|CHOICE…]; KIND is text, number, date, bool, choice or ref." placeholder:"SPEC"`
}

func (c typeAddCmd) Run(ctx context.Context, app *App) error {
	if err := app.open(ctx); err != nil {
		return err
	}
	t := cmdb.Type{Key: c.Key, Name: c.Name, NameZh: c.NameZh, IsService: c.Service}
	for _, spec := range c.Attr {
		a, err := parseAttrSpec(spec)
		if err != nil {
			return err
		}
		t.Attributes = append(t.Attributes, a)
	}
	saved, err := app.CMDB.SaveType(cliContext(ctx), t)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "Added CI type %s (%s) with %s.\n", saved.Key, saved.Name, count(len(saved.Attributes), "attribute", "attributes"))
	return nil
}
