package gitlabprovider

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// newResource is the stand-in's gitlab_user_runner of release against the
// mock, as the group Owner, and a state holding only id (an import).
func newResource(t *testing.T, release Release) (*userRunnerResource, *acctest.Mock, func(id string) tfsdk.State) {
	t.Helper()
	m := acctest.StartMock(t)
	c, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: m.URL(), Token: m.Seed.Group.OwnerToken})
	if err != nil {
		t.Fatal(err)
	}
	r := &userRunnerResource{client: c, release: release}
	var sr resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &sr)
	imported := func(id string) tfsdk.State {
		st := tfsdk.State{Schema: sr.Schema, Raw: nullObject(t, sr.Schema)}
		if d := st.SetAttribute(context.Background(), pathID, types.StringValue(id)); d.HasError() {
			t.Fatal(d)
		}
		return st
	}
	return r, m, imported
}

// TestDeleteOfARunnerAlreadyGoneFails: GitLab's provider's Delete reports any
// error of DELETE /runners/:id, a 404 included.
func TestDeleteOfARunnerAlreadyGoneFails(t *testing.T) {
	r, _, imported := newResource(t, Release19_0)
	resp := &resource.DeleteResponse{}
	r.Delete(context.Background(), resource.DeleteRequest{State: imported("424242")}, resp)
	if text := acctest.DiagText(resp.Diagnostics); !resp.Diagnostics.HasError() || !strings.Contains(text, "Unable to delete runner") {
		t.Fatalf("deleting a runner that is gone: %q, want an error", text)
	}
}

// TestReadWritesGitLabProvidersValues: after an import, Read writes what
// GitLab's provider writes: zero values for what GitLab leaves empty, no
// token, no project_id, and group_id only from 19.0.
func TestReadWritesGitLabProvidersValues(t *testing.T) {
	for _, release := range Releases {
		r, m, imported := newResource(t, release)
		made, err := r.client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{
			RunnerType: gitlabapi.RunnerTypeGroup, GroupID: &m.Seed.Group.ID})
		if err != nil {
			t.Fatal(err)
		}
		resp := &resource.ReadResponse{State: imported(itoa(made.ID))}
		r.Read(context.Background(), resource.ReadRequest{State: imported(itoa(made.ID))}, resp)
		if resp.Diagnostics.HasError() {
			t.Fatal(acctest.DiagText(resp.Diagnostics))
		}
		got, note, diags := r.get(context.Background(), resp.State)
		if diags.HasError() {
			t.Fatal(acctest.DiagText(diags))
		}
		wantGroup := types.Int64Null()
		if release >= Release19_0 {
			wantGroup = types.Int64Value(m.Seed.Group.ID)
		}
		if got.Description.ValueString() != "" || got.Description.IsNull() || got.MaximumTimeout != types.Int64Value(0) ||
			got.Paused != types.BoolValue(false) || !got.Token.IsNull() || !got.ProjectID.IsNull() || !got.GroupID.Equal(wantGroup) {
			t.Errorf("%s: read %+v", release, got)
		}
		if wantNote := release.hasMaintenanceNote(); note.IsNull() == wantNote || (wantNote && note.ValueString() != "") {
			t.Errorf("%s: maintenance_note %v", release, note)
		}
	}
}

var pathID = path.Root("id")

func nullObject(t *testing.T, s schema.Schema) tftypes.Value {
	t.Helper()
	return tftypes.NewValue(s.Type().TerraformType(context.Background()), nil)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
