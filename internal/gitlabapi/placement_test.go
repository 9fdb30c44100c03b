package gitlabapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The calls behind project runner assignments and the runner settings: the
// method, path and body each sends, and how the answers decode.
func TestRunnerPlacementCalls(t *testing.T) {
	var bodies = map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		key := r.Method + " " + r.URL.Path
		bodies[key] = string(raw)
		switch key {
		case "POST /api/v4/projects/7/runners":
			writeJSON(w, 201, `{"id":12,"runner_type":"project_type","ip_address":null,"paused":false}`)
		case "DELETE /api/v4/projects/7/runners/12":
			w.WriteHeader(204)
		case "POST /api/v4/projects/8/runners":
			writeJSON(w, 400, `{"message":"Assign to Validation failed: Runner projects runner has already been taken - runner_error"}`)
		case "PUT /api/v4/application/settings":
			writeJSON(w, 200, `{"allow_runner_registration_token":false,"valid_runner_registrars":[],"runner_token_expiration_interval":null,"group_runner_token_expiration_interval":7200}`)
		case "PUT /api/v4/projects/7":
			writeJSON(w, 200, `{"id":7,"path_with_namespace":"demo/app","shared_runners_enabled":false,"group_runners_enabled":false}`)
		case "PUT /api/v4/groups/3":
			writeJSON(w, 200, `{"id":3,"full_path":"demo","parent_id":null,"shared_runners_setting":"disabled_and_overridable","runners_token":null}`)
		default:
			t.Errorf("unexpected %s", key)
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	ctx := t.Context()

	r, err := c.AssignRunnerToProject(ctx, 7, 12)
	if err != nil || r.ID != 12 || r.RunnerType != RunnerTypeProject || bodies["POST /api/v4/projects/7/runners"] != `{"runner_id":12}` {
		t.Errorf("assign: %+v %v body %s", r, err, bodies["POST /api/v4/projects/7/runners"])
	}
	if _, err := c.AssignRunnerToProject(ctx, 8, 12); !IsAlreadyAssigned(err) {
		t.Errorf("already assigned not recognised: %v", err)
	}
	if IsAlreadyAssigned(&Error{StatusCode: 400, Message: "runner_id is missing"}) || IsAlreadyAssigned(nil) {
		t.Error("IsAlreadyAssigned matches other errors")
	}
	if err := c.UnassignRunnerFromProject(ctx, 7, 12); err != nil {
		t.Errorf("unassign: %v", err)
	}

	s, err := c.UpdateApplicationSettings(ctx, UpdateApplicationSettingsOptions{ApplicationSettings: ApplicationSettings{
		AllowRunnerRegistrationToken: new(false), ValidRunnerRegistrars: &[]string{},
		GroupRunnerTokenExpirationInterval: new(int64(7200))}, Null: []string{"runner_token_expiration_interval"},
	})
	want := `{"allow_runner_registration_token":false,"group_runner_token_expiration_interval":7200,"runner_token_expiration_interval":null,"valid_runner_registrars":[]}`
	if got := bodies["PUT /api/v4/application/settings"]; got != want {
		t.Errorf("settings body = %s\nwant %s", got, want)
	}
	if err != nil || s.AllowRunnerRegistrationToken == nil || *s.AllowRunnerRegistrationToken || !s.Has("runner_token_expiration_interval") ||
		s.RunnerTokenExpirationInterval != nil || s.Has("project_runner_token_expiration_interval") || *s.GroupRunnerTokenExpirationInterval != 7200 {
		t.Errorf("settings answer: %+v %v", s, err)
	}

	g, err := c.UpdateGroupRunnerSettings(ctx, &Group{ID: 3, FullPath: "demo"}, GroupRunnerSettings{SharedRunnersSetting: new("disabled_and_overridable")})
	if err != nil || *g.SharedRunnersSetting != "disabled_and_overridable" || !g.RunnersTokenVisible || g.RunnersToken != nil ||
		!g.Has("shared_runners_setting") || bodies["PUT /api/v4/groups/3"] != `{"shared_runners_setting":"disabled_and_overridable"}` {
		t.Errorf("group: %+v %v", g, err)
	}

	p, err := c.UpdateProjectRunnerSettings(ctx, 7, ProjectRunnerSettings{GroupRunnersEnabled: new(false)})
	if err != nil || *p.SharedRunnersEnabled || *p.GroupRunnersEnabled || !p.Has("group_runners_enabled") || p.Has("runners_token") ||
		bodies["PUT /api/v4/projects/7"] != `{"group_runners_enabled":false}` {
		t.Errorf("project: %+v %v body %s", p, err, bodies["PUT /api/v4/projects/7"])
	}
}

// Nothing set: an empty PUT, never a null the caller did not ask for.
func TestUpdateApplicationSettingsOptionsEncoding(t *testing.T) {
	for _, tc := range []struct {
		opts UpdateApplicationSettingsOptions
		want string
	}{
		{UpdateApplicationSettingsOptions{}, `{}`},
		{UpdateApplicationSettingsOptions{ApplicationSettings: ApplicationSettings{ValidRunnerRegistrars: new([]string(nil))}}, `{"valid_runner_registrars":[]}`},
		{UpdateApplicationSettingsOptions{ApplicationSettings: ApplicationSettings{ProjectRunnerTokenExpirationInterval: new(int64(5))},
			Null: []string{"project_runner_token_expiration_interval"}}, `{"project_runner_token_expiration_interval":null}`},
		{UpdateApplicationSettingsOptions{ApplicationSettings: ApplicationSettings{AllowRunnerRegistrationToken: new(true),
			ValidRunnerRegistrars: &[]string{"group", "project"}}},
			`{"allow_runner_registration_token":true,"valid_runner_registrars":["group","project"]}`},
	} {
		b, err := json.Marshal(tc.opts)
		if err != nil || string(b) != tc.want {
			t.Errorf("%+v: %s %v, want %s", tc.opts, b, err, tc.want)
		}
	}
}
