package userrunner

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerselect"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// listRunners runs the list resource as Terraform does for `terraform query
// -generate-config-out` (IncludeResource) and returns its results.
func listRunners(t *testing.T, r *userRunnerResource, cfg runnerselect.Config, limit int64) []list.ListResult {
	t.Helper()
	ctx := context.Background()
	l := &userRunnerList{Resource: r.Resource}
	schemaResp := &list.ListResourceSchemaResponse{}
	l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, schemaResp)
	config := tfsdk.State{Schema: schemaResp.Schema}
	if diags := config.Set(ctx, cfg); diags.HasError() {
		t.Fatal(acctest.DiagText(diags))
	}
	identityResp := &resource.IdentitySchemaResponse{}
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, identityResp)
	stream := &list.ListResultsStream{}
	l.List(ctx, list.ListRequest{
		Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: config.Raw}, IncludeResource: true, Limit: limit,
		ResourceSchema: testRunnerSchema(t), ResourceIdentitySchema: identityResp.IdentitySchema,
	}, stream)
	var results []list.ListResult
	for result := range stream.Results {
		results = append(results, result)
	}
	return results
}

// groupSelection is a list block's config for the group's runners.
func groupSelection(groupID int64) runnerselect.Config {
	return runnerselect.Config{
		Scope: types.StringNull(), GroupID: tfvalue.Int64From(groupID), ProjectID: tfvalue.Int64Null(),
		Type: types.StringNull(), Status: types.StringNull(), Paused: types.BoolNull(),
		TagList: types.ListNull(types.StringType), VersionPrefix: types.StringNull(),
	}
}

// importAndRead is the state `terraform import` makes of runner id:
// ImportState, then Read.
func importAndRead(t *testing.T, r *userRunnerResource, id string) tftypes.Value {
	t.Helper()
	ctx := context.Background()
	imported := &resource.ImportStateResponse{State: nullState(t)}
	r.ImportState(ctx, resource.ImportStateRequest{ID: id}, imported)
	read := &resource.ReadResponse{State: imported.State}
	r.Read(ctx, resource.ReadRequest{State: imported.State}, read)
	if read.Diagnostics.HasError() || imported.Diagnostics.HasError() {
		t.Fatalf("import of %s: %s %s", id, acctest.DiagText(imported.Diagnostics), acctest.DiagText(read.Diagnostics))
	}
	return read.State.Raw
}

// TestListResultIsWhatAnImportReads pins what makes the configuration
// `terraform query -generate-config-out` writes plan imports only: the
// resource object of each listed runner is exactly the state its import
// reads. The last result within the limit says that more runners were left.
func TestListResultIsWhatAnImportReads(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	owner := m.Seed.Group.OwnerToken
	r := testResource(t, m, owner)
	group := m.Seed.Subgroup.ID
	for i, attrs := range []gitlabapi.RunnerAttributes{
		{Description: new("k8s"), TagList: &[]string{"k8s"}, RunUntagged: new(false), MaximumTimeout: new(int64(3600))},
		{Locked: new(true), Paused: new(true), MaintenanceNote: new("note"), AccessLevel: new(gitlabapi.AccessLevelRefProtected)},
		{Description: new("third")},
	} {
		if _, err := r.Data.Client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{
			RunnerType: gitlabapi.RunnerTypeGroup, GroupID: &group, RunnerAttributes: attrs}); err != nil {
			t.Fatalf("runner %d: %v", i, err)
		}
	}
	results := listRunners(t, r, groupSelection(group), 2)
	if len(results) != 2 {
		t.Fatalf("%d results with limit 2, want 2", len(results))
	}
	for i, result := range results {
		var ident identityModel
		if diags := result.Identity.Get(context.Background(), &ident); diags.HasError() {
			t.Fatal(acctest.DiagText(diags))
		}
		if want := importAndRead(t, r, ident.ID.ValueString()); !result.Resource.Raw.Equal(want) {
			t.Errorf("runner %s: the listed resource differs from what its import reads:\n%s\n%s", ident.ID, result.Resource.Raw, want)
		}
		warned := strings.Contains(acctest.DiagText(result.Diagnostics), "More Runners Than the Limit")
		if warned != (i == 1) {
			t.Errorf("result %d: limit warning %v, want it on the last result only: %s", i, warned, acctest.DiagText(result.Diagnostics))
		}
	}
	if all := listRunners(t, r, groupSelection(group), 100); len(all) != 3 || all[2].Diagnostics.HasError() ||
		len(all[2].Diagnostics) > 0 {
		t.Errorf("within the limit: %d results, last diagnostics %s; want 3 without a warning", len(all), fmt.Sprint(all[len(all)-1].Diagnostics))
	}
}
