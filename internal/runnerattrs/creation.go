package runnerattrs

// Creation settings: what GitLab takes only in the create request
// (POST /user/runners) and never shows again, such as a token expiry of the
// runner's own. They are rows of creationTable (attributes.go), beside the
// runner attributes: the resource's schema and model hold them; the update
// request, the "does this need a PUT" comparison, FromAPI's reading and the
// data source leave them out. The resource keeps the configured value, so
// changing it plans an in-place update without a request: it applies at the
// next create.

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// CreationSetting is a row of creationTable.
type CreationSetting struct {
	// Name is the attribute's name in Terraform.
	Name string
	// Resource is the attribute in the user-runner resource's schema
	// (Optional; no Default: null leaves the parameter out).
	Resource rschema.Attribute
	// Requires is the GitLab that honours the parameter. Servers that do not
	// ignore it without a word (Grape drops undeclared parameters), so the
	// resource refuses the setting at plan time on them.
	Requires gitlabapi.Requirement
	// field moves the planned value into the create request.
	field creationField
}

// creationField ties a creation setting to its parameter of
// gitlabapi.CreateUserRunnerOptions.
type creationField struct {
	null attr.Value
	// sample is a valid value, for the table's tests.
	sample attr.Value
	// toCreate sets the parameter from a known, non-null value at now.
	toCreate func(v attr.Value, now time.Time, opts *gitlabapi.CreateUserRunnerOptions) error
}

// durationFromCreateField is a Go duration in Terraform (relative, so the
// configuration never goes stale) sent as the time that long after the
// create request, in UTC, to the second.
func durationFromCreateField(p func(*gitlabapi.CreateUserRunnerOptions) **time.Time, sample string) creationField {
	return creationField{
		null:   types.StringNull(),
		sample: types.StringValue(sample),
		toCreate: func(v attr.Value, now time.Time, opts *gitlabapi.CreateUserRunnerOptions) error {
			s, ok := v.(types.String)
			if !ok {
				return fmt.Errorf("a %T, expected types.String", v)
			}
			d, err := time.ParseDuration(s.ValueString())
			if err != nil {
				return err // the schema's validator reports it at plan time
			}
			at := now.Add(d).UTC().Truncate(time.Second)
			*p(opts) = &at
			return nil
		},
	}
}

// CreationRequirement is a creation setting that is set, and the GitLab it
// needs.
type CreationRequirement struct {
	Name     string
	Requires gitlabapi.Requirement
}

// CreationRequirements lists the creation settings set in v that need more
// than every server offers: a create needs the server checked only then.
func (v Values) CreationRequirements() []CreationRequirement {
	var out []CreationRequirement
	for _, row := range creationTable {
		if val := v[row.Name]; val != nil && !val.IsNull() && !row.Requires.IsZero() {
			out = append(out, CreationRequirement{Name: row.Name, Requires: row.Requires})
		}
	}
	return out
}

// ApplyCreation adds the creation settings set in v to the create request,
// as of now (the provider's clock at the request).
func (v Values) ApplyCreation(now time.Time, opts *gitlabapi.CreateUserRunnerOptions) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, row := range creationTable {
		val := v[row.Name]
		if val == nil || val.IsNull() || val.IsUnknown() {
			continue
		}
		if err := row.field.toCreate(val, now, opts); err != nil {
			diags.AddError("Invalid Creation Setting", fmt.Sprintf("%s = %s cannot be sent to GitLab: %s. This is a bug in "+
				"the provider unless the plan-time validation missed it; please report it.", row.Name, val, err))
		}
	}
	return diags
}

// Refreshed is what GitLab says about the runner's attributes (FromAPI),
// with v's creation settings, which GitLab never shows.
func (v Values) Refreshed(a *gitlabapi.RunnerAttributes) Values {
	out := FromAPI(a)
	for _, row := range creationTable {
		if val := v[row.Name]; val != nil {
			out[row.Name] = val
		}
	}
	return out
}
