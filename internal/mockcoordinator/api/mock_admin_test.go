package api

import (
	"net/http"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// PUT /-/mock/groups/:id/settings flips a top-level group's registration-token
// toggle, as its Settings > CI/CD > Runners page does: for the group's Owners
// and administrators, top-level groups only, GitLab 16.11 and later. The
// effect is GitLab's: the group's runners_token and registration with it
// follow the switch (the instance's switch still wins).
func TestMockGroupSettingsToggle(t *testing.T) {
	e := newTestEnv(t, "16.11.0-ee")
	s := e.seed
	path := mockAdminPrefix + "/groups/" + itoa(s.Group.ID) + "/settings"
	register := func() int {
		return e.call("POST", "/runners", "", map[string]any{"token": s.Group.RegistrationToken}).Code
	}
	if got := register(); got != http.StatusCreated {
		t.Fatalf("16.11 allows registration tokens by default: POST /runners = %d", got)
	}
	for _, tc := range []struct {
		name, token, path string
		body              any
		status            int
	}{
		{"no token", "", path, form{"allow_runner_registration_token": {"false"}}, http.StatusUnauthorized},
		{"stranger", s.NonAdminToken, path, form{"allow_runner_registration_token": {"false"}}, http.StatusNotFound},
		{"maintainer", s.Group.MaintainerToken, path, form{"allow_runner_registration_token": {"false"}}, http.StatusForbidden},
		{"read_api", s.ReadAPIToken, path, form{"allow_runner_registration_token": {"false"}}, http.StatusForbidden},
		{"subgroup", s.Group.OwnerToken, mockAdminPrefix + "/groups/" + itoa(s.Subgroup.ID) + "/settings",
			form{"allow_runner_registration_token": {"false"}}, http.StatusBadRequest},
		{"no value", s.Group.OwnerToken, path, form{}, http.StatusBadRequest},
		{"not a boolean", s.Group.OwnerToken, path, form{"allow_runner_registration_token": {"maybe"}}, http.StatusBadRequest},
	} {
		if rec := e.call("PUT", tc.path, tc.token, tc.body); rec.Code != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, rec.Code, rec.Body.String(), tc.status)
		}
	}
	if got := register(); got != http.StatusCreated {
		t.Fatalf("a refused toggle changed the group: POST /runners = %d", got)
	}

	rec := e.call("PUT", path, s.Group.OwnerToken, form{"allow_runner_registration_token": {"false"}})
	if m := decodeMap(t, rec); rec.Code != http.StatusOK || m["full_path"] != "demo" || m["registration_tokens_allowed"] != false {
		t.Fatalf("the Owner turns it off: %d %v", rec.Code, m)
	}
	if got := register(); got != http.StatusGone {
		t.Errorf("after the toggle, POST /runners with the group's token = %d, want 410", got)
	}
	if g := decodeMap(t, e.call("GET", "/groups/"+itoa(s.Group.ID), s.Group.OwnerToken, nil)); g["runners_token"] != nil {
		t.Errorf("after the toggle, GET /groups/:id shows runners_token %v, want null", g["runners_token"])
	}
	rec = e.call("PUT", path, s.AdminToken, map[string]any{"allow_runner_registration_token": true})
	if rec.Code != http.StatusOK || register() != http.StatusCreated {
		t.Errorf("an administrator turns it back on (JSON body): %d %s", rec.Code, rec.Body.String())
	}
	e.st.UpdateSettings(func(st *store.Settings) { st.AllowRunnerRegistrationToken = false })
	if m := decodeMap(t, e.call("PUT", path, s.Group.OwnerToken, form{"allow_runner_registration_token": {"true"}})); m["registration_tokens_allowed"] != false {
		t.Errorf("the instance's switch wins over the group's: %v", m)
	}
}

// Before 16.11 a group has no such page: 404, whoever asks.
func TestMockGroupSettingsToggleBefore16_11(t *testing.T) {
	e := newTestEnv(t, "16.10.0-ee")
	rec := e.call("PUT", mockAdminPrefix+"/groups/"+itoa(e.seed.Group.ID)+"/settings", e.seed.AdminToken,
		form{"allow_runner_registration_token": {"false"}})
	if rec.Code != http.StatusNotFound {
		t.Errorf("16.10: %d %s, want 404", rec.Code, rec.Body.String())
	}
}
