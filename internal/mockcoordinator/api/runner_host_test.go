package api

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// runnerHeaders are what gitlab-runner 19.4 sends (runner-client-protocol.md).
func runnerHeaders(token string) []string {
	h := []string{
		"User-Agent", "gitlab-runner 19.4.0 (19-4-stable; go1.24.6; linux/amd64)",
		"X-Request-Id", "0123456789abcdef0123456789abcdef",
		"Accept", "application/json",
	}
	if token != "" {
		h = append(h, "RUNNER-TOKEN", token)
	}
	return h
}

func runnerInfoBody(version string) string {
	return `{"name":"gitlab-runner","version":"` + version + `","revision":"a1b2c3d4","platform":"linux","architecture":"amd64","executor":"docker","shell":"bash","features":{"variables":true,"image":true,"refspecs":true},"config":{"gpus":""},"labels":{}}`
}

// TestRealRunnerWireReplay replays the requests of the real gitlab-runner:
// register (verify) from two hosts, job request, token self-rotation and
// manager unregister.
func TestRealRunnerWireReplay(t *testing.T) {
	e := newTestEnv(t, "")
	id, tok := e.projectRunner()

	// register on host A: exactly one verify
	rec := e.call("POST", "/runners/verify", "", `{"info":`+runnerInfoBody("19.4.0")+`,"token":"`+tok+`","system_id":"s_0123456789ab"}`, runnerHeaders(tok)...)
	expect(t, rec, 200, `{"id":`+itoa(id)+`,"token":"`+tok+`","token_expires_at":null}`)

	// host B uses the same token with another system_id (older runner version)
	e.clock.Advance(time.Minute)
	rec = e.call("POST", "/runners/verify", "", `{"info":`+runnerInfoBody("18.11.0")+`,"token":"`+tok+`","system_id":"r_AbCdEf123456"}`, runnerHeaders(tok)...)
	expect(t, rec, 200, "")

	// job request: 204, no job
	e.clock.Advance(time.Minute)
	rec = e.call("POST", "/jobs/request", "", `{"info":`+runnerInfoBody("19.4.0")+`,"token":"`+tok+`","system_id":"s_0123456789ab","last_update":""}`, runnerHeaders(tok)...)
	expect(t, rec, 204, "")
	if rec.Body.Len() != 0 {
		t.Fatalf("204 with body %q", rec.Body.String())
	}

	// two system_ids → two managers of one runner
	rec = e.call("GET", "/runners/"+itoa(id)+"/managers", e.seed.Project.MaintainerToken, nil)
	expect(t, rec, 200, "")
	ms := decodeList(t, rec)
	if len(ms) != 2 || ms[0]["system_id"] != "s_0123456789ab" || ms[1]["system_id"] != "r_AbCdEf123456" {
		t.Fatalf("managers = %s", rec.Body.String())
	}
	if ms[0]["version"] != "19.4.0" || ms[1]["version"] != "18.11.0" || ms[0]["platform"] != "linux" ||
		ms[0]["architecture"] != "amd64" || ms[0]["ip_address"] != "192.0.2.10" || ms[0]["status"] != "online" ||
		ms[0]["contacted_at"] != "2025-03-01T12:02:00.000Z" || ms[0]["created_at"] != "2025-03-01T12:00:00.000Z" {
		t.Fatalf("manager details: %v", ms[0])
	}
	if len(e.st.Managers(id)) != 2 {
		t.Fatal("Store.Managers disagrees")
	}
	// details show the most recently seen manager (host A after its job request)
	d := decodeMap(t, e.call("GET", "/runners/"+itoa(id), e.seed.Project.MaintainerToken, nil))
	// (the runner-level ip_address is null since 17.0: the managers have it)
	if d["version"] != "19.4.0" || d["revision"] != "a1b2c3d4" || d["status"] != "online" || d["online"] != true ||
		d["ip_address"] != nil || d["contacted_at"] != "2025-03-01T12:02:00.000Z" {
		t.Fatalf("details after contact: %v", d)
	}

	// token self-rotation: 201, no RUNNER-TOKEN header; old token then 403
	rec = e.call("POST", "/runners/reset_authentication_token", "", `{"token":"`+tok+`"}`, runnerHeaders("")...)
	expect(t, rec, 201, "")
	nt := decodeMap(t, rec)["token"].(string)
	if nt == tok || !strings.HasPrefix(nt, "glrt-t3_") {
		t.Fatalf("rotated token %q", nt)
	}
	expect(t, e.call("POST", "/jobs/request", "", `{"token":"`+tok+`","system_id":"s_0123456789ab"}`, runnerHeaders(tok)...), 403, `{"message":"403 Forbidden"}`)
	expect(t, e.call("POST", "/runners/verify", "", `{"token":"`+tok+`","system_id":"s_0123456789ab"}`, runnerHeaders(tok)...), 403, `{"message":"403 Forbidden"}`)
	expect(t, e.call("POST", "/jobs/request", "", `{"token":"`+nt+`","system_id":"s_0123456789ab"}`, runnerHeaders(nt)...), 204, "")

	// unregister host B's manager
	expect(t, e.call("DELETE", "/runners/managers", "", `{"token":"`+nt+`","system_id":"r_AbCdEf123456"}`, runnerHeaders(nt)...), 204, "")
	if ms := e.st.Managers(id); len(ms) != 1 || ms[0].SystemID != "s_0123456789ab" {
		t.Fatalf("managers after unregister: %+v", ms)
	}
	expect(t, e.call("DELETE", "/runners/managers", "", `{"token":"`+nt+`","system_id":"r_AbCdEf123456"}`, runnerHeaders(nt)...), 404, `{"message":"404 Not Found"}`)
	expect(t, e.call("DELETE", "/runners/managers", "", `{"token":"bogus","system_id":"s_0123456789ab"}`, runnerHeaders("bogus")...), 403, `{"message":"403 Forbidden"}`)
	if _, ok := e.st.Runner(id); !ok {
		t.Fatal("unregistering a manager deleted the runner")
	}
}

func TestRunnerEndpointsParamErrors(t *testing.T) {
	e := newTestEnv(t, "")
	for _, route := range []struct{ method, path string }{
		{"POST", "/runners/verify"}, {"POST", "/jobs/request"}, {"DELETE", "/runners"},
		{"POST", "/runners/reset_authentication_token"}, {"POST", "/runners"},
	} {
		expect(t, e.call(route.method, route.path, "", map[string]any{}), 400, `{"error":"token is missing"}`)
		if route.path != "/runners" || route.method != "POST" { // legacy registration: see TestLegacyRegistrationRules
			expect(t, e.call(route.method, route.path, "", map[string]any{"token": "nope"}), 403, `{"message":"403 Forbidden"}`)
		}
	}
	_, tok := e.instanceRunner()
	expect(t, e.call("DELETE", "/runners/managers", "", map[string]any{"token": tok}), 400, `{"error":"system_id is missing"}`)
	expect(t, e.call("POST", "/runners/verify", "", form{"token": {tok}}), 200, "")
}

// TestRunnerTokenIsAParameter: the runner endpoints take the token from the
// `token` parameter alone — GitLab declares `requires :token` on them
// (lib/api/ci/runner.rb, request_job_params in lib/api/ci/helpers/job_request.rb)
// and current_runner reads params[:token] (lib/api/ci/helpers/runner.rb); the
// RUNNER-TOKEN header is read only by the job router's discovery endpoint.
// gitlab-runner sends the token in the body too (runner-client-protocol.md).
func TestRunnerTokenIsAParameter(t *testing.T) {
	e := newTestEnv(t, "")
	_, tok := e.instanceRunner()
	for _, route := range []struct{ method, path string }{
		{"POST", "/runners/verify"}, {"POST", "/jobs/request"}, {"DELETE", "/runners"},
		{"POST", "/runners/reset_authentication_token"}, {"DELETE", "/runners/managers"},
	} {
		// In the header alone: Grape's presence check fails before anything else.
		expect(t, e.call(route.method, route.path, "", map[string]any{"system_id": "s_000000000001"}, "RUNNER-TOKEN", tok),
			400, `{"error":"token is missing"}`)
		// Present but empty or null: `requires` is satisfied, no runner has that token.
		expect(t, e.call(route.method, route.path, "", map[string]any{"token": "", "system_id": "s_000000000001"}, "RUNNER-TOKEN", tok),
			403, `{"message":"403 Forbidden"}`)
		expect(t, e.call(route.method, route.path, "", `{"token":null,"system_id":"s_000000000001"}`), 403, `{"message":"403 Forbidden"}`)
	}
	// Grape's params include the query string.
	expect(t, e.call("POST", "/runners/verify?token="+tok, "", nil), 200, "")
	expect(t, e.call("POST", "/jobs/request?token="+tok, "", nil), 204, "")
}

func TestRunnerUnregisterByToken(t *testing.T) {
	e := newTestEnv(t, "")
	id, tok := e.groupRunner()
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": tok, "system_id": "s_aaaaaaaaaaaa"}), 200, "")
	expect(t, e.call("DELETE", "/runners", "", map[string]any{"token": "bad"}), 403, `{"message":"403 Forbidden"}`)
	rec := e.call("DELETE", "/runners", "", map[string]any{"token": tok}, "RUNNER-TOKEN", tok)
	expect(t, rec, 204, "")
	if _, ok := e.st.Runner(id); ok {
		t.Fatal("runner not deleted")
	}
	expect(t, e.call("DELETE", "/runners", "", map[string]any{"token": tok}), 403, `{"message":"403 Forbidden"}`)
}

func TestTokenExpiry(t *testing.T) {
	e := newTestEnv(t, "")
	e.st.UpdateSettings(func(s *store.Settings) { s.ProjectRunnerTokenExpirationInterval = ptr(int64(3 * 3600)) })
	id, tok := e.projectRunner()
	r, _ := e.st.Runner(id)
	if r.TokenExpiresAt == nil || !r.TokenExpiresAt.Equal(testStart.Add(3*time.Hour)) {
		t.Fatalf("expiry = %v", r.TokenExpiresAt)
	}
	rec := e.call("POST", "/runners/verify", "", map[string]any{"token": tok, "system_id": "s_0123456789ab"})
	expect(t, rec, 200, `{"id":`+itoa(id)+`,"token":"`+tok+`","token_expires_at":"2025-03-01T15:00:00.000Z"}`)

	// reset before expiry works; new lifetime starts at reset time; old token dead
	e.clock.Advance(2 * time.Hour)
	rec = e.call("POST", "/runners/reset_authentication_token", "", map[string]any{"token": tok})
	expect(t, rec, 201, "")
	m := decodeMap(t, rec)
	nt := m["token"].(string)
	if m["token_expires_at"] != "2025-03-01T17:00:00.000Z" {
		t.Fatalf("expiry after reset = %v", m["token_expires_at"])
	}
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": tok}), 403, `{"message":"403 Forbidden"}`)

	// at expiry everything runner-facing is 403 and rotation is impossible
	e.clock.Advance(3 * time.Hour)
	for _, c := range []struct{ method, path string }{
		{"POST", "/runners/verify"}, {"POST", "/jobs/request"}, {"POST", "/runners/reset_authentication_token"},
		{"DELETE", "/runners"},
	} {
		expect(t, e.call(c.method, c.path, "", map[string]any{"token": nt, "system_id": "s_0123456789ab"}), 403, `{"message":"403 Forbidden"}`)
	}
	expect(t, e.call("DELETE", "/runners/managers", "", map[string]any{"token": nt, "system_id": "s_0123456789ab"}), 403, `{"message":"403 Forbidden"}`)
	if _, ok := e.st.Runner(id); !ok {
		t.Fatal("an expired-token DELETE removed the runner")
	}
	// a maintainer can still reset it through the user API
	rec = e.call("POST", "/runners/"+itoa(id)+"/reset_authentication_token", e.seed.Project.MaintainerToken, nil)
	expect(t, rec, 201, "")
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": decodeMap(t, rec)["token"]}), 200, "")
}

func TestRunnerStatusRules(t *testing.T) {
	e := newTestEnv(t, "")
	id, tok := e.instanceRunner()
	status := func() string {
		return decodeMap(t, e.call("GET", "/runners/"+itoa(id), e.seed.AdminToken, nil))["status"].(string)
	}
	if s := status(); s != "never_contacted" {
		t.Fatalf("new runner: %s", s)
	}
	expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": tok, "system_id": "s_0123456789ab"}), 200, "")
	if s := status(); s != "online" {
		t.Fatalf("just contacted: %s", s)
	}
	e.clock.Advance(2*time.Hour + time.Second)
	if s := status(); s != "offline" {
		t.Fatalf("after 2h: %s", s)
	}
	e.clock.Advance(7 * 24 * time.Hour)
	if s := status(); s != "stale" {
		t.Fatalf("after 7d: %s", s)
	}
	// never contacted and older than 7 days → stale
	id2, _ := e.instanceRunner()
	e.clock.Advance(7*24*time.Hour + time.Minute)
	if s := decodeMap(t, e.call("GET", "/runners/"+itoa(id2), e.seed.AdminToken, nil))["status"]; s != "stale" {
		t.Fatalf("old never-contacted runner: %v", s)
	}
}

// legacyCase runs POST /runners with a registration token.
func legacyRegister(e *testEnv, token string) *httptest.ResponseRecorder {
	return e.call("POST", "/runners", "", map[string]any{
		"token": token, "description": "legacy", "tag_list": "docker,linux", "run_untagged": false,
		"locked": true, "access_level": "ref_protected", "maximum_timeout": 3600, "paused": false,
		"maintenance_note": "n", "info": map[string]any{"name": "gitlab-runner", "version": "16.4.0", "platform": "linux", "architecture": "arm64"},
	}, runnerHeaders("")...)
}

func TestLegacyRegistrationRules(t *testing.T) {
	gone := `{"message":"410 Gone - runner registration disallowed"}`
	invalid := `{"message":"403 Forbidden - invalid token supplied"}`
	type want struct{ instance, group, project, bogus int }
	cases := []struct {
		name     string
		version  string
		instance *bool // instance setting (nil = version default)
		group    *bool // top-level group switch (nil = version default)
		want     want
	}{
		{"15.7 no switch", "15.7.0", nil, nil, want{201, 201, 201, 403}},
		{"15.11 setting ignored", "15.11.0", ptr(false), ptr(false), want{201, 201, 201, 403}},
		{"16.0 instance off", "16.0.0", ptr(false), nil, want{410, 410, 410, 410}},
		{"16.5 group off", "16.5.0", nil, ptr(false), want{201, 410, 410, 403}},
		{"16.11 defaults on", "16.11.0", nil, nil, want{201, 201, 201, 403}},
		{"17.0 defaults off", "17.0.0", nil, nil, want{410, 410, 410, 410}},
		{"18.6 defaults off", "", nil, nil, want{410, 410, 410, 410}},
		{"18.6 instance on, group off", "", ptr(true), nil, want{201, 410, 410, 403}},
		{"18.6 instance on, group on", "", ptr(true), ptr(true), want{201, 201, 201, 403}},
		{"18.6 instance off, group on", "", ptr(false), ptr(true), want{410, 410, 410, 410}},
		{"16.11 group off", "16.11.0", nil, ptr(false), want{201, 410, 410, 403}},
		{"20.0 removed", "20.0.0", ptr(true), ptr(true), want{410, 410, 410, 410}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t, tc.version)
			if tc.instance != nil {
				e.st.UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = *tc.instance })
			}
			if tc.group != nil {
				if err := e.st.SetGroupAllowRegistrationTokens(e.seed.Group.ID, *tc.group); err != nil {
					t.Fatal(err)
				}
			}
			for _, c := range []struct {
				kind, token string
				status      int
				rtype       string
			}{
				{"instance", e.seed.InstanceRegistrationToken, tc.want.instance, "instance_type"},
				{"group", e.seed.Group.RegistrationToken, tc.want.group, "group_type"},
				{"subgroup", e.seed.Subgroup.RegistrationToken, tc.want.group, "group_type"},
				{"project", e.seed.Project.RegistrationToken, tc.want.project, "project_type"},
				{"bogus", "GR1348941notatoken", tc.want.bogus, ""},
			} {
				rec := legacyRegister(e, c.token)
				switch c.status {
				case 201:
					expect(t, rec, 201, "")
					m := decodeMap(t, rec)
					tok := m["token"].(string)
					if strings.HasPrefix(tok, "glrt-") {
						t.Fatalf("%s: legacy token %q must not have the glrt- prefix", c.kind, tok)
					}
					r, _ := e.st.Runner(int64(m["id"].(float64)))
					if r.RunnerType != c.rtype || r.Description != "legacy" || !r.Locked || r.RunUntagged ||
						r.AccessLevel != "ref_protected" || len(r.TagList) != 2 || *r.MaximumTimeout != 3600 || r.Version != "16.4.0" {
						t.Fatalf("%s: registered runner %+v", c.kind, r)
					}
					expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": tok}), 200, "")
				case 410:
					expect(t, rec, 410, gone)
				case 403:
					if store.ParseVersion(tc.version).EnforcesRegistrationSwitch() {
						expect(t, rec, 403, invalid)
					} else {
						expect(t, rec, 403, `{"message":"403 Forbidden"}`) // no reason before ≈16.0
					}
				}
			}
		})
	}
}

func TestLegacyTokenFormats(t *testing.T) {
	for v, re := range map[string]string{
		"16.11.0": `^[A-Za-z0-9_-]{20}$`,
		"17.5.0":  `^t2_[A-Za-z0-9_-]{20}$`,
		"18.6.0":  `^glrtr-t2_[A-Za-z0-9_-]{20}$`,
	} {
		e := newTestEnv(t, v)
		e.st.UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = true })
		_ = e.st.SetGroupAllowRegistrationTokens(e.seed.Group.ID, true)
		rec := legacyRegister(e, e.seed.Group.RegistrationToken)
		expect(t, rec, 201, "")
		if tok := decodeMap(t, rec)["token"].(string); !regexp.MustCompile(re).MatchString(tok) {
			t.Fatalf("%s: legacy token %q does not match %s", v, tok, re)
		}
	}
}

func TestLegacyRegistrationModelError(t *testing.T) {
	e := newTestEnv(t, "16.5.0")
	rec := e.call("POST", "/runners", "", map[string]any{"token": e.seed.InstanceRegistrationToken, "run_untagged": false})
	expect(t, rec, 400, `{"message":{"tags_list":["can not be empty when runner is not allowed to pick untagged jobs"]}}`)
	if e.st.RunnerCount() != 0 {
		t.Fatal("runner stored despite error")
	}
}

// TestLegacyRegistrationHonoursValidRunnerRegistrars: a group or project
// registration token whose kind valid_runner_registrars lacks is not
// recognised: 403 "invalid token supplied", or 410 with the instance switch
// off (Ci::Runners::RegisterRunnerService#attrs_from_token).
func TestLegacyRegistrationHonoursValidRunnerRegistrars(t *testing.T) {
	gone := `{"message":"410 Gone - runner registration disallowed"}`
	invalid := `{"message":"403 Forbidden - invalid token supplied"}`
	for _, tc := range []struct {
		registrars       []string
		instance         bool
		group, project   int
		groupB, projectB string
	}{
		{[]string{"group", "project"}, true, 201, 201, "", ""},
		{[]string{"group"}, true, 201, 403, "", invalid},
		{[]string{"project"}, true, 403, 201, invalid, ""},
		{[]string{}, true, 403, 403, invalid, invalid},
		{[]string{}, false, 410, 410, gone, gone},
	} {
		e := newTestEnv(t, "")
		e.st.UpdateSettings(func(s *store.Settings) {
			s.AllowRunnerRegistrationToken = tc.instance
			s.ValidRunnerRegistrars = tc.registrars
		})
		_ = e.st.SetGroupAllowRegistrationTokens(e.seed.Group.ID, true)
		expect(t, legacyRegister(e, e.seed.Group.RegistrationToken), tc.group, tc.groupB)
		expect(t, legacyRegister(e, e.seed.Project.RegistrationToken), tc.project, tc.projectB)
	}
}

// TestVerifyIsNotAHarmlessProbe: POST /runners/verify files the host as a
// manager of the runner, "<legacy>" when it sends no system_id (GitLab's
// ensure_manager since runner managers, ≈ 15.10), and records the contact —
// except for glrt- tokens from 15.10 to 17.x, where GitLab skipped the
// contact update (MR !113753) but still created the manager.
func TestVerifyIsNotAHarmlessProbe(t *testing.T) {
	for _, tc := range []struct {
		version         string
		managers        []string // system_ids after a verify without system_id, then one with s_1
		contactRecorded bool
	}{
		{"17.4.1-ee", []string{store.LegacySystemID, "s_1"}, false},
		{"18.6.0-ee", []string{store.LegacySystemID, "s_1"}, true},
	} {
		t.Run(tc.version, func(t *testing.T) {
			e := newTestEnv(t, tc.version)
			id, tok := e.groupRunner()
			expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": tok}), 200, "")
			expect(t, e.call("POST", "/runners/verify", "", map[string]any{"token": tok, "system_id": "s_1"}), 200, "")
			r, _ := e.st.Runner(id)
			var got []string
			for _, m := range r.Managers {
				got = append(got, m.SystemID)
			}
			if strings.Join(got, ",") != strings.Join(tc.managers, ",") {
				t.Errorf("managers %v, want %v", got, tc.managers)
			}
			if (r.ContactedAt != nil) != tc.contactRecorded {
				t.Errorf("contacted_at %v, want recorded = %v", r.ContactedAt, tc.contactRecorded)
			}
			// A job request records the contact on every version.
			expect(t, e.call("POST", "/jobs/request", "", map[string]any{"token": tok, "system_id": "s_1"}), 204, "")
			if r, _ := e.st.Runner(id); r.ContactedAt == nil {
				t.Error("a job request did not record the contact")
			}
		})
	}
}
