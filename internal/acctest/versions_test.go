package acctest

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func TestSkipWithout(t *testing.T) {
	for _, tc := range []struct {
		binary, host, version string
		f                     Feature
		skip                  string // "" = runs
	}{
		{"/x/terraform", "", "1.5.7", MovedAcrossTypes, "needs Terraform 1.8.0 or later, and the one this run uses (TF_ACC_TERRAFORM_PATH) is 1.5.7"},
		{"/x/terraform", "", "1.8.0", MovedAcrossTypes, ""},
		{"/x/terraform", "", "1.11.4", MovedAcrossTypes, ""},
		{"/x/terraform", "", "1.8.0-rc1", MovedAcrossTypes, ""}, // a release candidate of 1.8 counts as 1.8
		{"/x/tofu", "registry.opentofu.org", "1.6.3", MovedAcrossTypes, "needs OpenTofu 1.10.0 or later"},
		// OpenTofu 1.8 and 1.9 report versions Terraform 1.8 would pass.
		{"/x/tofu", "registry.opentofu.org", "1.9.1", MovedAcrossTypes, "needs OpenTofu 1.10.0 or later"},
		{"/x/tofu", "", "1.10.0", MovedAcrossTypes, ""},
		{"/x/terraform", "", "1.5.7", ImportForEach, "`for_each` in `import` blocks needs Terraform 1.7.0"},
		{"/x/tofu", "registry.opentofu.org", "1.7.0", ImportForEach, ""},
		{"/x/terraform", "", "1.11.4", ImportByIdentity, "needs Terraform 1.12.0 or later"},
		{"/x/terraform", "", "1.15.9", ImportByIdentity, ""},
		{"/x/tofu", "", "1.12.6-dev", ImportByIdentity, ""}, // a build from source
		{"/x/tofu", "", "1.10.0", ImportByIdentity, "needs OpenTofu 1.12.0 or later"},
		{"/x/terraform", "", "1.13.3", Query, "needs Terraform 1.14.0 or later"},
		{"/x/terraform", "", "1.15.9", Query, ""},
		{"/x/tofu", "", "1.12.6", Query, "no OpenTofu release has it"},
		{"/x/terraform", "", "1.14.0", Actions, ""},
		{"/x/tofu", "", "1.12.6", Actions, "no OpenTofu release has it"},
		{"/x/tofu", "registry.opentofu.org", "1.9.0", Feature{What: "x", Terraform: "1.9.0"}, "x needs Terraform 1.9.0 or later; no OpenTofu release has it (this one is 1.9.0); run `make testacc-newest`"},
		{"/x/tofu-1.12.6", "registry.opentofu.org", "1.12.6", MovedAcrossTypes, ""},
		{"/x/tofu", "registry.opentofu.org", "1.6.3", StateEncryption, "needs OpenTofu 1.7.0 or later, and the one this run uses (TF_ACC_TERRAFORM_PATH) is 1.6.3; `make testacc-tofu-newest`"},
		{"/x/tofu", "registry.opentofu.org", "1.7.0", StateEncryption, ""},
		{"/x/terraform", "", "1.15.9", StateEncryption, "needs OpenTofu 1.7.0 or later; no Terraform release has it (this one is 1.15.9); run `make testacc-tofu-newest`"},
	} {
		t.Setenv("TF_ACC_TERRAFORM_PATH", tc.binary)
		t.Setenv("TF_ACC_PROVIDER_HOST", tc.host)
		resp := &tfversion.CheckTerraformVersionResponse{}
		SkipWithout(tc.f).CheckTerraformVersion(context.Background(),
			tfversion.CheckTerraformVersionRequest{TerraformVersion: version.Must(version.NewVersion(tc.version))}, resp)
		if tc.skip == "" && resp.Skip != "" || tc.skip != "" && !strings.Contains(resp.Skip, tc.skip) {
			t.Errorf("%s %s %s: skip %q, want %q", tc.binary, tc.version, tc.f.What, resp.Skip, tc.skip)
		}
		if resp.Error != nil {
			t.Errorf("error %v", resp.Error)
		}
	}
}
