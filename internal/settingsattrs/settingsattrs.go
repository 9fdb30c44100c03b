// Package settingsattrs is the provider's one table of runner settings: the
// settings of the instance, of a group and of a project that decide who may
// create runners, when their tokens expire and which runners may serve whom.
//
// Each row (instance.go, group.go, project.go) names a setting and gives its
// description, the GitLab version that has it and its field in the scope's
// gitlabapi type (ApplicationSettings, GroupRunnerSettings,
// ProjectRunnerSettings), which GitLab's API reads and takes alike.
// Everything else comes from the rows: the resource's schema (every setting
// Optional and Computed: only what is configured is managed), the
// API-to-Terraform mapping, the "only what is configured is sent" update,
// the check that the server has a configured setting, the check that GitLab
// applied it, and the descriptions gitlabrunner_registration_policy shows for
// the same instance settings. Adding a setting is one row plus one API field
// (CONTRIBUTING.md has the recipe).
package settingsattrs

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// Setting is a row of a table: one setting of a scope whose API type is A.
type Setting[A any] struct {
	// Name is the attribute's name in Terraform and GitLab's name for it
	// (for a GraphQL-only setting, its snake_case form).
	Name string
	// Description is the resource attribute's description, what the
	// setting does; the table adds that it is left as it is when not set,
	// and the version that has it.
	Description string
	// Since is the GitLab that has the setting, for the description and for
	// the error on a server without it ("≈15.8": inferred from the merge
	// requests, see the mock's store/version.go).
	Since string
	// Policy is the description gitlabrunner_registration_policy gives the
	// same setting; "" when the data source does not show it.
	Policy string
	// field moves the value between A and Terraform.
	field field[A]
}

// Table is the settings of one scope.
type Table[A any] []Setting[A]

// Values are the settings of a plan, a state or a configuration, by name.
type Values map[string]attr.Value

// Schema is the settings' part of the resource's schema: each Optional and
// Computed, the state's value kept while the plan does not change it.
func (t Table[A]) Schema() map[string]rschema.Attribute {
	out := make(map[string]rschema.Attribute, len(t))
	for _, row := range t {
		out[row.Name] = row.field.attribute(row.description())
	}
	return out
}

func (row Setting[A]) description() string {
	d := row.Description + " Left as it is when not set."
	if row.Since != "" {
		d += " Needs GitLab " + row.Since + "."
	}
	return d
}

// FromAPI is what GitLab says about the settings; has tells whether its
// answer had a setting at all (a server without it: null).
func (t Table[A]) FromAPI(a *A, has func(name string) bool) Values {
	out := make(Values, len(t))
	for _, row := range t {
		if has(row.Name) {
			out[row.Name] = row.field.read(a)
		} else {
			out[row.Name] = row.field.null
		}
	}
	return out
}

// from picks the settings out of all the attributes of an object (a plan,
// a state or a configuration read as types.Object).
func (t Table[A]) from(attributes map[string]attr.Value) Values {
	out := make(Values, len(t))
	for _, row := range t {
		out[row.Name] = attributes[row.Name]
	}
	return out
}

// Configured lists the settings set in the configuration, in table order.
func (t Table[A]) Configured(config Values) []string {
	var out []string
	for _, row := range t {
		if v := config[row.Name]; v != nil && !v.IsNull() {
			out = append(out, row.Name)
		}
	}
	return out
}

// Changes is the update of the configured settings whose planned value
// differs from GitLab's (current; nil: unknown, every configured setting is
// sent), and the names sent as an explicit null. A setting left out of the
// configuration is never sent, nor is one GitLab already holds: sending a
// value again is not always harmless (a group's shared_runners_setting
// "enabled" turns instance runners back on in all its projects). ok is false
// when there is nothing to send.
func (t Table[A]) Changes(ctx context.Context, config, plan, current Values) (a A, nulls []string, ok bool, diags diag.Diagnostics) {
	for _, row := range t {
		if v := config[row.Name]; v == nil || v.IsNull() {
			continue
		}
		v := plan[row.Name]
		if v == nil || v.IsUnknown() || v.IsNull() {
			continue
		}
		if have := current[row.Name]; have != nil && v.Equal(have) {
			continue
		}
		ok = true
		diags.Append(row.field.write(ctx, row.Name, v, &a, &nulls)...)
	}
	return a, nulls, ok, diags
}

// Unavailable adds an error on each configured setting that has(name) says
// the server does not have; scope names it ("the instance", "group
// demo"). It reports whether it added one.
func (t Table[A]) Unavailable(config Values, has func(name string) bool, scope string, diags *diag.Diagnostics) bool {
	found := false
	for _, row := range t {
		if v := config[row.Name]; v == nil || v.IsNull() || has(row.Name) {
			continue
		}
		found = true
		since := ""
		if row.Since != "" {
			since = " It exists since GitLab " + row.Since + "."
		}
		diags.AddAttributeError(path.Root(row.Name), "Setting Not Available on This GitLab", fmt.Sprintf(
			"GitLab does not show the setting %s for %s, so this GitLab does not have it.%s Remove %s from the "+
				"configuration, or upgrade GitLab.", row.Name, scope, since, row.Name))
	}
	return found
}

// NotApplied lists the configured settings whose planned value GitLab's
// answer (got) does not hold: a server that ignored them.
func (t Table[A]) NotApplied(config, plan, got Values) []string {
	var out []string
	for _, row := range t {
		if v := config[row.Name]; v == nil || v.IsNull() {
			continue
		}
		want, have := plan[row.Name], got[row.Name]
		if want == nil || want.IsUnknown() || (have != nil && want.Equal(have)) {
			continue
		}
		out = append(out, row.Name)
	}
	return out
}

// Policy is the description gitlabrunner_registration_policy gives the
// setting name. It panics for a name without one: a data source asking for
// a description the table does not hold is a bug found by its first test.
func (t Table[A]) Policy(name string) string {
	for _, row := range t {
		if row.Name == name && row.Policy != "" {
			return row.Policy
		}
	}
	panic("settingsattrs: no policy description for " + name)
}

// Names lists the settings' names, sorted.
func (t Table[A]) Names() []string {
	out := make([]string, 0, len(t))
	for _, row := range t {
		out = append(out, row.Name)
	}
	slices.Sort(out)
	return out
}

// Read reads a settings resource's plan, state or configuration (anything
// with Get): all its attributes, and its settings among them.
func (t Table[A]) Read(ctx context.Context, from interface {
	Get(context.Context, any) diag.Diagnostics
}) (map[string]attr.Value, Values, diag.Diagnostics) {
	var obj types.Object
	diags := from.Get(ctx, &obj)
	if diags.HasError() {
		return nil, nil, diags
	}
	a := obj.Attributes()
	return a, t.from(a), diags
}

// Write writes a settings resource's own attributes and its settings to a
// plan or a state (anything with Set) whose schema's type is schemaType.
func Write(ctx context.Context, to interface {
	Set(context.Context, any) diag.Diagnostics
}, schemaType attr.Type, own map[string]attr.Value, settings Values) diag.Diagnostics {
	obj, diags := tfvalue.Object(schemaType, merge(own, settings))
	if diags.HasError() {
		return diags
	}
	return to.Set(ctx, obj)
}

// merge is the attributes of an object: the resource's own and the settings.
func merge(own map[string]attr.Value, settings Values) map[string]attr.Value {
	out := maps.Clone(own)
	maps.Copy(out, settings)
	return out
}

// Join lists names for a message: "a, b and c".
func Join(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
