package userrunner

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

func TestJudgeToken(t *testing.T) {
	now := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	str := func(t *time.Time) types.String { return types.StringValue(t.Format(time.RFC3339)) }
	tok := types.StringValue("glrt-x")
	inState := at(20 * 24 * time.Hour)
	withMillis := inState.Add(250 * time.Millisecond)
	rest := func(t *time.Time) expiryReading { return expiryReading{Source: tokenCheckREST, ExpiresAt: t} }
	gql := func(t *time.Time) expiryReading { return expiryReading{Source: tokenCheckGraphQL, ExpiresAt: t} }
	for _, c := range []struct {
		name      string
		token     types.String
		expiresAt types.String
		gitlab    expiryReading
		want      types.Bool
		why       string
	}{
		{"same expiry (GraphQL)", tok, str(inState), gql(inState), types.BoolValue(true), ""},
		{"same second, REST with milliseconds", tok, str(inState), rest(&withMillis), types.BoolValue(true), ""},
		{"rotated: later expiry", tok, str(inState), gql(at(29 * 24 * time.Hour)), types.BoolValue(false), staleRotated},
		{"rotated: interval removed", tok, str(inState), gql(nil), types.BoolValue(false), staleRotated},
		{"rotated: interval added", tok, types.StringNull(), gql(inState), types.BoolValue(false), staleRotated},
		{"no expiry either side: cannot tell", tok, types.StringNull(), gql(nil), types.BoolNull(), ""},
		{"GitLab did not say", tok, str(inState), expiryReading{}, types.BoolNull(), ""},
		{"expired, GitLab did not say", tok, str(at(-time.Second)), expiryReading{}, types.BoolValue(false), staleExpired},
		{"expires right now", tok, str(at(0)), gql(at(0)), types.BoolValue(false), staleExpired},
		{"no token (imported)", types.StringNull(), types.StringNull(), gql(inState), types.BoolNull(), ""},
		{"unreadable expiry in state", tok, types.StringValue("soon"), gql(inState), types.BoolNull(), ""},
	} {
		got, why := judgeToken(c.token, c.expiresAt, c.gitlab, now)
		if !got.Equal(c.want) || why != c.why {
			t.Errorf("%s: got %s (%q), want %s (%q)", c.name, got, why, c.want, c.why)
		}
	}
	if got := mintedTokenCurrent(types.StringValue("graphql"), inState); !got.Equal(types.BoolValue(true)) {
		t.Errorf("minted with graphql and an expiry: %s", got)
	}
	for _, check := range []types.String{types.StringNull(), types.StringValue("rest")} {
		if got := mintedTokenCurrent(check, inState); !got.IsNull() {
			t.Errorf("minted with token_check %s: %s, want null like the next refresh", check, got)
		}
	}
	if got := mintedTokenCurrent(types.StringValue("graphql"), nil); !got.IsNull() {
		t.Errorf("minted without expiry: %s, want null", got)
	}
}

func TestStaleTokenWarning(t *testing.T) {
	now := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	gitlabExpiry := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	inState := types.StringValue("2026-01-20T00:00:00Z")
	reading := expiryReading{Source: tokenCheckGraphQL, ExpiresAt: &gitlabExpiry}

	warn := staleTokenWarning("42", staleRotated, inState, reading, false, now)
	for _, want := range []string{"runner 42", "2026-02-01T00:00:00Z", "GraphQL", "2026-01-20T00:00:00Z", "rotated outside Terraform",
		"75%", "administrator", "Nothing changes", `on_stale_token = "rotate"`, "revokes"} {
		if !strings.Contains(warn, want) {
			t.Errorf("warn text lacks %q:\n%s", want, warn)
		}
	}
	rotate := staleTokenWarning("42", staleRotated, inState, expiryReading{Source: tokenCheckREST}, true, now)
	for _, want := range []string{"GET /runners/42", "expiring at never", "This plan rotates the token", "revokes the token the runner's hosts use right now"} {
		if !strings.Contains(rotate, want) {
			t.Errorf("rotate text lacks %q:\n%s", want, rotate)
		}
	}
	if unknown := staleTokenWarning("42", staleRotated, inState, expiryReading{}, false, now); !strings.Contains(unknown, "an expiry of its own") {
		t.Errorf("without the saved reading: %s", unknown)
	}
	expired := staleTokenWarning("42", staleExpired, inState, expiryReading{}, false, now)
	if !strings.Contains(expired, "expired at 2026-01-20T00:00:00Z") || !strings.Contains(expired, "2026-01-10T00:00:00Z") {
		t.Errorf("expired text: %s", expired)
	}
}

// refresh runs Read and returns the new state, the diagnostics text and the
// number of requests it sent.
func refresh(t *testing.T, m *acctest.Mock, r *userRunnerResource, state userRunnerModel) (userRunnerModel, string, int) {
	t.Helper()
	ctx := context.Background()
	m.Stats().Reset()
	resp := &resource.ReadResponse{State: toState(t, state)}
	r.Read(ctx, resource.ReadRequest{State: toState(t, state)}, resp)
	var got userRunnerModel
	if diags := got.get(ctx, resp.State); diags.HasError() {
		t.Fatal(acctest.DiagText(diags))
	}
	return got, acctest.DiagText(resp.Diagnostics), m.Stats().TotalRequests()
}

// TestReadTokenCheck: a refresh costs one request and cannot tell without
// the opt-in; with token_check = "graphql" it costs two and sees rotations
// by the runner itself and by an administrator.
func TestReadTokenCheck(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	lifetime := int64(30 * 24 * 3600)
	m.Store().UpdateSettings(func(s *store.Settings) { s.GroupRunnerTokenExpirationInterval = &lifetime })
	r := testResource(t, m, m.Seed.Group.OwnerToken)
	created, diags := create(t, r, plannedGroupRunner(m.Seed.Group.ID, "checked"))
	if diags != "" {
		t.Fatal(diags)
	}
	if !created.TokenCurrent.IsNull() {
		t.Errorf("created without token_check: token_current = %s, want null", created.TokenCurrent)
	}

	got, diags, n := refresh(t, m, r, created)
	if diags != "" || n != 1 || !got.TokenCurrent.IsNull() {
		t.Errorf("rest: %q, %d requests, token_current %s; want no diagnostics, 1 request, null", diags, n, got.TokenCurrent)
	}
	checked := created
	checked.TokenCheck = types.StringValue("graphql")
	got, diags, n = refresh(t, m, r, checked)
	if diags != "" || n != 2 || !got.TokenCurrent.Equal(types.BoolValue(true)) {
		t.Errorf("graphql, untouched: %q, %d requests, token_current %s; want 2 requests, true", diags, n, got.TokenCurrent)
	}
	if m.Stats().Requests("POST /api/graphql") != 1 {
		t.Errorf("requests: %v", m.Stats().RequestsByRoute())
	}

	// The runner rotates its own token, a day later.
	m.Clock.Advance(24 * time.Hour)
	if code, _ := m.RotateAsRunner(t, created.Token.ValueString()); code != 201 {
		t.Fatalf("self-rotation answered %d", code)
	}
	got, _, _ = refresh(t, m, r, created)
	if !got.TokenCurrent.IsNull() {
		t.Errorf("rest after self-rotation: token_current %s, want null: nothing shows it", got.TokenCurrent)
	}
	got, diags, _ = refresh(t, m, r, checked)
	if diags != "" || !got.TokenCurrent.Equal(types.BoolValue(false)) || !got.Token.Equal(created.Token) {
		t.Errorf("graphql after self-rotation: %q, token_current %s, want false and the token kept", diags, got.TokenCurrent)
	}

	// The provider's token lacks api/read_api: a warning, token_current null.
	manageOnly := m.Store().CreatePersonalAccessToken(1, store.ScopeManageRunner, store.ScopeCreateRunner)
	got, diags, _ = refresh(t, m, testResource(t, m, manageOnly), checked)
	if !strings.Contains(diags, "Warning: Runner Token Check Failed") || !strings.Contains(diags, "read_api") ||
		strings.Contains(diags, "Error") || !got.TokenCurrent.IsNull() {
		t.Errorf("without read_api: %q, token_current %s", diags, got.TokenCurrent)
	}
	// GraphQL down: a warning too, never an error.
	m.Faults().Add(mockcoordinator.Fault{Route: "POST /api/graphql", Kind: mockcoordinator.FaultStatus, Status: 503})
	got, diags, _ = refresh(t, m, r, checked)
	if !strings.Contains(diags, "Warning: Runner Token Check Failed") || strings.Contains(diags, "Error") || !got.TokenCurrent.IsNull() {
		t.Errorf("GraphQL failing: %q, token_current %s", diags, got.TokenCurrent)
	}
	m.Faults().Clear()

	// An administrator resets it: stale too, and after the clock passes the
	// state's expiry it is stale without asking GitLab.
	m.Clock.Advance(time.Hour)
	id, _ := strconv.ParseInt(created.ID.ValueString(), 10, 64)
	if _, err := r.Data.Client.ResetRunnerAuthenticationToken(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	got, _, _ = refresh(t, m, r, checked)
	if !got.TokenCurrent.Equal(types.BoolValue(false)) {
		t.Errorf("graphql after an admin reset: token_current %s, want false", got.TokenCurrent)
	}
	m.Clock.Advance(30 * 24 * time.Hour)
	got, _, n = refresh(t, m, r, created)
	if !got.TokenCurrent.Equal(types.BoolValue(false)) || n != 1 {
		t.Errorf("expired (rest): token_current %s after %d requests, want false after 1", got.TokenCurrent, n)
	}
}
