package acctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// PreCheck skips the test unless TF_ACC is set, and fails it with a clear
// message when no Terraform binary can be found: terraform-plugin-testing
// would otherwise try to download one, which fails offline.
func PreCheck(t testing.TB) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it (it drives terraform against an in-process mock coordinator)")
	}
	if msg := terraformProblem(os.Getenv("TF_ACC_TERRAFORM_PATH"), exec.LookPath); msg != "" {
		t.Fatal(msg)
	}
}

const installHint = "install one with `go install github.com/hashicorp/terraform@v1.5.7` (or OpenTofu: `go install github.com/opentofu/opentofu/cmd/tofu@v1.6.3`) and set TF_ACC_TERRAFORM_PATH to its absolute path"

// terraformProblem returns "" when a usable binary is configured, else what is wrong.
func terraformProblem(tfPath string, lookPath func(string) (string, error)) string {
	if tfPath != "" {
		if !filepath.IsAbs(tfPath) {
			return "TF_ACC_TERRAFORM_PATH=" + tfPath + " must be an absolute path to a terraform binary"
		}
		fi, err := os.Stat(tfPath)
		if err != nil {
			return "TF_ACC_TERRAFORM_PATH=" + tfPath + ": " + err.Error() + "; " + installHint
		}
		if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			return "TF_ACC_TERRAFORM_PATH=" + tfPath + " is not an executable file; " + installHint
		}
		return ""
	}
	if _, err := lookPath("terraform"); err != nil {
		return "TF_ACC is set but there is no terraform binary: TF_ACC_TERRAFORM_PATH is empty and terraform is not on PATH; " + installHint
	}
	return ""
}
