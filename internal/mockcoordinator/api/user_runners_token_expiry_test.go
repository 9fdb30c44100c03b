package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// TestCreateRunnerTokenExpiry: GitLab EE 18.10 takes token_expires_at on
// POST /user/runners within GitLab's bounds, answers it, and forgets it at
// the next reset; CE and older versions drop the parameter without a word.
func TestCreateRunnerTokenExpiry(t *testing.T) {
	at := func(d time.Duration) string { return testStart.Add(d).Format(time.RFC3339) }
	create := func(e *testEnv, expires string) *httptest.ResponseRecorder {
		return e.call("POST", "/user/runners", e.seed.Group.OwnerToken,
			map[string]any{"runner_type": "group_type", "group_id": e.seed.Group.ID, "token_expires_at": expires})
	}

	e := newTestEnv(t, "18.10.0-ee")
	rec := create(e, at(72*time.Hour))
	expect(t, rec, http.StatusCreated, "")
	m := decodeMap(t, rec)
	if got := m["token_expires_at"]; got != testStart.Add(72*time.Hour).Format("2006-01-02T15:04:05.000Z") {
		t.Fatalf("token_expires_at = %v, want the requested time", got)
	}
	id := int64(m["id"].(float64))

	for _, c := range []struct{ value, body string }{
		{at(5*time.Minute - time.Second), `{"message":"400 Bad request - token_expires_at must be at least 5 minutes in the future"}`},
		{at(15*24*time.Hour + time.Second), `{"message":"400 Bad request - token_expires_at is too far in the future (maximum is ` + at(15*24*time.Hour) + `)"}`},
		{"next tuesday", `{"error":"token_expires_at is invalid"}`},
	} {
		expect(t, create(e, c.value), http.StatusBadRequest, c.body)
	}
	// The settings' interval caps it too.
	lifetime := int64(48 * 3600)
	e.st.UpdateSettings(func(s *store.Settings) { s.GroupRunnerTokenExpirationInterval = &lifetime })
	expect(t, create(e, at(72*time.Hour)), http.StatusBadRequest,
		`{"message":"400 Bad request - token_expires_at is too far in the future (maximum is `+at(48*time.Hour)+`)"}`)
	expect(t, create(e, at(5*time.Minute)), http.StatusCreated, "")

	// Not stored: a reset follows the settings again.
	e.clock.Advance(time.Hour)
	rec = e.call("POST", "/runners/"+itoa(id)+"/reset_authentication_token", e.seed.AdminToken, nil)
	expect(t, rec, http.StatusCreated, "")
	if got := decodeMap(t, rec)["token_expires_at"]; got != e.clock.Now().Add(48*time.Hour).Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("after a reset token_expires_at = %v, want the settings' interval from the reset", got)
	}

	// Community Edition and EE before 18.10 do not know the parameter.
	for _, version := range []string{"18.10.0", "18.9.2-ee"} {
		old := newTestEnv(t, version)
		rec := create(old, at(72*time.Hour))
		expect(t, rec, http.StatusCreated, "")
		if got := decodeMap(t, rec)["token_expires_at"]; got != nil {
			t.Errorf("%s: token_expires_at = %v, want null (the parameter is ignored)", version, got)
		}
		expect(t, create(old, "next tuesday"), http.StatusCreated, "")
	}
}

// TestCreateRunnerTokenRotationDeadline: EE 18.10's token_rotation_deadline
// on POST /user/runners (ee/lib/ee/api/ci/helpers/runner_helpers.rb) with the
// checks of ee/app/services/ee/ci/runners/create_runner_service.rb, in its
// order and wording, answered with bad_request! (lib/api/user_runners.rb;
// spec/requests/api/user_runners_spec.rb in ee/): a deadline needs
// token_expires_at, must not be past nor after it; equal to it is accepted
// (it disables rotation). CE drops the parameter without a word.
func TestCreateRunnerTokenRotationDeadline(t *testing.T) {
	at := func(d time.Duration) string { return testStart.Add(d).Format(time.RFC3339) }
	create := func(e *testEnv, params map[string]any) *httptest.ResponseRecorder {
		params["runner_type"], params["group_id"] = "group_type", e.seed.Group.ID
		return e.call("POST", "/user/runners", e.seed.Group.OwnerToken, params)
	}
	e := newTestEnv(t, "18.10.0-ee")
	for _, c := range []struct {
		params map[string]any
		body   string
	}{
		{map[string]any{"token_rotation_deadline": at(time.Hour)},
			`{"message":"400 Bad request - token_expires_at is required when token_rotation_deadline is specified"}`},
		// The expiry's own bounds come before the deadline's.
		{map[string]any{"token_expires_at": at(time.Minute), "token_rotation_deadline": at(-time.Hour)},
			`{"message":"400 Bad request - token_expires_at must be at least 5 minutes in the future"}`},
		{map[string]any{"token_expires_at": at(72 * time.Hour), "token_rotation_deadline": at(-time.Second)},
			`{"message":"400 Bad request - token_rotation_deadline cannot be in the past"}`},
		{map[string]any{"token_expires_at": at(72 * time.Hour), "token_rotation_deadline": at(72*time.Hour + time.Second)},
			`{"message":"400 Bad request - token_rotation_deadline must be less than or equal to token_expires_at"}`},
		{map[string]any{"token_expires_at": at(72 * time.Hour), "token_rotation_deadline": "soon"},
			`{"error":"token_rotation_deadline is invalid"}`},
	} {
		expect(t, create(e, c.params), http.StatusBadRequest, c.body)
	}
	for _, deadline := range []time.Duration{0, 24 * time.Hour, 72 * time.Hour} {
		expect(t, create(e, map[string]any{"token_expires_at": at(72 * time.Hour), "token_rotation_deadline": at(deadline)}), http.StatusCreated, "")
	}

	ce := newTestEnv(t, "18.10.0")
	expect(t, create(ce, map[string]any{"token_rotation_deadline": at(-time.Hour)}), http.StatusCreated, "")
}
