package main

// Tests of tools/find-terraform.sh, the choice of `make demo` and `make
// test-modules`: fake terraform, tofu and make programs on a private PATH.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBin writes an executable name into a new directory under base that
// prints version for `version`; it returns the directory.
func fakeBin(t *testing.T, base, dir, name, version string) string {
	t.Helper()
	d := filepath.Join(base, dir)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\n[ \"$1\" = version ] && echo '" + version + "' && echo 'on linux_amd64'\n"
	if err := os.WriteFile(filepath.Join(d, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

// findTerraform runs the script with PATH = dirs (plus the system's tools).
func findTerraform(t *testing.T, env []string, dirs []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "find-terraform.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", append([]string{script}, args...)...)
	cmd.Env = append(env, "PATH="+strings.Join(append(dirs, "/usr/bin", "/bin"), ":"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out.String()), errOut.String(), code
}

func TestFindTerraformForTheDemo(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	base := t.TempDir()
	old := fakeBin(t, base, "old", "terraform", "Terraform v1.4.7")
	v15 := fakeBin(t, base, "v15", "terraform", "Terraform v1.5.7")
	v111 := fakeBin(t, base, "v111", "terraform", "Terraform v1.11.4")
	tofu := fakeBin(t, base, "tofu", "tofu", "OpenTofu v1.6.3")

	// The first Terraform 1.5+ on the PATH, saying which and its version; an
	// older one before it is passed over.
	out, errOut, code := findTerraform(t, nil, []string{old, v15, v111}, "demo")
	if code != 0 || out != filepath.Join(v15, "terraform") || !strings.Contains(errOut, "Using Terraform v1.5.7 ("+filepath.Join(v15, "terraform")+", found on the PATH") {
		t.Errorf("demo: %d %q %q", code, out, errOut)
	}
	// Without Terraform, OpenTofu 1.6+.
	if out, _, code := findTerraform(t, nil, []string{old, tofu}, "demo"); code != 0 || out != filepath.Join(tofu, "tofu") {
		t.Errorf("demo with tofu only: %d %q", code, out)
	}
	// TERRAFORM=… wins, and must be new enough.
	out, errOut, code = findTerraform(t, nil, []string{v111}, "demo", filepath.Join(tofu, "tofu"))
	if code != 0 || out != filepath.Join(tofu, "tofu") || !strings.Contains(errOut, "Using OpenTofu v1.6.3") || !strings.Contains(errOut, "from TERRAFORM=") {
		t.Errorf("explicit tofu: %d %q %q", code, out, errOut)
	}
	_, errOut, code = findTerraform(t, nil, []string{v111}, "demo", filepath.Join(old, "terraform"))
	if code != 2 || !strings.Contains(errOut, "Terraform 1.4.7") || !strings.Contains(errOut, "needs Terraform 1.5+") {
		t.Errorf("explicit old terraform: %d %q", code, errOut)
	}
	// newest: the highest version, whatever the PATH order.
	if out, _, code := findTerraform(t, nil, []string{v15, old, v111}, "newest", "1.6"); code != 0 || out != filepath.Join(v111, "terraform") {
		t.Errorf("newest: %d %q", code, out)
	}
	if out, _, code := findTerraform(t, nil, []string{v15, old}, "newest", "1.6"); code != 1 || out != "" {
		t.Errorf("newest without 1.6+: %d %q", code, out)
	}
	// newer: the highest version above the pinned one (make testacc-newest);
	// the pinned one itself, or nothing newer, prints nothing and succeeds.
	if out, _, code := findTerraform(t, nil, []string{v15, v111}, "newer", "1.5.7"); code != 0 || out != filepath.Join(v111, "terraform") {
		t.Errorf("newer: %d %q", code, out)
	}
	if out, _, code := findTerraform(t, nil, []string{old, v15, tofu}, "newer", "1.5.7"); code != 0 || out != "" {
		t.Errorf("newer with only the pinned one: %d %q", code, out)
	}
}

// Only when there is no Terraform at all does the demo build one, saying that
// this compiles Terraform and showing progress while `make` runs.
func TestFindTerraformBuildsOnlyWhenNoneIsFound(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	base := t.TempDir()
	target := filepath.Join(base, "tools", "terraform")
	// A fake make that takes 3 s to "compile" Terraform 1.5.7 into its target.
	makeDir := filepath.Join(base, "make")
	if err := os.MkdirAll(makeDir, 0o755); err != nil {
		t.Fatal(err)
	}
	fakeMake := "#!/bin/sh\nfor a; do t=$a; done\nsleep 3\nmkdir -p \"$(dirname \"$t\")\"\n" +
		"printf '#!/bin/sh\\necho Terraform v1.5.7\\n' > \"$t\"\nchmod +x \"$t\"\n"
	if err := os.WriteFile(filepath.Join(makeDir, "make"), []byte(fakeMake), 0o755); err != nil {
		t.Fatal(err)
	}
	old := fakeBin(t, base, "old", "terraform", "Terraform v1.4.7")

	out, errOut, code := findTerraform(t, []string{"FIND_TERRAFORM_PROGRESS_SECONDS=1"}, []string{makeDir, old}, "demo", "", target)
	if code != 0 || out != target {
		t.Fatalf("build: %d %q\n%s", code, out, errOut)
	}
	for _, want := range []string{"building Terraform from source", "compiles Terraform", "several minutes",
		"still compiling Terraform...", "Terraform built in", "Using Terraform v1.5.7 (" + target + ")"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the build's messages lack %q:\n%s", want, errOut)
		}
	}
}
