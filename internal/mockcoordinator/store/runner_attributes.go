package store

import (
	"fmt"
	"strconv"
)

// The runner attributes a runner's owner sets (POST /user/runners, PUT
// /runners/:id, legacy POST /runners): their stored fields and the one table
// that parameter parsing, model validation, storage, rendering and the
// acceptance tests' agreement check iterate.
//
// Adding an attribute: add its field to RunnerAttributes (with its default in
// defaultRunnerAttributes when GitLab's is not the zero value) and its row to
// runnerAttributeTable. No other code of the mock spells its name; of the
// tests, api/runners_test.go pins GitLab's at_least_one_of message, which
// lists every parameter.

// RunnerAttributes are the attributes of a runner its owner sets. The JSON
// names are GitLab's (and the state file's).
type RunnerAttributes struct {
	Description     string   `json:"description"`
	MaintenanceNote string   `json:"maintenance_note"`
	Paused          bool     `json:"paused"`
	Locked          bool     `json:"locked"`
	RunUntagged     bool     `json:"run_untagged"`
	TagList         []string `json:"tag_list"`
	AccessLevel     string   `json:"access_level"`
	MaximumTimeout  *int64   `json:"maximum_timeout"`
}

// defaultRunnerAttributes are GitLab's defaults for a new runner.
func defaultRunnerAttributes() RunnerAttributes {
	return RunnerAttributes{RunUntagged: true, AccessLevel: AccessLevelNotProtected, TagList: []string{}}
}

// maxTextLength is Ci::Runner's limit for description and maintenance_note.
const maxTextLength = 1024

// runnerAttributeTable lists the attributes in the order GitLab's API
// declares its parameters: Grape reports parameter errors in this order, and
// model errors follow it too.
var runnerAttributeTable = []RunnerAttribute{
	{
		Name: "description", Kind: StringKind, Listed: true,
		str:      func(a *RunnerAttributes) *string { return &a.Description },
		validate: maxLength(maxTextLength),
	},
	{
		// Deprecated: active = !paused. POST /user/runners never declared it.
		Name: "active", Kind: BoolKind, Listed: true, Negated: true, ExclusiveWith: "paused", NotOnCreate: true,
		boolean: func(a *RunnerAttributes) *bool { return &a.Paused },
	},
	{
		Name: "paused", Kind: BoolKind, Listed: true,
		boolean: func(a *RunnerAttributes) *bool { return &a.Paused },
	},
	{
		Name: "tag_list", Kind: StringListKind,
		list: func(a *RunnerAttributes) *[]string { return &a.TagList },
		validate: func(attr *RunnerAttribute, a *RunnerAttributes) []FieldError {
			for _, t := range a.TagList {
				if len([]rune(t)) > 255 {
					return []FieldError{{Attribute: attr.Name, Message: "tag name is too long (maximum is 255 characters)"}}
				}
			}
			if !a.RunUntagged && len(a.TagList) == 0 {
				// Ci::Runner#tag_constraints reports it under "tags_list".
				return []FieldError{{Attribute: "tags_list", Message: "can not be empty when runner is not allowed to pick untagged jobs"}}
			}
			return nil
		},
	},
	{
		Name: "run_untagged", Kind: BoolKind,
		boolean: func(a *RunnerAttributes) *bool { return &a.RunUntagged },
	},
	{
		Name: "locked", Kind: BoolKind,
		boolean: func(a *RunnerAttributes) *bool { return &a.Locked },
	},
	{
		Name: "access_level", Kind: StringKind, Values: []string{AccessLevelNotProtected, AccessLevelRefProtected},
		str: func(a *RunnerAttributes) *string { return &a.AccessLevel },
	},
	{
		Name: "maximum_timeout", Kind: IntegerKind,
		integer: func(a *RunnerAttributes) **int64 { return &a.MaximumTimeout },
		validate: func(attr *RunnerAttribute, a *RunnerAttributes) []FieldError {
			if a.MaximumTimeout != nil && *a.MaximumTimeout < 600 {
				return []FieldError{{Attribute: attr.Name, Message: "needs to be at least 10 minutes"}}
			}
			return nil
		},
	},
	{
		Name: "maintenance_note", Kind: StringKind, LegacyName: "maintainer_note", NullWhenEmpty: true, UpdatersOnly: true,
		str:      func(a *RunnerAttributes) *string { return &a.MaintenanceNote },
		validate: maxLength(maxTextLength),
	},
}

// AttributeKind is the type of a runner attribute: its Grape parameter type,
// its JSON type and how Terraform's state shows it.
type AttributeKind int

// Attribute kinds.
const (
	StringKind     AttributeKind = iota + 1 // Grape String; JSON string
	BoolKind                                // Grape Boolean; JSON true/false
	IntegerKind                             // Grape Integer where null clears; JSON number or null
	StringListKind                          // Grape Array[String], also comma-separated; JSON array
)

// RunnerAttribute is one row of the runner attribute table.
type RunnerAttribute struct {
	// Name is the attribute's parameter and JSON key in GitLab's REST API and
	// its name in the provider's Terraform schema.
	Name string
	Kind AttributeKind
	// Values, when set, are the allowed values of a string attribute.
	Values []string
	// LegacyName is a deprecated parameter name that only legacy POST
	// /runners still declares (lib/api/ci/runner.rb: maintainer_note), read
	// there when Name is not given; POST /user/runners and PUT /runners/:id
	// declare only Name and so ignore it, as Grape ignores any undeclared
	// parameter.
	LegacyName string
	// NotOnCreate attributes are not declared by POST /user/runners
	// (lib/api/user_runners.rb), which ignores them.
	NotOnCreate bool
	// Negated marks a deprecated Boolean parameter that sets and shows the
	// negation of another attribute's field (active = !paused). Such a row is
	// an alias: it has no field of its own and Terraform has no such attribute.
	Negated bool
	// ExclusiveWith names a parameter that must not be given together with
	// this one (Grape's mutually_exclusive on PUT /runners/:id and POST /runners;
	// LegacyName and Name are mutually exclusive on POST /runners, see
	// Version.RefusesBothRunnerNotes).
	ExclusiveWith string
	// NullWhenEmpty renders "" as null.
	NullWhenEmpty bool
	// UpdatersOnly attributes are null in the runner details of a caller who
	// may read the runner but not update it (on versions where
	// Version.HidesMaintenanceNoteFromReaders).
	UpdatersOnly bool
	// Listed attributes are part of the runner list items; the others only of
	// the runner details.
	Listed bool

	// validate returns the model's errors for the attribute (Ci::Runner's
	// validations); nil when valid.
	validate func(attr *RunnerAttribute, a *RunnerAttributes) []FieldError

	// The field, through the one accessor of the row's kind.
	str     func(*RunnerAttributes) *string
	boolean func(*RunnerAttributes) *bool
	integer func(*RunnerAttributes) **int64
	list    func(*RunnerAttributes) *[]string
}

// RunnerAttributeTable returns the runner attribute table (a copy), in
// GitLab's parameter order.
func RunnerAttributeTable() []*RunnerAttribute {
	out := make([]*RunnerAttribute, len(runnerAttributeTable))
	for i := range runnerAttributeTable {
		row := runnerAttributeTable[i]
		out[i] = &row
	}
	return out
}

// StringValue returns a StringKind attribute of a.
func (attr *RunnerAttribute) StringValue(a *RunnerAttributes) string {
	attr.mustBe(StringKind)
	return *attr.str(a)
}

// BoolValue returns a BoolKind attribute of a (negated for a Negated row).
func (attr *RunnerAttribute) BoolValue(a *RunnerAttributes) bool {
	attr.mustBe(BoolKind)
	return *attr.boolean(a) != attr.Negated
}

// IntegerValue returns an IntegerKind attribute of a: nil when unset.
func (attr *RunnerAttribute) IntegerValue(a *RunnerAttributes) *int64 {
	attr.mustBe(IntegerKind)
	return *attr.integer(a)
}

// StringListValue returns a StringListKind attribute of a; the caller must
// not change the list.
func (attr *RunnerAttribute) StringListValue(a *RunnerAttributes) []string {
	attr.mustBe(StringListKind)
	return *attr.list(a)
}

func maxLength(n int) func(*RunnerAttribute, *RunnerAttributes) []FieldError {
	return func(attr *RunnerAttribute, a *RunnerAttributes) []FieldError {
		if len([]rune(*attr.str(a))) > n {
			return []FieldError{{Attribute: attr.Name, Message: "is too long (maximum is " + strconv.Itoa(n) + " characters)"}}
		}
		return nil
	}
}

// FieldError is one failed model validation: GitLab's attribute key and
// message ("maximum_timeout", "needs to be at least 10 minutes").
type FieldError struct {
	Attribute string
	Message   string
}

// validate runs the model's validations in table order; nil when valid.
func (a *RunnerAttributes) validate() []FieldError {
	var errs []FieldError
	for i := range runnerAttributeTable {
		if attr := &runnerAttributeTable[i]; attr.validate != nil {
			errs = append(errs, attr.validate(attr, a)...)
		}
	}
	return errs
}

// clone returns a deep copy: no slice or pointer shared with a.
func (a *RunnerAttributes) clone() RunnerAttributes {
	c := *a
	for i := range runnerAttributeTable {
		attr := &runnerAttributeTable[i]
		switch attr.Kind {
		case IntegerKind:
			*attr.integer(&c) = clonePtr(*attr.integer(a))
		case StringListKind:
			*attr.list(&c) = append([]string{}, *attr.list(a)...)
		}
	}
	return c
}

// normalize turns absent lists into empty ones, as GitLab shows them.
func (a *RunnerAttributes) normalize() {
	for i := range runnerAttributeTable {
		if attr := &runnerAttributeTable[i]; attr.Kind == StringListKind && *attr.list(a) == nil {
			*attr.list(a) = []string{}
		}
	}
}

// RunnerChanges are the attributes a request gives; the others keep their
// value. Later changes of the same field win (paused over active).
type RunnerChanges struct {
	edits []func(*RunnerAttributes)
}

// SetString changes a StringKind attribute.
func (ch *RunnerChanges) SetString(attr *RunnerAttribute, v string) {
	attr.mustBe(StringKind)
	ch.edits = append(ch.edits, func(a *RunnerAttributes) { *attr.str(a) = v })
}

// SetBool changes a BoolKind attribute (a Negated one stores !v).
func (ch *RunnerChanges) SetBool(attr *RunnerAttribute, v bool) {
	attr.mustBe(BoolKind)
	ch.edits = append(ch.edits, func(a *RunnerAttributes) { *attr.boolean(a) = v != attr.Negated })
}

// SetInteger changes an IntegerKind attribute; nil clears it.
func (ch *RunnerChanges) SetInteger(attr *RunnerAttribute, v *int64) {
	attr.mustBe(IntegerKind)
	v = clonePtr(v)
	ch.edits = append(ch.edits, func(a *RunnerAttributes) { *attr.integer(a) = clonePtr(v) })
}

// SetStringList changes a StringListKind attribute.
func (ch *RunnerChanges) SetStringList(attr *RunnerAttribute, v []string) {
	attr.mustBe(StringListKind)
	v = append([]string{}, v...)
	ch.edits = append(ch.edits, func(a *RunnerAttributes) { *attr.list(a) = append([]string{}, v...) })
}

func (attr *RunnerAttribute) mustBe(k AttributeKind) {
	if attr.Kind != k {
		panic(fmt.Sprintf("runner attribute %q has kind %d, not %d", attr.Name, attr.Kind, k))
	}
}

// apply makes the changes to a.
func (ch *RunnerChanges) apply(a *RunnerAttributes) {
	for _, edit := range ch.edits {
		edit(a)
	}
}
