package acctest

// Checks and outside-Terraform actions through GitLab's REST API, so that
// they work against any GitLab (the mock's API handler, or live mode's
// GitLab directly, never through the test's front: its faults and counts are
// the provider's).

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// Runner reads runner id (GET /runners/:id as an administrator); false when
// GitLab answers 404.
func (g *GitLab) Runner(t testing.TB, id int64) (Runner, bool) {
	t.Helper()
	r, found, err := g.rest.runner(context.Background(), id)
	if err != nil {
		t.Fatalf("acctest: reading runner %d: %v", id, err)
	}
	return r, found
}

// RunnerFound is Runner for check functions: false when GitLab answers 404,
// an error instead of failing.
func (g *GitLab) RunnerFound(id int64) (Runner, bool, error) {
	return g.rest.runner(context.Background(), id)
}

// RunnerErr is Runner for check functions: an error instead of failing, and
// when the runner is gone.
func (g *GitLab) RunnerErr(id int64) (Runner, error) {
	r, found, err := g.rest.runner(context.Background(), id)
	if err != nil {
		return r, err
	}
	if !found {
		return r, fmt.Errorf("runner %d does not exist in GitLab", id)
	}
	return r, nil
}

// runnersErr lists the test's runners: every runner of the mock, or in live
// mode those whose description starts with the test's prefix; in id order.
func (g *GitLab) runnersErr() ([]Runner, error) {
	out, err := g.rest.runners(context.Background(), g.groupID(), g.projectIDs(), func(r Runner) bool {
		return strings.HasPrefix(r.Description, g.prefix)
	})
	if err != nil {
		return nil, fmt.Errorf("listing runners: %w", err)
	}
	return out, nil
}

// Runners lists the test's runners (every runner of the mock; in live mode
// those carrying the test's prefix), in id order.
func (g *GitLab) Runners(t testing.TB) []Runner {
	t.Helper()
	out, err := g.runnersErr()
	if err != nil {
		t.Fatalf("acctest: %v", err)
	}
	return out
}

// RunnerIDs are the ids of Runners.
func (g *GitLab) RunnerIDs(t testing.TB) []int64 {
	t.Helper()
	return idsOfRunners(g.Runners(t))
}

// RunnerIDsErr is RunnerIDs for check functions.
func (g *GitLab) RunnerIDsErr() ([]int64, error) {
	rs, err := g.runnersErr()
	return idsOfRunners(rs), err
}

func idsOfRunners(rs []Runner) []int64 {
	ids := make([]int64, 0, len(rs))
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

func sortRunners(rs []Runner) { sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID }) }

// CheckDestroy is a CheckDestroy: every resource of resourceType in the
// state (its id is the runner id) must be gone from GitLab.
func (g *GitLab) CheckDestroy(resourceType string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for name, rs := range s.RootModule().Resources {
			if rs.Type != resourceType || rs.Primary == nil {
				continue
			}
			id, err := strconv.ParseInt(rs.Primary.ID, 10, 64)
			if err != nil {
				return fmt.Errorf("%s: id %q is not a runner id", name, rs.Primary.ID)
			}
			_, found, err := g.rest.runner(context.Background(), id)
			if err != nil {
				return err
			}
			if found {
				return fmt.Errorf("%s: runner %d still exists in GitLab after destroy", name, id)
			}
		}
		return nil
	}
}

// CheckNoRunnersLeft is a CheckDestroy that wants no runner of the test
// left (Runners): stricter than CheckDestroy, it also catches runners the
// state never knew (orphans).
func (g *GitLab) CheckNoRunnersLeft() func(*terraform.State) error {
	return func(*terraform.State) error {
		ids, err := g.RunnerIDsErr()
		if err != nil {
			return err
		}
		if len(ids) != 0 {
			return fmt.Errorf("runners left in GitLab after destroy: %v", ids)
		}
		return nil
	}
}

// VerifyStatus sends what `gitlab-runner register --token` sends (POST
// /runners/verify with the RUNNER-TOKEN header) and returns the HTTP status:
// 200 when the token is valid, 403 when not.
func (g *GitLab) VerifyStatus(t testing.TB, runnerToken, systemID string) int {
	t.Helper()
	status, _, err := g.rest.verify(context.Background(), runnerToken, systemID)
	if err != nil {
		t.Fatalf("acctest: %v", err) // never the token
	}
	return status
}

// RegisterStatus sends what the legacy `gitlab-runner register
// --registration-token` sends (POST /runners) and returns the HTTP status:
// 201 when GitLab registers a runner (described g.Name("legacy runner"),
// deleted with the test's others), 410 when registration tokens are off
// there, 403 for a token it does not recognise.
func (g *GitLab) RegisterStatus(t testing.TB, registrationToken string) int {
	t.Helper()
	status, _, err := g.rest.register(context.Background(), registrationToken, g.Name("legacy runner"))
	if err != nil {
		t.Fatalf("acctest: %v", err)
	}
	return status
}

// RotateAsRunner rotates a token the way a running gitlab-runner does when
// 75% of its lifetime has passed and returns the HTTP status (201 rotated,
// 403 unknown or expired token) and the new token.
func (g *GitLab) RotateAsRunner(t testing.TB, runnerToken string) (int, string) {
	t.Helper()
	status, token, err := g.rest.rotateAsRunner(context.Background(), runnerToken)
	if err != nil {
		t.Fatalf("acctest: %v", err)
	}
	return status, token
}

// CreateRunner creates a runner outside Terraform (POST /user/runners as
// token; "" is the administrator) with GitLab's parameters, and returns its
// id and token. The description must come from Name (it is Name("") when
// absent).
func (g *GitLab) CreateRunner(t testing.TB, token string, params map[string]any) (int64, string) {
	t.Helper()
	p := map[string]any{}
	for k, v := range params {
		p[k] = v
	}
	if _, ok := p["description"]; !ok {
		p["description"] = g.Name("")
	}
	if d, _ := p["description"].(string); !strings.HasPrefix(d, g.prefix) {
		t.Fatalf("acctest: CreateRunner: the description %q does not carry the test's prefix: use GitLab.Name", d)
	}
	id, runnerToken, err := g.client(token).createRunner(context.Background(), p)
	if err != nil {
		t.Fatalf("acctest: creating a runner: %v", err)
	}
	return id, runnerToken
}

// UpdateRunner changes a runner outside Terraform (PUT /runners/:id as an
// administrator) with GitLab's parameters.
func (g *GitLab) UpdateRunner(t testing.TB, id int64, params map[string]any) {
	t.Helper()
	if d, set := params["description"]; set {
		if s, _ := d.(string); !strings.HasPrefix(s, g.prefix) {
			t.Fatalf("acctest: UpdateRunner: the description %q does not carry the test's prefix: use GitLab.Name", s)
		}
	}
	if err := g.rest.updateRunner(context.Background(), id, params); err != nil {
		t.Fatalf("acctest: updating runner %d: %v", id, err)
	}
}

// DeleteRunner deletes a runner outside Terraform (as an administrator); a
// runner already gone is no error.
func (g *GitLab) DeleteRunner(t testing.TB, id int64) {
	t.Helper()
	if err := g.rest.deleteRunner(context.Background(), id); err != nil {
		t.Fatalf("acctest: deleting runner %d: %v", id, err)
	}
}

// AssignRunner assigns a project runner to another project outside
// Terraform (as token; "" is the administrator).
func (g *GitLab) AssignRunner(t testing.TB, token string, projectID, runnerID int64) {
	t.Helper()
	if err := g.client(token).assignRunner(context.Background(), projectID, runnerID); err != nil {
		t.Fatalf("acctest: assigning runner %d to project %d: %v", runnerID, projectID, err)
	}
}

// UnassignRunner removes an assignment outside Terraform (as an
// administrator); an assignment already gone is no error.
func (g *GitLab) UnassignRunner(t testing.TB, projectID, runnerID int64) {
	t.Helper()
	if err := g.rest.unassignRunner(context.Background(), projectID, runnerID); err != nil {
		t.Fatalf("acctest: unassigning runner %d from project %d: %v", runnerID, projectID, err)
	}
}

// client is the checks' client as token ("" = the administrator).
func (g *GitLab) client(token string) *restClient {
	if token == "" {
		return g.rest
	}
	return g.rest.as(token)
}

// RunnerManagers lists the system_id of each manager of a runner (GET
// /runners/:id/managers), sorted.
func (g *GitLab) RunnerManagers(id int64) ([]string, error) {
	items, err := g.rest.list(context.Background(), "/runners/"+strconv.FormatInt(id, 10)+"/managers", nil)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, it := range items {
		if s, ok := it["system_id"].(string); ok {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out, nil
}

// ResetRunnerToken mints a new token for a runner outside Terraform, as an
// administrator does (POST /runners/:id/reset_authentication_token), and
// returns it.
func (g *GitLab) ResetRunnerToken(t testing.TB, id int64) string {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	if err := g.rest.call(context.Background(), "POST", "/runners/"+strconv.FormatInt(id, 10)+"/reset_authentication_token", nil, &out); err != nil {
		t.Fatalf("acctest: an administrator's reset of runner %d's token: %v", id, err)
	}
	return out.Token
}

// ProjectPath is a project's path_with_namespace (GET /projects/:id).
func (g *GitLab) ProjectPath(t testing.TB, id int64) string {
	t.Helper()
	p, err := g.rest.object(context.Background(), "/projects/"+strconv.FormatInt(id, 10))
	if err != nil {
		t.Fatalf("acctest: reading project %d: %v", id, err)
	}
	path, _ := p["path_with_namespace"].(string)
	return path
}

// InstanceSettings reads the instance's application settings (GET
// /application/settings as an administrator), numbers as json.Number.
func (g *GitLab) InstanceSettings() (map[string]any, error) {
	return g.rest.object(context.Background(), "/application/settings")
}

// VerifiedRunner sends what `gitlab-runner register --token` sends and
// returns the status and the id of the runner GitLab says the token belongs
// to (0 when refused).
func (g *GitLab) VerifiedRunner(t testing.TB, runnerToken, systemID string) (status int, runnerID int64) {
	t.Helper()
	status, runnerID, err := g.rest.verify(context.Background(), runnerToken, systemID)
	if err != nil {
		t.Fatalf("acctest: %v", err) // never the token
	}
	return status, runnerID
}

// GroupPath is a group's full_path (GET /groups/:id).
func (g *GitLab) GroupPath(t testing.TB, id int64) string {
	t.Helper()
	gr, err := g.rest.object(context.Background(), "/groups/"+strconv.FormatInt(id, 10))
	if err != nil {
		t.Fatalf("acctest: reading group %d: %v", id, err)
	}
	path, _ := gr["full_path"].(string)
	return path
}

// RegistrationToken is the runners_token GitLab shows in a group's or a
// project's details (path "/groups/12", "/projects/34"); "" when it shows
// none (registration tokens off, or the token may not see it).
func (g *GitLab) RegistrationToken(t testing.TB, path string) string {
	t.Helper()
	obj, err := g.rest.object(context.Background(), path)
	if err != nil {
		t.Fatalf("acctest: GET %s: %v", path, err)
	}
	tok, _ := obj["runners_token"].(string)
	return tok
}

// User is the user a token belongs to (GET /user).
type User struct {
	ID       int64
	Username string
}

// CurrentUser is the user of token ("" is the administrator).
func (g *GitLab) CurrentUser(t testing.TB, token string) User {
	t.Helper()
	u, err := g.client(token).object(context.Background(), "/user")
	if err != nil {
		t.Fatalf("acctest: GET /user: %v", err)
	}
	n, _ := u["id"].(json.Number)
	id, _ := n.Int64()
	name, _ := u["username"].(string)
	return User{ID: id, Username: name}
}

// Version is the version GitLab reports (GET /version), e.g. "18.6.0-ee".
func (g *GitLab) Version(t testing.TB) store.Version {
	t.Helper()
	info, err := g.rest.object(context.Background(), "/version")
	if err != nil {
		t.Fatalf("acctest: GET /version: %v", err)
	}
	raw, _ := info["version"].(string)
	return store.ParseVersion(raw)
}
