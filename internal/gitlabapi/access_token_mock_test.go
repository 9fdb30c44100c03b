package gitlabapi_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

func TestMockCheckToken(t *testing.T) {
	m := acctest.StartMock(t)
	ctx := t.Context()

	got, err := mockClient(t, m, m.Seed.ReadAPIToken).CheckToken(ctx)
	if err != nil || got.Token == nil || got.Token.HasAnyScope(gitlabapi.ScopeAPI, gitlabapi.ScopeCreateRunner, gitlabapi.ScopeManageRunner) ||
		!got.Token.HasAnyScope(gitlabapi.ScopeReadAPI) {
		t.Fatalf("read_api token: %+v %v", got, err)
	}
	if m.Stats().Requests("GET /personal_access_tokens/self") != 1 || m.Stats().TotalRequests() != 1 {
		t.Errorf("one check, requests: %v", m.Stats().RequestsByRoute())
	}

	st := m.Store()
	user := st.CreateUser("ci", false)
	expired, revoked := st.CreatePersonalAccessToken(user), st.CreatePersonalAccessToken(user)
	if err := st.SetPersonalAccessTokenExpiry(expired, m.Now().Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokePersonalAccessToken(revoked); err != nil {
		t.Fatal(err)
	}
	for tok, want := range map[string]string{
		expired:           "Token is expired",
		revoked:           "Token was revoked",
		"glpat-not-known": "401 Unauthorized",
	} {
		_, err := mockClient(t, m, tok).CheckToken(ctx)
		if !errors.Is(err, gitlabapi.ErrUnauthorized) || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckToken: %v, want 401 with %q", err, want)
		}
	}

	// GitLab 15.4: no /personal_access_tokens/self, GET /user decides.
	st.SetVersion("15.4.0")
	m.Stats().Reset()
	got, err = mockClient(t, m, m.Seed.AdminToken).CheckToken(ctx)
	if err != nil || got.Token != nil || got.Endpoint != "GET /user" {
		t.Fatalf("15.4: %+v %v", got, err)
	}
	if m.Stats().Requests("GET /user") != 1 || m.Stats().TotalRequests() != 2 {
		t.Errorf("15.4 requests: %v", m.Stats().RequestsByRoute())
	}
	_, err = mockClient(t, m, revoked).CheckToken(ctx)
	if !errors.Is(err, gitlabapi.ErrUnauthorized) || !strings.Contains(err.Error(), "GET /user") {
		t.Errorf("15.4, revoked: %v", err)
	}
}
