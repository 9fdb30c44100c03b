// Package providerdata is what the provider hands to every resource, data
// source, list resource and action once it is configured (the GitLab client
// and the clock), and the one guard that takes it out again: a resource or a
// list resource embeds Resource, a data source DataSource, an action Action,
// and every operation that needs the client starts with Ready.
package providerdata

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// Data is what every resource and data source receives in Configure.
type Data struct {
	Client *gitlabapi.Client
	// Clock is the provider's clock; nil means time.Now. Tests use the mock
	// coordinator's clock so that token expiry and rotation are deterministic.
	Clock func() time.Time
	// UnfinishedRunners is the provider's unfinished_runners setting:
	// UnfinishedReport ("" means the same) or UnfinishedDelete.
	UnfinishedRunners string

	onces  sync.Map // key -> *sync.Once, for Once
	claims sync.Map // key -> string, for Claim
	shared sync.Map // key -> value, for Shared
}

// The values of the unfinished_runners setting.
const (
	UnfinishedDelete = "delete"
	UnfinishedReport = "report"
)

// Once runs fn the first time it is called with key by this configured
// provider (one provider process), for work done once per process. Callers
// with the same key wait until that first fn has returned; fn runs for one
// of them only. It reports whether fn ran for this caller.
func (d *Data) Once(key string, fn func()) bool {
	v, _ := d.onces.LoadOrStore(key, new(sync.Once))
	once, _ := v.(*sync.Once) // only *sync.Once is stored
	ran := false
	once.Do(func() { ran = true; fn() })
	return ran
}

// Claim records that a resource instance wants value for key, something
// that exists once per GitLab (a setting of the instance), in this
// configured provider: one provider block, in one Terraform run. It returns
// the value claimed first, and whether it differs: two resource instances
// that want different values would undo each other on every apply. Claims
// of the same value agree, so a resource instance planned again is never a
// conflict with itself.
func (d *Data) Claim(key, value string) (first string, conflict bool) {
	v, _ := d.claims.LoadOrStore(key, value)
	first, _ = v.(string) // only strings are stored
	return first, first != value
}

// Now is the provider's current time.
func (d *Data) Now() time.Time {
	if d == nil || d.Clock == nil {
		return time.Now()
	}
	return d.Clock()
}

// Ready reports whether d holds a GitLab client. When it does not, an
// operation ran before the provider was configured: Ready adds the one
// "Provider Not Configured" error.
func (d *Data) Ready(diags *diag.Diagnostics) bool {
	if d != nil && d.Client != nil {
		return true
	}
	diags.AddError("Provider Not Configured",
		"The gitlabrunner provider has no GitLab client: it was not configured (base_url, token) before this operation ran. "+
			"Check the provider block and run again; if it is configured, this is a bug in the provider or in Terraform, "+
			"please report it.")
	return false
}

// From extracts the Data passed to a resource's or data source's Configure.
// It returns nil without error when the provider is not configured yet
// (Terraform calls Configure early, during validation): Ready reports that
// case if an operation then needs the client.
func From(providerData any, diags *diag.Diagnostics) *Data {
	if providerData == nil {
		return nil
	}
	data, ok := providerData.(*Data)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerdata.Data, got %T. This is a bug in the provider; please report it.", providerData))
		return nil
	}
	return data
}

// Resource is embedded in every resource: its Configure keeps the
// provider's Data.
type Resource struct {
	Data *Data
}

// Configure implements resource.ResourceWithConfigure.
func (r *Resource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.Data = From(req.ProviderData, &resp.Diagnostics)
}

// Action is embedded in every action: its Configure keeps the provider's
// Data.
type Action struct {
	Data *Data
}

// Configure implements action.ActionWithConfigure.
func (a *Action) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.Data = From(req.ProviderData, &resp.Diagnostics)
}

// DataSource is embedded in every data source: its Configure keeps the
// provider's Data, and ReadConfig starts each Read.
type DataSource struct {
	Data *Data
}

// Configure implements datasource.DataSourceWithConfigure.
func (d *DataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.Data = From(req.ProviderData, &resp.Diagnostics)
}

// ReadConfig reads the data source's configuration into model and checks
// that the provider has a client; false when Read must stop (the diagnostics
// say why).
func (d *DataSource) ReadConfig(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse, model any) bool {
	resp.Diagnostics.Append(req.Config.Get(ctx, model)...)
	if resp.Diagnostics.HasError() {
		return false
	}
	return d.Data.Ready(&resp.Diagnostics)
}
