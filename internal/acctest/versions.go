package acctest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Feature is something a test needs from the Terraform binary that the
// oldest supported versions (Terraform 1.5.7, OpenTofu 1.6.3) lack, and the
// first version of each that has it ("" when no release of that CLI has it).
type Feature struct {
	What      string
	Terraform string
	OpenTofu  string
}

// Features the acceptance tests need beyond the oldest supported versions.
var (
	// MovedAcrossTypes: a `moved` block from one resource type to another,
	// answered by the provider's MoveResourceState.
	MovedAcrossTypes = Feature{What: "`moved` between resource types (MoveResourceState)", Terraform: "1.8.0", OpenTofu: "1.10.0"}
	// ImportForEach: `for_each` in `import` blocks.
	ImportForEach = Feature{What: "`for_each` in `import` blocks", Terraform: "1.7.0", OpenTofu: "1.7.0"}
	// ImportByIdentity: `identity` in `import` blocks (resource identity).
	ImportByIdentity = Feature{What: "`identity` in `import` blocks (resource identity)", Terraform: "1.12.0", OpenTofu: "1.12.0"}
	// Query: list resources, `terraform query` and its -generate-config-out.
	Query = Feature{What: "list resources (`terraform query`)", Terraform: "1.14.0"}
	// Actions: `action` blocks run with `terraform apply -invoke`.
	Actions = Feature{What: "actions (`action` blocks, `terraform apply -invoke`)", Terraform: "1.14.0"}
	// StateEncryption: `terraform { encryption { ... } }`, OpenTofu's
	// client-side state and plan encryption; Terraform has none.
	StateEncryption = Feature{What: "state encryption (`terraform { encryption }`)", OpenTofu: "1.7.0"}
)

// SkipWithout skips a test (TerraformVersionChecks) when the binary it runs
// lacks f, saying which binary, what is missing and how to run it: the
// suite runs on the oldest supported versions and, with `make
// testacc-newest` and `make testacc-tofu-newest`, on the newest Terraform
// and OpenTofu.
func SkipWithout(f Feature) tfversion.TerraformVersionCheck { return featureCheck{f} }

type featureCheck struct{ f Feature }

func (c featureCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	name, minimum := "Terraform", c.f.Terraform
	if isOpenTofu(os.Getenv("TF_ACC_TERRAFORM_PATH"), os.Getenv("TF_ACC_PROVIDER_HOST")) {
		name, minimum = "OpenTofu", c.f.OpenTofu
	}
	if minimum == "" {
		other, otherMinimum, target := "Terraform", c.f.Terraform, "testacc-newest"
		if name == "Terraform" {
			other, otherMinimum, target = "OpenTofu", c.f.OpenTofu, "testacc-tofu-newest"
		}
		resp.Skip = fmt.Sprintf("%s needs %s %s or later; no %s release has it (this one is %s); run `make %s`",
			c.f.What, other, otherMinimum, name, req.TerraformVersion, target)
		return
	}
	if req.TerraformVersion.Core().LessThan(version.Must(version.NewVersion(minimum))) {
		target := "`make testacc-newest` runs it on the newest Terraform"
		if name == "OpenTofu" {
			target = "`make testacc-tofu-newest` runs it on the newest OpenTofu"
		}
		resp.Skip = fmt.Sprintf("%s needs %s %s or later, and the one this run uses (TF_ACC_TERRAFORM_PATH) is %s; %s",
			c.f.What, name, minimum, req.TerraformVersion, target)
	}
}

// isOpenTofu tells OpenTofu by its binary's name or its registry, as Main does.
func isOpenTofu(binary, providerHost string) bool {
	return strings.HasPrefix(filepath.Base(binary), "tofu") || providerHost == "registry.opentofu.org"
}

// IsOpenTofu reports whether the acceptance tests run on OpenTofu (by its
// binary's name or its registry, as Main tells).
func IsOpenTofu() bool {
	return isOpenTofu(os.Getenv("TF_ACC_TERRAFORM_PATH"), os.Getenv("TF_ACC_PROVIDER_HOST"))
}
