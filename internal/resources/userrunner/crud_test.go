package userrunner

// Go-level tests of the resource's CRUD methods against the in-process mock
// coordinator, without Terraform: they pin the number of requests per
// operation and the recovery of creates whose answer was lost, which need
// precise fault injection and request counts. (The acceptance tests in
// resource_acc_test.go drive the same code through Terraform.)

import (
	"context"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/runnerattrs"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfvalue"
)

// testResource returns the resource configured against the mock as the
// user of token.
func testResource(t *testing.T, m *acctest.Mock, token string) *userRunnerResource {
	t.Helper()
	return testResourceAt(t, m, m.URL(), token)
}

// testResourceAt is testResource reaching the mock through baseURL (a proxy).
func testResourceAt(t *testing.T, m *acctest.Mock, baseURL, token string) *userRunnerResource {
	t.Helper()
	client, err := gitlabapi.NewClient(gitlabapi.Config{
		BaseURL: baseURL, Token: token, Retries: 2,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := &userRunnerResource{Resource: providerdata.Resource{Data: &providerdata.Data{Client: client, Clock: m.Now}}}
	useJournalDir(r, t.TempDir())
	return r
}

// useJournalDir makes r keep its journal of creates in dir (one directory
// per test; resources sharing one act as provider processes of one
// machine). It must come before r's first create.
func useJournalDir(r *userRunnerResource, dir string) {
	j := r.journal()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.dir, j.err = dir, nil
}

// plannedGroupRunner is the plan of a group runner with the given
// description and defaults elsewhere, as Terraform would send it.
func plannedGroupRunner(groupID int64, description string) userRunnerModel {
	return userRunnerModel{
		ID: types.StringUnknown(), RunnerType: types.StringValue(gitlabapi.RunnerTypeGroup),
		GroupID: tfvalue.Int64From(groupID), ProjectID: tfvalue.Int64Null(),
		// GitLab's defaults: not paused, not locked, untagged jobs, no tags, no timeout, no note.
		Runner: runnerattrs.FromAPI(&gitlabapi.RunnerAttributes{
			Description: &description, RunUntagged: new(true), AccessLevel: new(gitlabapi.AccessLevelNotProtected),
		}),
		Token: types.StringUnknown(), TokenExpiresAt: types.StringUnknown(),
		RotationTriggers: types.MapNull(types.StringType), RotateBeforeExpiry: types.StringNull(),
	}
}

func nullState(t *testing.T) tfsdk.State {
	s := testRunnerSchema(t)
	return tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(context.Background()), nil)}
}

func toPlan(t *testing.T, m userRunnerModel) tfsdk.Plan {
	t.Helper()
	p := tfsdk.Plan{Schema: testRunnerSchema(t)}
	if diags := m.set(context.Background(), &p); diags.HasError() {
		t.Fatal(acctest.DiagText(diags))
	}
	return p
}

func toState(t *testing.T, m userRunnerModel) tfsdk.State {
	t.Helper()
	s := tfsdk.State{Schema: testRunnerSchema(t)}
	if diags := m.set(context.Background(), &s); diags.HasError() {
		t.Fatal(acctest.DiagText(diags))
	}
	return s
}

// create runs Create and returns the resulting state model (possibly
// partial) and the diagnostics text ("" when none).
func create(t *testing.T, r *userRunnerResource, plan userRunnerModel) (userRunnerModel, string) {
	t.Helper()
	return createCtx(t, context.Background(), r, plan)
}

// createCtx is create with Terraform's context (cancel it to interrupt).
func createCtx(t *testing.T, ctx context.Context, r *userRunnerResource, plan userRunnerModel) (userRunnerModel, string) {
	t.Helper()
	resp := &resource.CreateResponse{State: nullState(t)}
	r.Create(ctx, resource.CreateRequest{Plan: toPlan(t, plan)}, resp)
	var got userRunnerModel
	if !resp.State.Raw.IsNull() {
		if diags := got.get(context.Background(), resp.State); diags.HasError() {
			t.Fatal(acctest.DiagText(diags))
		}
	}
	return got, acctest.DiagText(resp.Diagnostics)
}

func TestUserRunnerCreateRequestsAndCleanDescription(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	r := testResource(t, m, m.Seed.Group.OwnerToken)
	m.Stats().Reset()

	// The first create in a scope looks there once for leftovers: one list more.
	if _, diags := create(t, r, plannedGroupRunner(m.Seed.Group.ID, "first")); diags != "" {
		t.Fatalf("create: %s", diags)
	}
	if n, lists := m.Stats().TotalRequests(), m.Stats().Requests("GET /groups/:id/runners"); n != 3 || lists != 1 {
		t.Errorf("the first create sent %d requests (%d lists), want 3: the scope's list, POST and PUT: %v", n, lists, m.Stats().RequestsByRoute())
	}
	m.Stats().Reset()
	got, diags := create(t, r, plannedGroupRunner(m.Seed.Group.ID, "ci"))
	if diags != "" {
		t.Fatalf("create: %s", diags)
	}
	if n := m.Stats().TotalRequests(); n != 2 {
		t.Errorf("create sent %d requests, want 2 (POST + PUT): %v", n, m.Stats().RequestsByRoute())
	}
	if m.Stats().Requests("POST /user/runners") != 1 || m.Stats().Requests("PUT /runners/:id") != 1 {
		t.Errorf("unexpected requests: %v", m.Stats().RequestsByRoute())
	}
	id, _ := strconv.ParseInt(got.ID.ValueString(), 10, 64)
	rec, ok := m.Store().Runner(id)
	if !ok {
		t.Fatalf("runner %d not in the mock", id)
	}
	if rec.Description != "ci" {
		t.Errorf("the creation marker must be gone after create: description %q", rec.Description)
	}
	if rec.Token != got.Token.ValueString() || !strings.HasPrefix(got.Token.ValueString(), "glrt-") {
		t.Errorf("state token does not match the runner's token")
	}
	if got.GroupID.ValueInt64() != m.Seed.Group.ID || got.RunnerType.ValueString() != "group_type" {
		t.Errorf("scope not in state: %s %s", got.RunnerType, got.GroupID)
	}

	// Refresh: one GET, token untouched.
	ctx := context.Background()
	m.Stats().Reset()
	readResp := &resource.ReadResponse{State: toState(t, got)}
	r.Read(ctx, resource.ReadRequest{State: toState(t, got)}, readResp)
	if readResp.Diagnostics.HasError() || m.Stats().TotalRequests() != 1 {
		t.Fatalf("read: %s, %d requests", acctest.DiagText(readResp.Diagnostics), m.Stats().TotalRequests())
	}
	var read userRunnerModel
	read.get(ctx, readResp.State)
	if !read.Token.Equal(got.Token) {
		t.Errorf("read changed the token")
	}

	// A user who may not see the runner: an error, and the runner stays in state.
	stranger := testResource(t, m, m.Seed.NonAdminToken)
	readResp = &resource.ReadResponse{State: toState(t, got)}
	stranger.Read(ctx, resource.ReadRequest{State: toState(t, got)}, readResp)
	if text := acctest.DiagText(readResp.Diagnostics); !strings.Contains(text, "Unable to Read Runner") || !strings.Contains(text, "403") ||
		!strings.Contains(text, "not treated as deleted") || readResp.State.Raw.IsNull() {
		t.Errorf("read without access must fail and keep the state: %q", text)
	}

	// Update of attributes plus rotation: PUT + reset = 2 requests.
	plan := got
	plan.Runner = maps.Clone(got.Runner)
	plan.Runner[runnerattrs.Description] = types.StringValue("changed")
	plan.Token, plan.TokenExpiresAt = types.StringUnknown(), types.StringUnknown()
	plan.RotationTriggers = triggers("v", "1")
	m.Stats().Reset()
	updResp := &resource.UpdateResponse{State: toState(t, got)}
	r.Update(ctx, resource.UpdateRequest{Plan: toPlan(t, plan), State: toState(t, got)}, updResp)
	if updResp.Diagnostics.HasError() {
		t.Fatal(acctest.DiagText(updResp.Diagnostics))
	}
	if n := m.Stats().TotalRequests(); n != 2 {
		t.Errorf("update with rotation sent %d requests, want 2: %v", n, m.Stats().RequestsByRoute())
	}
	var updated userRunnerModel
	updated.get(ctx, updResp.State)
	if updated.Token.Equal(got.Token) || updated.ID != got.ID {
		t.Errorf("rotation must keep the id and change the token")
	}
	if rec, _ := m.Store().Runner(id); rec.Description != "changed" || rec.Token != updated.Token.ValueString() {
		t.Errorf("mock not updated: description %q", rec.Description)
	}

	// Rotation only: one request (no PUT).
	plan = updated
	plan.Token, plan.TokenExpiresAt = types.StringUnknown(), types.StringUnknown()
	plan.RotationTriggers = triggers("v", "2")
	m.Stats().Reset()
	updResp = &resource.UpdateResponse{State: toState(t, updated)}
	r.Update(ctx, resource.UpdateRequest{Plan: toPlan(t, plan), State: toState(t, updated)}, updResp)
	if updResp.Diagnostics.HasError() || m.Stats().TotalRequests() != 1 || m.Stats().Requests("POST /runners/:id/reset_authentication_token") != 1 {
		t.Errorf("rotation only: %s %v", acctest.DiagText(updResp.Diagnostics), m.Stats().RequestsByRoute())
	}

	// Delete: one request; and again when already gone: still success.
	for i := 0; i < 2; i++ {
		m.Stats().Reset()
		delResp := &resource.DeleteResponse{}
		r.Delete(ctx, resource.DeleteRequest{State: toState(t, updated)}, delResp)
		if delResp.Diagnostics.HasError() {
			t.Fatalf("delete #%d: %s", i+1, acctest.DiagText(delResp.Diagnostics))
		}
		if m.Stats().TotalRequests() != 1 {
			t.Errorf("delete #%d sent %d requests", i+1, m.Stats().TotalRequests())
		}
	}
	if _, ok := m.Store().Runner(id); ok {
		t.Errorf("runner still exists after delete")
	}

	// Read of the deleted runner removes it from state.
	readResp = &resource.ReadResponse{State: toState(t, updated)}
	r.Read(ctx, resource.ReadRequest{State: toState(t, updated)}, readResp)
	if readResp.Diagnostics.HasError() || !readResp.State.Raw.IsNull() {
		t.Errorf("read of a deleted runner must remove it: %s", acctest.DiagText(readResp.Diagnostics))
	}
}

// TestUserRunnerCreateRecovery injects failures into POST /user/runners and
// checks that exactly one runner exists afterwards, with a working token
// and the configured description.
func TestUserRunnerCreateRecovery(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		faults    []mockcoordinator.Fault
		wantPosts int
		wantReset int
		wantErr   string // "" = success
	}{
		{"applied then 502", []mockcoordinator.Fault{{Route: "POST /user/runners", Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1}}, 1, 1, ""},
		{"applied then dropped", []mockcoordinator.Fault{{Route: "POST /user/runners", Kind: mockcoordinator.FaultApplyThenDrop, Times: 1}}, 1, 1, ""},
		{"not applied 503", []mockcoordinator.Fault{{Route: "POST /user/runners", Kind: mockcoordinator.FaultStatus, Status: 503, Times: 1}}, 2, 0, ""},
		{"not applied drop", []mockcoordinator.Fault{{Route: "POST /user/runners", Kind: mockcoordinator.FaultDrop, Times: 1}}, 2, 0, ""},
		{"not applied, then applied", []mockcoordinator.Fault{
			{Route: "POST /user/runners", Kind: mockcoordinator.FaultStatus, Status: 500, Times: 1},
			{Route: "POST /user/runners", Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1},
		}, 2, 1, ""},
		{"applied, reset answer lost too", []mockcoordinator.Fault{
			{Route: "POST /user/runners", Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1},
			{Route: "POST /runners/:id/reset_authentication_token", Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1},
		}, 1, 2, ""},
		{"never applied", []mockcoordinator.Fault{{Route: "POST /user/runners", Kind: mockcoordinator.FaultStatus, Status: 503}}, 2, 0, "failed twice"},
		{"project runner applied then 502", []mockcoordinator.Fault{{Route: "POST /user/runners", Kind: mockcoordinator.FaultApplyThenStatus, Status: 502, Times: 1}}, 1, 1, ""},
		{"instance runner applied then dropped", []mockcoordinator.Fault{{Route: "POST /user/runners", Kind: mockcoordinator.FaultApplyThenDrop, Times: 1}}, 1, 1, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := acctest.StartMock(t)
			r := testResource(t, m, m.Seed.Group.OwnerToken)
			plan := plannedGroupRunner(m.Seed.Group.ID, "recovered")
			switch {
			case strings.HasPrefix(tc.name, "project"):
				r = testResource(t, m, m.Seed.Project.MaintainerToken)
				plan.RunnerType, plan.GroupID, plan.ProjectID = types.StringValue("project_type"), tfvalue.Int64Null(), tfvalue.Int64From(m.Seed.Project.ID)
			case strings.HasPrefix(tc.name, "instance"):
				r = testResource(t, m, m.Seed.AdminToken)
				plan.RunnerType, plan.GroupID = types.StringValue("instance_type"), tfvalue.Int64Null()
			}
			for _, f := range tc.faults {
				m.Faults().Add(f)
			}
			m.Stats().Reset()
			got, diags := create(t, r, plan)
			if posts := m.Stats().Requests("POST /user/runners"); posts != tc.wantPosts {
				t.Errorf("POST /user/runners sent %d times, want %d", posts, tc.wantPosts)
			}
			if resets := m.Stats().Requests("POST /runners/:id/reset_authentication_token"); resets != tc.wantReset {
				t.Errorf("reset sent %d times, want %d", resets, tc.wantReset)
			}
			ids := m.Store().RunnerIDs()
			if tc.wantErr != "" {
				if !strings.Contains(diags, tc.wantErr) || len(ids) != 0 {
					t.Fatalf("want error %q and no runner; got %q, runners %v", tc.wantErr, diags, ids)
				}
				return
			}
			if diags != "" {
				t.Fatalf("create: %s", diags)
			}
			if len(ids) != 1 {
				t.Fatalf("want exactly one runner, got %v", ids)
			}
			rec, _ := m.Store().Runner(ids[0])
			if got.ID.ValueString() != strconv.FormatInt(ids[0], 10) || rec.Description != "recovered" || rec.RunnerType != plan.RunnerType.ValueString() {
				t.Errorf("state id %s, runner %d with description %q", got.ID, ids[0], rec.Description)
			}
			if status := m.VerifyStatus(t, got.Token.ValueString(), "s_0123456789ab"); status != 200 {
				t.Errorf("the token in state does not work: verify answered %d", status)
			}
		})
	}
}

// TestUserRunnerCreateSavesRunnerWhenPutFails: the runner created by the
// POST reaches state even though the PUT fails, so Terraform taints and
// later deletes it instead of orphaning it.
func TestUserRunnerCreateSavesRunnerWhenPutFails(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	r := testResource(t, m, m.Seed.Group.OwnerToken)
	m.Faults().Add(mockcoordinator.Fault{Route: "PUT /runners/:id", Kind: mockcoordinator.FaultStatus, Status: 403, Times: 1})
	got, diags := create(t, r, plannedGroupRunner(m.Seed.Group.ID, "x"))
	if !strings.Contains(diags, "Unable to Configure Created Runner") || !strings.Contains(diags, "tainted") {
		t.Fatalf("want the configure error, got %q", diags)
	}
	ids := m.Store().RunnerIDs()
	if len(ids) != 1 || got.ID.ValueString() != strconv.FormatInt(ids[0], 10) {
		t.Fatalf("state id %s, runners %v", got.ID, ids)
	}
	rec, _ := m.Store().Runner(ids[0])
	if got.Token.ValueString() != rec.Token || got.Token.IsNull() {
		t.Fatalf("the token must be in state")
	}
	if strings.Contains(diags, rec.Token) {
		t.Fatalf("diagnostics leak the token")
	}
}

func TestUserRunnerCreateOnOldGitLab(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t, acctest.WithVersion("15.9.2-ee"))
	r := testResource(t, m, m.Seed.Group.OwnerToken)
	_, diags := create(t, r, plannedGroupRunner(m.Seed.Group.ID, "x"))
	for _, want := range []string{"Unable to Create Runner", "GitLab 15.9 does not have POST /user/runners", "15.11 or later", "404"} {
		if !strings.Contains(diags, want) {
			t.Errorf("%q should contain %q", diags, want)
		}
	}
}
