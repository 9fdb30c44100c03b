package datasources_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// Note for the acceptance tests: provider aliases with different tokens or
// servers do not work in terraform-plugin-testing, because every alias talks to
// the same in-process provider server and the last Configure wins. Tests
// therefore use one step per token or server.

func itoa(n int64) string { return fmt.Sprint(n) }

// testClient is a client for the mock authenticated as token, for setting up
// fixtures through GitLab's own API.
func testClient(t testing.TB, m *acctest.Mock, token string) *gitlabapi.Client {
	t.Helper()
	c, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: m.URL(), Token: token})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// createRunner creates a runner through POST /user/runners and returns its
// id and authentication token.
func createRunner(t testing.TB, c *gitlabapi.Client, opts gitlabapi.CreateUserRunnerOptions) (int64, string) {
	t.Helper()
	rt, err := c.CreateUserRunner(context.Background(), opts)
	if err != nil {
		t.Fatalf("creating a %s runner: %v", opts.RunnerType, err)
	}
	return rt.ID, rt.Token
}

func ptr[T any](v T) *T { return &v }

// startMock is acctest.StartMock plus a 2 s pause before the mock closes.
//
// Workaround: Go's transport sometimes dials a spare connection while
// Terraform reads several data sources at once and then never uses it. The
// server sees it in StateNew, and http.Server.Shutdown counts such a
// connection as idle only once it is 5–6 s old, while the mock's Close gives
// Shutdown 5 s and reports "shutdown: context deadline exceeded", failing the
// test. The pause (a cleanup registered after StartMock's, so it runs first)
// lets the connection age. Remove it once Server.Close force-closes after a
// short graceful shutdown.
func startMock(t *testing.T, opts ...acctest.MockOption) *acctest.Mock {
	t.Helper()
	m := acctest.StartMock(t, opts...)
	t.Cleanup(func() { time.Sleep(2 * time.Second) })
	return m
}
