package instancerunnersettings

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// Only configured attributes are sent; 0 is sent as null (no expiry).
func TestOptionsSendConfiguredOnly(t *testing.T) {
	unset := settingsModel{AllowRunnerRegistrationToken: types.BoolNull(), ValidRunnerRegistrars: types.SetNull(types.StringType),
		RunnerTokenExpirationInterval: types.Int64Null(), GroupRunnerTokenExpirationInterval: types.Int64Null(),
		ProjectRunnerTokenExpirationInterval: types.Int64Null()}
	if _, send, _ := options(context.Background(), unset, unset); send {
		t.Fatal("nothing configured, something sent")
	}
	config := unset
	config.AllowRunnerRegistrationToken = types.BoolValue(false)
	config.ValidRunnerRegistrars = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("project"), types.StringValue("group")})
	config.RunnerTokenExpirationInterval = types.Int64Value(0)
	config.ProjectRunnerTokenExpirationInterval = types.Int64Value(7200)
	plan := config
	plan.GroupRunnerTokenExpirationInterval = types.Int64Value(99) // from state, not configured
	opts, send, diags := options(context.Background(), config, plan)
	b, _ := json.Marshal(opts)
	want := `{"allow_runner_registration_token":false,"project_runner_token_expiration_interval":7200,"runner_token_expiration_interval":null,"valid_runner_registrars":["group","project"]}`
	if !send || diags.HasError() || string(b) != want {
		t.Fatalf("options = %s, want %s", b, want)
	}
}

// A setting the server does not report is null; a null interval is 0.
func TestFromAPI(t *testing.T) {
	var s gitlabapi.ApplicationSettings
	if err := json.Unmarshal([]byte(`{"valid_runner_registrars":[],"runner_token_expiration_interval":null,"group_runner_token_expiration_interval":3600}`), &s); err != nil {
		t.Fatal(err)
	}
	m := fromAPI(&s)
	if !m.AllowRunnerRegistrationToken.IsNull() || m.RunnerTokenExpirationInterval.ValueInt64() != 0 || m.RunnerTokenExpirationInterval.IsNull() ||
		m.GroupRunnerTokenExpirationInterval.ValueInt64() != 3600 || !m.ProjectRunnerTokenExpirationInterval.IsNull() ||
		len(m.ValidRunnerRegistrars.Elements()) != 0 || m.ValidRunnerRegistrars.IsNull() {
		t.Fatalf("fromAPI = %+v", m)
	}
}
