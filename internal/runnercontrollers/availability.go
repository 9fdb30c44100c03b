// Package runnercontrollers is what the runner controller resources and
// data sources share: which GitLab has runner controllers, and why a call
// failed when GitLab only says 403 or 404.
//
// GitLab answers the same 404 for a server without the API (older than
// 18.9, or the Community Edition: no such route), for an Enterprise Edition
// whose licence lacks runner controllers, and for a controller that does
// not exist; and 403 (401 without a user) to everyone but administrators
// (lib/api/ci/runner_controllers.rb: authenticated_as_admin!, then
// License.feature_available?(:ci_runner_controllers)). Check tells these
// apart with one GET /runner_controllers?per_page=1 and, when that fails
// with 404 or runner scopes are needed, one GET /version.
package runnercontrollers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
)

// The GitLab each part needs (doc/api/runner_controllers.md: introduced in
// 18.9; runner scopes in 18.10, issue 586417).
var (
	Requires             = gitlabapi.Requirement{Major: 18, Minor: 9, Enterprise: true}
	RequiresRunnerScopes = gitlabapi.Requirement{Major: 18, Minor: 10, Enterprise: true}
)

// Problem is why runner controllers cannot be used: a Title Case summary,
// what is missing and what to do (Advice), and GitLab's answer to the
// check when it failed with one.
type Problem struct {
	Summary string
	Advice  string
	probe   error
}

// Detail is the detail of a diagnostic about p alone.
func (p *Problem) Detail() string {
	if p.probe == nil {
		return p.Advice
	}
	return diagnostics.APIError("Checking that this GitLab and token may use runner controllers (GET /runner_controllers)",
		p.probe, p.Advice)
}

// Need is what an operation uses: runner controllers, or runner scopes too.
type Need int

// The needs of an operation.
const (
	Controllers Need = iota
	RunnerScopes
)

// needs is what runner controllers need, in one phrase.
const needs = "GitLab Enterprise Edition 18.9 or later with an Ultimate licence (the licensed feature " +
	"`ci_runner_controllers`; runner scopes need 18.10)"

// AdminNeeded is the advice for GitLab's 403 to a runner controller call.
const AdminNeeded = "Runner controllers are for administrators only: GitLab answers 403 Forbidden to every other user " +
	"(authenticated_as_admin!). Configure the provider with an administrator's personal access token with the `api` " +
	"scope (where the instance enforces admin mode, the token also needs the `admin_mode` scope)."

// verdict is the server's answer, kept for the provider process.
type verdict struct {
	mu      sync.Mutex
	known   bool
	problem *Problem
}

// Check returns why this server and token cannot do what need asks for, or
// nil when they can. It asks the server once per provider process; callers
// that come meanwhile wait for that answer. When GitLab gave no answer about
// runner controllers (no answer at all, 429, 5xx) nothing is kept, and the
// next call asks again. data must hold a client.
func Check(ctx context.Context, data *providerdata.Data, need Need) *Problem {
	v, _ := data.Shared(fmt.Sprintf("runnercontrollers.check.%d", need), func() any { return &verdict{} }).(*verdict)
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.known {
		return v.problem
	}
	p, transient := check(ctx, data.Client, need)
	if !transient {
		v.known, v.problem = true, p
	}
	return p
}

// CheckNow is Check without the cache: what the server says right now, as
// evidence before the provider forgets a resource whose call answered 404.
func CheckNow(ctx context.Context, client *gitlabapi.Client, need Need) *Problem {
	p, _ := check(ctx, client, need)
	return p
}

// check asks the server; the bool reports a problem that is no answer of
// GitLab's about runner controllers (no answer at all, a 5xx, a 429).
func check(ctx context.Context, client *gitlabapi.Client, need Need) (*Problem, bool) {
	err := client.ProbeRunnerControllers(ctx)
	status := diagnostics.Status(err)
	switch {
	case err == nil && need == Controllers:
		return nil, false
	case err == nil:
		return versionProblem(ctx, client, RequiresRunnerScopes, "Runner scopes", "Runner Scopes")
	case status == http.StatusNotFound:
		return notFoundProblem(ctx, client, err)
	case status == http.StatusForbidden && diagnostics.IsInsufficientScope(err):
		return &Problem{Summary: "Token Lacks the Scope for Runner Controllers", probe: err,
			Advice: "Runner controllers need a personal access token with the `api` scope (`read_api` is enough for the data sources)."}, false
	case status == http.StatusForbidden:
		return &Problem{Summary: "Runner Controllers Need an Administrator", Advice: AdminNeeded, probe: err}, false
	case status == http.StatusUnauthorized:
		return &Problem{Summary: "Access Token Not Accepted", probe: err,
			Advice: "Runner controllers also need the token's user to be an administrator."}, false
	}
	return &Problem{Summary: "Unable to Check Runner Controllers", probe: err}, transient(err)
}

// notFoundProblem explains GitLab's 404 to GET /runner_controllers with the
// server's version: too old, Community Edition, or a licence without them;
// transient when the version could not be read for want of an answer.
func notFoundProblem(ctx context.Context, client *gitlabapi.Client, probeErr error) (*Problem, bool) {
	p := &Problem{Summary: "Runner Controllers Not Available", probe: probeErr}
	v, err := client.GetVersion(ctx)
	if err != nil {
		p.Advice = fmt.Sprintf("Runner controllers need %s. The provider could not read the server's version to tell "+
			"which is missing (GET /version: %s).", needs, diagnostics.Answer(err))
		return p, transient(err)
	}
	met, known := Requires.MetBy(v)
	switch {
	case !known:
		p.Advice = fmt.Sprintf("Runner controllers need %s; the server's version %q cannot be read.", needs, v.Version)
	case !met:
		p.Summary = "Runner Controllers Not Available on This GitLab"
		p.Advice = fmt.Sprintf("Runner controllers need %s; the server is %s. Upgrade GitLab, or remove the runner "+
			"controller resources and data sources from this configuration.", needs, server(v))
	default:
		p.Summary = "Runner Controllers Not Licensed"
		p.Advice = fmt.Sprintf("The server, %s, has runner controllers, but its licence does not include them: they need "+
			"GitLab Ultimate (the licensed feature `ci_runner_controllers`). Install an Ultimate licence, or remove the runner "+
			"controller resources and data sources from this configuration.", server(v))
	}
	return p, false
}

// transient reports a failure that is no answer of GitLab's about the
// question (no answer at all, 429, a 5xx, a malformed answer): asking
// again may tell.
func transient(err error) bool {
	status := diagnostics.Status(err)
	var malformed *gitlabapi.MalformedAnswerError
	return status == 0 || status == http.StatusTooManyRequests || status >= 500 || errors.As(err, &malformed)
}

// versionProblem checks the server's version for a part of the API newer
// than the rest (what: "Runner scopes", title: "Runner Scopes").
func versionProblem(ctx context.Context, client *gitlabapi.Client, q gitlabapi.Requirement, what, title string) (*Problem, bool) {
	v, err := client.GetVersion(ctx)
	if err != nil {
		advice := diagnostics.APIError(fmt.Sprintf("Reading GitLab's version (GET /version) to check that the server has %s",
			strings.ToLower(what)), err, fmt.Sprintf("%s need %s. GET /version needs a token with the `api` or `read_api` scope.", what, q))
		return &Problem{Summary: "Unable to Check the GitLab Version", Advice: advice}, transient(err)
	}
	if met, known := q.MetBy(v); !met || !known {
		return &Problem{Summary: title + " Not Available on This GitLab", Advice: fmt.Sprintf("%s need %s; the server is %s, "+
			"which does not have them. Upgrade GitLab, or use the instance scope.", what, q, server(v))}, false
	}
	return nil, false
}

// server reads "GitLab 18.8.0-ee (Enterprise Edition)".
func server(v *gitlabapi.Version) string {
	edition := "Community Edition"
	if v.Enterprise {
		edition = "Enterprise Edition"
	}
	return fmt.Sprintf("GitLab %s (%s)", v.Version, edition)
}
