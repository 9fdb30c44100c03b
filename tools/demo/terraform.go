package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfcli"
)

// terraform runs the Terraform CLI in the demo's working directory with a
// private environment. Every run's output goes to a log file under .demo/logs;
// a failure prints the end of it.
type terraform struct {
	bin    string
	dir    string // working directory (the copy of examples/demo)
	logDir string
	env    []string
	runs   int
}

// run executes `terraform <args>` and returns its stdout. Stdout and stderr
// both go to the log; on failure the error carries the log's last lines. On
// Ctrl-C or a failure of the demo, Terraform and its provider plugin stop
// with it (see tfcli.Run).
func (t *terraform) run(ctx context.Context, extraEnv []string, args ...string) (string, error) {
	t.runs++
	logPath := filepath.Join(t.logDir, fmt.Sprintf("%02d-%s-%s.log", t.runs, filepath.Base(t.bin), args[0]))
	env := append(append([]string{}, t.env...), extraEnv...)
	out, _, err := tfcli.Run(ctx, t.bin, t.dir, env, logPath, 40, args...)
	return out, err
}

// summaryLine picks Terraform's one-line result ("Apply complete! ...") from its output.
func summaryLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "Apply complete!") || strings.HasPrefix(l, "Destroy complete!") {
			return l
		}
	}
	return ""
}
