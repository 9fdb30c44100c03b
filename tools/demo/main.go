// Command demo is what `make demo` runs: it shows the provider end to end
// against the mock coordinator (an in-memory GitLab), with nothing to set up.
//
//  1. builds the provider into .demo/plugins;
//  2. starts the mock coordinator in this process on a free loopback port;
//  3. writes a private Terraform CLI configuration (.demo/terraformrc) whose
//     dev_overrides serve that provider — the user's ~/.terraformrc is never
//     read, and nothing is downloaded;
//  4. applies a copy of examples/demo in .demo/run, prints the runners, their
//     token prefixes and expiry (never a token), the demo group's
//     registration-token policy, registers a host the way gitlab-runner does,
//     rotates a token in place, and prints the command a user runs next;
//  5. destroys everything, checks the mock has no runner left, and stops.
//
// Usage (from the repository root): go run ./tools/demo --terraform /path/to/terraform
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfcli"
)

func main() {
	tfPath := flag.String("terraform", "", "absolute path of the terraform (or tofu) binary")
	flag.Parse()
	if *tfPath == "" && flag.NArg() == 1 {
		*tfPath = flag.Arg(0)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *tfPath)
	interrupted := errors.Is(ctx.Err(), context.Canceled)
	stop()
	if err != nil {
		if interrupted {
			fmt.Fprintln(os.Stderr, "\ndemo interrupted")
		}
		fmt.Fprintf(os.Stderr, "\ndemo failed: %v\n", err)
		fmt.Fprintln(os.Stderr, "Nothing is left running; `make demo` starts from scratch every time.")
		os.Exit(1)
	}
}

func run(ctx context.Context, tfPath string) error {
	tfPath, err := tfcli.Binary(tfPath, "run it as `make demo`, or `go run ./tools/demo --terraform /path/to/terraform`")
	if err != nil {
		return err
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(root, "examples", "demo", "main.tf")); err != nil {
		return fmt.Errorf("run the demo from the repository root (examples/demo/main.tf not found in %s)", root)
	}

	d := &demo{root: root, dir: filepath.Join(root, ".demo"), tfPath: tfPath, out: os.Stdout, cli: tfcli.Name(tfPath)}
	return d.run(ctx)
}
