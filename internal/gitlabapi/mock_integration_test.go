package gitlabapi_test

// These tests run the client against the project's mock coordinator, which
// follows the same API reference: they catch the two drifting apart.

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

func mockClient(t *testing.T, m *acctest.Mock, token string) *gitlabapi.Client {
	t.Helper()
	c, err := gitlabapi.NewClient(gitlabapi.Config{
		BaseURL: m.URL(), Token: token, Retries: 2,
		RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMockRunnerLifecycle(t *testing.T) {
	m := acctest.StartMock(t)
	c := mockClient(t, m, m.Seed.Project.MaintainerToken)
	ctx := t.Context()

	tok, err := c.CreateUserRunner(ctx, gitlabapi.CreateUserRunnerOptions{
		RunnerType: gitlabapi.RunnerTypeProject, ProjectID: new(m.Seed.Project.ID),
		RunnerAttributes: gitlabapi.RunnerAttributes{
			Description: new("lifecycle"), TagList: &[]string{"docker"}, MaximumTimeout: new(int64(3600)),
		},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if tok.ID == 0 || len(tok.Token) < 10 {
		t.Fatalf("create answer = %+v", tok.ID)
	}

	r, err := c.GetRunner(ctx, tok.ID)
	if err != nil || r.Description == nil || *r.Description != "lifecycle" || r.RunnerType != gitlabapi.RunnerTypeProject ||
		r.MaximumTimeout == nil || *r.MaximumTimeout != 3600 || r.TagList == nil || len(*r.TagList) != 1 || r.CreatedAt == nil {
		t.Fatalf("get: %+v %v", r, err)
	}

	_, err = c.UpdateRunner(ctx, tok.ID, gitlabapi.UpdateRunnerOptions{RunnerAttributes: gitlabapi.RunnerAttributes{MaximumTimeout: new(int64(5))}})
	var apiErr *gitlabapi.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || len(apiErr.Fields["maximum_timeout"]) == 0 {
		t.Fatalf("invalid update: %#v", err)
	}
	r, err = c.UpdateRunner(ctx, tok.ID, gitlabapi.UpdateRunnerOptions{ClearMaximumTimeout: true, RunnerAttributes: gitlabapi.RunnerAttributes{TagList: &[]string{"a", "b"}}})
	if err != nil || r.MaximumTimeout != nil || r.TagList == nil || len(*r.TagList) != 2 {
		t.Fatalf("update: %+v %v", r, err)
	}

	if _, err := c.VerifyRunner(ctx, tok.Token, "s_lifecycle01"); err != nil {
		t.Fatalf("verify: %v", err)
	}
	ms, err := c.ListRunnerManagers(ctx, tok.ID)
	if err != nil || len(ms) != 1 || ms[0].SystemID != "s_lifecycle01" {
		t.Fatalf("managers: %+v %v", ms, err)
	}

	rot, err := c.ResetRunnerAuthenticationToken(ctx, tok.ID)
	if err != nil || rot.Token == tok.Token {
		t.Fatalf("reset: %v", err)
	}
	if _, err := c.VerifyRunner(ctx, tok.Token, "s_lifecycle01"); !errors.Is(err, gitlabapi.ErrForbidden) {
		t.Errorf("old token after reset: want 403, got %v", err)
	}

	list, err := c.ListRunners(ctx, gitlabapi.ListRunnersOptions{Scope: gitlabapi.RunnerScopeProject, ScopeID: m.Seed.Project.ID})
	if err != nil || len(list) == 0 {
		t.Fatalf("list: %v %v", list, err)
	}

	if err := c.DeleteRunner(ctx, tok.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := c.GetRunner(ctx, tok.ID); !errors.Is(err, gitlabapi.ErrNotFound) {
		t.Errorf("after delete: want ErrNotFound, got %v", err)
	}
}

func TestMockMetadata(t *testing.T) {
	m := acctest.StartMock(t)
	admin := mockClient(t, m, m.Seed.AdminToken)
	ctx := t.Context()
	if v, err := admin.GetVersion(ctx); err != nil || v.Version == "" {
		t.Errorf("version: %+v %v", v, err)
	}
	if s, err := admin.GetApplicationSettings(ctx); err != nil || s.AllowRunnerRegistrationToken == nil {
		t.Errorf("settings: %+v %v", s, err)
	}
	g, err := admin.GetGroup(ctx, m.Seed.Group.ID)
	if err != nil || g.FullPath != m.Seed.Group.FullPath || !g.RunnersTokenVisible {
		t.Errorf("group: %+v %v", g, err)
	}
	p, err := admin.GetProject(ctx, m.Seed.Project.ID)
	if err != nil || p.PathWithNamespace != m.Seed.Project.PathWithNamespace {
		t.Errorf("project: %+v %v", p, err)
	}
	dev := mockClient(t, m, m.Seed.Group.DeveloperToken)
	if _, err := dev.GetApplicationSettings(ctx); !errors.Is(err, gitlabapi.ErrForbidden) {
		t.Errorf("settings as developer: want 403, got %v", err)
	}
	if g, err := dev.GetGroup(ctx, m.Seed.Group.ID); err == nil && g.RunnersTokenVisible {
		t.Errorf("developer must not see runners_token")
	}
}

func TestMockCreateAppliedThenFailedIsMaybeApplied(t *testing.T) {
	for _, kind := range []mockcoordinator.FaultKind{mockcoordinator.FaultApplyThenStatus, mockcoordinator.FaultApplyThenDrop} {
		m := acctest.StartMock(t)
		c := mockClient(t, m, m.Seed.AdminToken)
		m.Faults().Add(mockcoordinator.Fault{Route: "POST /user/runners", Kind: kind, Times: 1})
		before := len(m.Store().RunnerIDs())
		_, err := c.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeInstance})
		if !errors.Is(err, gitlabapi.ErrMaybeApplied) {
			t.Errorf("%v: want ErrMaybeApplied, got %v", kind, err)
		}
		if got := m.Stats().Requests("POST /user/runners"); got != 1 {
			t.Errorf("%v: %d create requests, want exactly 1 (no retry)", kind, got)
		}
		if after := len(m.Store().RunnerIDs()); after != before+1 {
			t.Errorf("%v: runners %d → %d; the fault should have applied the create", kind, before, after)
		}
	}
}

func TestMockGetRetriedThroughFaults(t *testing.T) {
	m := acctest.StartMock(t)
	c := mockClient(t, m, m.Seed.AdminToken)
	m.Faults().Add(mockcoordinator.Fault{Route: "GET /version", Kind: mockcoordinator.FaultDrop, Times: 1})
	m.Faults().Add(mockcoordinator.Fault{Route: "GET /version", Kind: mockcoordinator.FaultStatus, Status: 502, Times: 1})
	if _, err := c.GetVersion(t.Context()); err != nil {
		t.Fatalf("GET through a drop and a 502: %v", err)
	}
	if got := m.Stats().Requests("GET /version"); got != 3 {
		t.Errorf("GET /version requests = %d, want 3", got)
	}
}

// Assignments, group and instance settings against the mock: the same
// bodies and answers the unit tests pin, from the other side.
func TestMockRunnerPlacement(t *testing.T) {
	m := acctest.StartMock(t)
	ctx := t.Context()
	maint := mockClient(t, m, m.Seed.Group.MaintainerToken)
	app, web := m.Seed.Projects[0], m.Seed.Projects[1]
	tok, err := maint.CreateUserRunner(ctx, gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeProject, ProjectID: new(app.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := maint.AssignRunnerToProject(ctx, web.ID, tok.ID); err != nil {
		t.Fatalf("assign: %v", err)
	}
	if _, err := maint.AssignRunnerToProject(ctx, web.ID, tok.ID); !gitlabapi.IsAlreadyAssigned(err) {
		t.Fatalf("assign twice: %v", err)
	}
	r, err := maint.GetRunner(ctx, tok.ID)
	if err != nil || len(r.Projects) != 2 {
		t.Fatalf("projects: %+v %v", r, err)
	}
	if err := maint.UnassignRunnerFromProject(ctx, app.ID, tok.ID); !errors.Is(err, gitlabapi.ErrForbidden) {
		t.Fatalf("unassign the owner project: %v", err)
	}
	if err := maint.UnassignRunnerFromProject(ctx, web.ID, tok.ID); err != nil {
		t.Fatalf("unassign: %v", err)
	}
	if err := maint.UnassignRunnerFromProject(ctx, web.ID, tok.ID); !errors.Is(err, gitlabapi.ErrNotFound) {
		t.Fatalf("unassign twice: %v", err)
	}

	admin := mockClient(t, m, m.Seed.AdminToken)
	s, err := admin.UpdateApplicationSettings(ctx, gitlabapi.UpdateApplicationSettingsOptions{ApplicationSettings: gitlabapi.ApplicationSettings{
		AllowRunnerRegistrationToken: new(true), ProjectRunnerTokenExpirationInterval: new(int64(3600))}})
	if err != nil || !*s.AllowRunnerRegistrationToken || *s.ProjectRunnerTokenExpirationInterval != 3600 {
		t.Fatalf("settings: %+v %v", s, err)
	}
	if _, err := maint.UpdateApplicationSettings(ctx, gitlabapi.UpdateApplicationSettingsOptions{}); !errors.Is(err, gitlabapi.ErrForbidden) {
		t.Fatalf("settings by a non-admin: %v", err)
	}
	owner := mockClient(t, m, m.Seed.Group.OwnerToken)
	g, err := owner.UpdateGroupRunnerSettings(ctx, &gitlabapi.Group{ID: m.Seed.Group.ID, FullPath: m.Seed.Group.FullPath},
		gitlabapi.GroupRunnerSettings{SharedRunnersSetting: new("disabled_and_overridable")})
	if err != nil || *g.SharedRunnersSetting != "disabled_and_overridable" {
		t.Fatalf("group: %+v %v", g, err)
	}
}

// TestMockRunnerTokenExpiry: the client's GraphQL query and the mock's
// /api/graphql agree: the expiry follows resets, the REST details do not
// show it (as no released GitLab does), and a token without api/read_api
// is refused.
func TestMockRunnerTokenExpiry(t *testing.T) {
	m := acctest.StartMock(t)
	lifetime := int64(7 * 24 * 3600)
	m.Store().UpdateSettings(func(s *store.Settings) { s.ProjectRunnerTokenExpirationInterval = &lifetime })
	c := mockClient(t, m, m.Seed.Project.MaintainerToken)
	ctx := t.Context()
	tok, err := c.CreateUserRunner(ctx, gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeProject, ProjectID: new(m.Seed.Project.ID)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.RunnerTokenExpiry(ctx, tok.ID)
	if err != nil || !got.Known || got.At == nil || !got.At.Equal(tok.TokenExpiresAt.Truncate(time.Second)) {
		t.Fatalf("expiry after create = %+v, %v; want %v", got, err, tok.TokenExpiresAt)
	}
	m.Clock.Advance(time.Hour)
	rot, err := c.ResetRunnerAuthenticationToken(ctx, tok.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err = c.RunnerTokenExpiry(ctx, tok.ID)
	if err != nil || got.At == nil || !got.At.Equal(rot.TokenExpiresAt.Truncate(time.Second)) || got.At.Equal(*tok.TokenExpiresAt) {
		t.Fatalf("expiry after reset = %+v, %v; want %v", got, err, rot.TokenExpiresAt)
	}
	d, err := c.GetRunner(ctx, tok.ID)
	if err != nil || d.TokenExpiresAt.Known {
		t.Errorf("GET /runners/:id: %+v, %v; released GitLab versions do not show token_expires_at", d.TokenExpiresAt, err)
	}
	if _, err := c.RunnerTokenExpiry(ctx, 999999); !errors.Is(err, gitlabapi.ErrNotFound) {
		t.Errorf("unknown runner: %v, want ErrNotFound", err)
	}
	manageOnly := m.Store().CreatePersonalAccessToken(1, store.ScopeManageRunner)
	if _, err := mockClient(t, m, manageOnly).RunnerTokenExpiry(ctx, tok.ID); !errors.Is(err, gitlabapi.ErrUnauthorized) {
		t.Errorf("token without api/read_api: %v, want 401", err)
	}
}

// TestMockGroupRunnerSettings: the client reads and sets a group's GraphQL
// settings against the mock's GraphQL API: an Owner sets them, a Maintainer
// gets GitLab's refusal, and on CE the setting is absent, not an error.
func TestMockGroupRunnerSettings(t *testing.T) {
	m := acctest.StartMock(t) // Enterprise Edition
	ctx := t.Context()
	owner := mockClient(t, m, m.Seed.Group.OwnerToken)
	g, err := owner.GetGroupRunnerSettings(ctx, m.Seed.Group.ID)
	if err != nil || !g.Has("allow_stale_runner_pruning") || g.AllowStaleRunnerPruning == nil || *g.AllowStaleRunnerPruning {
		t.Fatalf("read: %+v %v", g, err)
	}
	on := gitlabapi.GroupRunnerSettings{AllowStaleRunnerPruning: new(true)}
	if _, err := mockClient(t, m, m.Seed.Group.MaintainerToken).UpdateGroupRunnerSettings(ctx, g, on); err == nil ||
		!strings.Contains(err.Error(), "you don't have permission to perform this action") {
		t.Fatalf("maintainer: %v", err)
	}
	g, err = owner.UpdateGroupRunnerSettings(ctx, g, on)
	if err != nil || !*g.AllowStaleRunnerPruning || *g.SharedRunnersSetting != "enabled" {
		t.Fatalf("owner: %+v %v", g, err)
	}
	if g, err := owner.GetGroupRunnerSettings(ctx, m.Seed.Group.ID); err != nil || !*g.AllowStaleRunnerPruning {
		t.Fatalf("read back: %+v %v", g, err)
	}

	ce := acctest.StartMock(t, acctest.WithVersion("18.6.0"))
	g, err = mockClient(t, ce, ce.Seed.Group.OwnerToken).GetGroupRunnerSettings(ctx, ce.Seed.Group.ID)
	if err != nil || g.Has("allow_stale_runner_pruning") || g.AllowStaleRunnerPruning != nil || !g.Has("shared_runners_setting") {
		t.Fatalf("CE: %+v %v", g, err)
	}
	var unavailable *gitlabapi.GraphQLUnavailableError
	if _, err := mockClient(t, ce, ce.Seed.Group.OwnerToken).UpdateGroupRunnerSettings(ctx, g, on); !errors.As(err, &unavailable) ||
		unavailable.Type != "Mutation" {
		t.Fatalf("CE mutation: %v", err)
	}
}
