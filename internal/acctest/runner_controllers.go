package acctest

// Runner controllers (GitLab Enterprise Edition 18.9+, Ultimate,
// administrators) through GitLab's REST API, so that the checks work against
// any GitLab: the mock's API handler, or live mode's GitLab. In live mode
// they see the test's controllers only (the description starts with the
// test's prefix); against the mock, every controller.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// RunnerController is a runner controller as GitLab's REST API shows it.
type RunnerController struct {
	ID          int64
	Description string // "" when GitLab shows null
	State       string
	Fields      map[string]any
}

func runnerControllerFromJSON(m map[string]any) RunnerController {
	c := RunnerController{Fields: m}
	c.ID = jsonInt(m["id"])
	c.Description, _ = m["description"].(string)
	c.State, _ = m["state"].(string)
	return c
}

func jsonInt(v any) int64 {
	switch n := v.(type) {
	case json.Number:
		i, _ := n.Int64()
		return i
	case float64:
		return int64(n)
	}
	return 0
}

// NeedsRunnerControllers skips the test in live mode unless GitLab has
// runner controllers for the administrator (GET /runner_controllers
// answers 200: Enterprise Edition 18.9+ with an Ultimate licence), naming
// what it answered. Against the mock it does nothing (the test chose the
// mock's version).
func (g *GitLab) NeedsRunnerControllers(t testing.TB) {
	t.Helper()
	if g.live == nil {
		return
	}
	g.AdminToken(t)
	status, _, _, err := g.rest.do(context.Background(), http.MethodGet, "/runner_controllers?per_page=1", nil)
	if err != nil {
		t.Fatalf("acctest: GET /runner_controllers: %v", err)
	}
	if status != http.StatusOK {
		skipLive(t, fmt.Sprintf("needs runner controllers (GitLab Enterprise Edition 18.9+ with an Ultimate licence): GET /runner_controllers answered %d", status))
	}
}

// RunnerControllers lists the test's runner controllers, in id order.
func (g *GitLab) RunnerControllers() ([]RunnerController, error) {
	items, err := g.rest.list(context.Background(), "/runner_controllers", nil)
	if err != nil {
		return nil, fmt.Errorf("listing runner controllers: %w", err)
	}
	var out []RunnerController
	for _, it := range items {
		if c := runnerControllerFromJSON(it); strings.HasPrefix(c.Description, g.prefix) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b RunnerController) int { return int(a.ID - b.ID) })
	return out, nil
}

// RunnerController reads runner controller id (GET /runner_controllers/:id);
// false when GitLab answers 404.
func (g *GitLab) RunnerController(id int64) (RunnerController, bool, error) {
	var fields map[string]any
	err := g.rest.call(context.Background(), http.MethodGet, "/runner_controllers/"+strconv.FormatInt(id, 10), nil, &fields)
	if statusOf(err) == http.StatusNotFound {
		return RunnerController{}, false, nil
	}
	if err != nil {
		return RunnerController{}, false, err
	}
	return runnerControllerFromJSON(fields), true, nil
}

// CheckNoRunnerControllersLeft is a CheckDestroy that wants none of the
// test's runner controllers (and so none of their scopes or tokens) left,
// also those the state never knew.
func (g *GitLab) CheckNoRunnerControllersLeft() func(*terraform.State) error {
	return func(*terraform.State) error {
		cs, err := g.RunnerControllers()
		if err != nil {
			return err
		}
		if len(cs) != 0 {
			ids := make([]int64, 0, len(cs))
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			return fmt.Errorf("runner controllers left in GitLab after destroy: %v", ids)
		}
		return nil
	}
}

// ActiveRunnerControllerTokenIDs lists the ids of the active tokens of the
// test's runner controllers (GitLab lists only those not revoked), sorted.
func (g *GitLab) ActiveRunnerControllerTokenIDs() ([]int64, error) {
	cs, err := g.RunnerControllers()
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, c := range cs {
		items, err := g.rest.list(context.Background(), fmt.Sprintf("/runner_controllers/%d/tokens", c.ID), nil)
		if err != nil {
			return nil, fmt.Errorf("listing the tokens of runner controller %d: %w", c.ID, err)
		}
		for _, it := range items {
			ids = append(ids, jsonInt(it["id"]))
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// CheckNoActiveRunnerControllerTokens is a CheckDestroy that wants every
// token of the test's runner controllers revoked, for tests whose
// controllers outlive the configuration.
func (g *GitLab) CheckNoActiveRunnerControllerTokens() func(*terraform.State) error {
	return func(*terraform.State) error {
		ids, err := g.ActiveRunnerControllerTokenIDs()
		if err != nil {
			return err
		}
		if len(ids) != 0 {
			return fmt.Errorf("active runner controller tokens left in GitLab after destroy: %v", ids)
		}
		return nil
	}
}

// RunnerControllerScopes reads a controller's scopes (GET
// /runner_controllers/:id/scopes): whether it has the instance scope, and
// the runners of its runner scopes, sorted.
func (g *GitLab) RunnerControllerScopes(id int64) (instance bool, runners []int64, err error) {
	var out struct {
		Instance []map[string]any `json:"instance_level_scopings"`
		Runners  []map[string]any `json:"runner_level_scopings"`
	}
	if err := g.rest.call(context.Background(), http.MethodGet, fmt.Sprintf("/runner_controllers/%d/scopes", id), nil, &out); err != nil {
		return false, nil, err
	}
	for _, r := range out.Runners {
		runners = append(runners, jsonInt(r["runner_id"]))
	}
	slices.Sort(runners)
	return len(out.Instance) > 0, runners, nil
}

// CreateRunnerController creates a runner controller outside Terraform as
// the administrator with GitLab's parameters (description, state) and
// returns its id. The description must come from Name (it is Name("") when
// absent).
func (g *GitLab) CreateRunnerController(t testing.TB, params map[string]any) int64 {
	t.Helper()
	p := map[string]any{"description": g.Name("")}
	for k, v := range params {
		p[k] = v
	}
	if d, _ := p["description"].(string); !strings.HasPrefix(d, g.prefix) {
		t.Fatalf("acctest: CreateRunnerController: the description %q does not carry the test's prefix: use GitLab.Name", d)
	}
	var out map[string]any
	if err := g.rest.call(context.Background(), http.MethodPost, "/runner_controllers", p, &out); err != nil {
		t.Fatalf("acctest: creating a runner controller: %v", err)
	}
	return jsonInt(out["id"])
}

// CreateRunnerControllerToken mints a token of controller outside Terraform
// as the administrator; the description must come from Name.
func (g *GitLab) CreateRunnerControllerToken(t testing.TB, controller int64, description string) (id int64, token string) {
	t.Helper()
	if !strings.HasPrefix(description, g.prefix) {
		t.Fatalf("acctest: CreateRunnerControllerToken: the description %q does not carry the test's prefix: use GitLab.Name", description)
	}
	var out map[string]any
	if err := g.rest.call(context.Background(), http.MethodPost, fmt.Sprintf("/runner_controllers/%d/tokens", controller),
		map[string]any{"description": description}, &out); err != nil {
		t.Fatalf("acctest: minting a runner controller token: %v", err)
	}
	token, _ = out["token"].(string)
	return jsonInt(out["id"]), token
}

// Call sends one request of GitLab's REST API as the administrator, for
// changes outside Terraform (path under /api/v4, e.g. "DELETE",
// "/runner_controllers/3"). Changes to settings go through
// UpdateInstanceSettings and UpdateSettings, which live mode puts back.
func (g *GitLab) Call(t testing.TB, method, path string, body any) {
	t.Helper()
	if err := g.rest.call(context.Background(), method, path, body, nil); err != nil {
		t.Fatalf("acctest: %v", err)
	}
}

// CheckNoRunnerControllersLeft is a CheckDestroy that wants no runner
// controller (and so no scope or token) left in the mock, also those the
// state never knew. GitLab.CheckNoRunnerControllersLeft works in live mode
// too.
func (m *Mock) CheckNoRunnerControllersLeft() func(*terraform.State) error {
	return func(*terraform.State) error {
		if ids := m.Store().RunnerControllerIDs(); len(ids) != 0 {
			return fmt.Errorf("runner controllers left in the mock coordinator after destroy: %v", ids)
		}
		return nil
	}
}

// CheckNoActiveRunnerControllerTokens is a CheckDestroy that wants every
// runner controller token revoked, for tests whose controllers outlive the
// configuration. GitLab.CheckNoActiveRunnerControllerTokens works in live
// mode too.
func (m *Mock) CheckNoActiveRunnerControllerTokens() func(*terraform.State) error {
	return func(*terraform.State) error {
		if ids := m.Store().ActiveRunnerControllerTokenIDs(); len(ids) != 0 {
			return fmt.Errorf("active runner controller tokens left in the mock coordinator after destroy: %v", ids)
		}
		return nil
	}
}

// RunnerControllerTokenWorks reports whether GitLab's job router would
// accept token from a runner controller now (the mock's store: GitLab has
// no REST API for it).
func (m *Mock) RunnerControllerTokenWorks(token string) bool {
	_, err := m.Store().AuthenticateRunnerControllerToken(token)
	return err == nil
}
