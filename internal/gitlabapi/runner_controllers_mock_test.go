package gitlabapi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// TestMockRunnerControllers runs every runner controller call against the
// mock: a controller, its scopes (a repeat is recognised as done), a token
// rotated into a new record whose predecessor is gone, and the deletes.
func TestMockRunnerControllers(t *testing.T) {
	m := acctest.StartMock(t, acctest.WithVersion("19.1.0-ee"))
	c := mockClient(t, m, m.Seed.AdminToken)
	ctx := t.Context()

	if err := c.ProbeRunnerControllers(ctx); err != nil {
		t.Fatalf("probe: %v", err)
	}
	ctl, err := c.CreateRunnerController(ctx, gitlabapi.RunnerControllerOptions{Description: new("gate")})
	if err != nil || ctl.State != gitlabapi.RunnerControllerDisabled || *ctl.Description != "gate" || ctl.Connected != nil {
		t.Fatalf("create: %+v, %v", ctl, err)
	}
	ctl, err = c.UpdateRunnerController(ctx, ctl.ID, gitlabapi.RunnerControllerOptions{State: new(gitlabapi.RunnerControllerDryRun)})
	if err != nil || ctl.State != gitlabapi.RunnerControllerDryRun {
		t.Fatalf("update: %+v, %v", ctl, err)
	}
	got, err := c.GetRunnerController(ctx, ctl.ID)
	if err != nil || got.Connected == nil || *got.Connected {
		t.Fatalf("get: %+v, %v", got, err)
	}
	if all, err := c.ListRunnerControllers(ctx); err != nil || len(all) != 1 {
		t.Fatalf("list: %+v, %v", all, err)
	}

	if _, err := c.AddRunnerControllerInstanceScope(ctx, ctl.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddRunnerControllerInstanceScope(ctx, ctl.ID); !gitlabapi.IsScopeAlreadyThere(err) {
		t.Fatalf("a repeated scope: %v, want the 409 recognised", err)
	}
	if scopes, err := c.GetRunnerControllerScopes(ctx, ctl.ID); err != nil || len(scopes.Instance) != 1 || scopes.Runners == nil {
		t.Fatalf("scopes: %+v, %v", scopes, err)
	}
	if err := c.RemoveRunnerControllerInstanceScope(ctx, ctl.ID); err != nil {
		t.Fatal(err)
	}

	first, err := c.CreateRunnerControllerToken(ctx, ctl.ID, new("router"))
	if err != nil || !strings.HasPrefix(first.Token, "glrct-") {
		t.Fatalf("create token: %+v, %v", first.ID, err)
	}
	next, err := c.RotateRunnerControllerToken(ctx, ctl.ID, first.ID)
	if err != nil || next.ID == first.ID || next.Token == first.Token || *next.Description != "router" {
		t.Fatalf("rotate: %v", err)
	}
	if _, err := c.GetRunnerControllerToken(ctx, ctl.ID, first.ID); !errors.Is(err, gitlabapi.ErrNotFound) {
		t.Fatalf("the rotated-out token: %v, want not found", err)
	}
	if list, err := c.ListRunnerControllerTokens(ctx, ctl.ID); err != nil || len(list) != 1 || list[0].ID != next.ID || list[0].Token != "" {
		t.Fatalf("tokens: %+v, %v", list, err)
	}
	if err := c.RevokeRunnerControllerToken(ctx, ctl.ID, next.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRunnerController(ctx, ctl.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRunnerController(ctx, ctl.ID); !errors.Is(err, gitlabapi.ErrNotFound) {
		t.Fatalf("deleted controller: %v", err)
	}
}
