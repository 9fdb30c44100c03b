// Command sweep deletes what interrupted live runs of the acceptance tests
// (`make testacc-live`) left on a GitLab: the runners (with their project
// assignments) and the runner controllers and controller tokens whose
// description starts with a live run's mark (acctest.LiveRunPattern,
// "gitlabrunner-acctest-<8 hex digits>-"), and nothing else. It reads the
// same environment as live mode: GITLAB_BASE_URL, GITLAB_TOKEN, and
// GITLABRUNNER_TEST_GROUP_ID / GITLABRUNNER_TEST_PROJECT_IDS, listed when the
// token may not list every runner of the instance.
//
//	make sweep                  # go run ./tools/sweep
//	make sweep SWEEPARGS=-dry-run
//
// It prints one line per object deleted (or, with -dry-run, to delete) and
// exits 1 when something could not be deleted, 2 when it could not run.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testgitlab"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dry := fs.Bool("dry-run", false, "list what would be deleted, delete nothing")
	prefix := fs.String("prefix", acctest.LivePrefix, "sweep only descriptions starting with `PREFIX` (one run's: "+acctest.LivePrefix+"1a2b3c4d-); it must start with "+acctest.LivePrefix)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	settings, err := testgitlab.Read(getenv)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "sweep:", err)
		return 2
	}
	_, _ = fmt.Fprintf(stdout, "==> Sweeping %s: runners, runner controllers and controller tokens whose description starts with %q (and a run id)\n", settings.BaseURL, *prefix)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	rep, err := acctest.Sweep(ctx, acctest.SweepOptions{BaseURL: settings.BaseURL, Token: settings.Token, Prefix: *prefix,
		GroupID: settings.GroupID, ProjectIDs: settings.ProjectIDs, DryRun: *dry, Log: stdout})
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "sweep:", err)
		return 2
	}
	if rep.NoControllers != "" {
		_, _ = fmt.Fprintln(stdout, "    "+rep.NoControllers)
	}
	verb := "deleted"
	if *dry {
		verb = "to delete"
	}
	_, _ = fmt.Fprintf(stdout, "==> %d %s, %d failed\n", len(rep.Deleted), verb, len(rep.Failures))
	if len(rep.Failures) > 0 {
		_, _ = fmt.Fprintln(stderr, "sweep: could not delete:\n  "+strings.Join(rep.Failures, "\n  "))
		return 1
	}
	return 0
}
