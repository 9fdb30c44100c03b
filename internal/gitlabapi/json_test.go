package gitlabapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRunnerDetailsDecoding(t *testing.T) {
	body := `{"id":9171,"description":"ci","ip_address":null,"active":true,"paused":false,"is_shared":false,
	"runner_type":"group_type","name":null,"online":null,"status":"never_contacted","tag_list":["docker","linux"],
	"run_untagged":false,"locked":true,"maximum_timeout":3600,"access_level":"ref_protected","maintenance_note":"n",
	"contacted_at":null,"created_at":"2021-09-27T21:05:03.203Z","version":"17.4.0","revision":"abc","platform":"linux",
	"architecture":"amd64","projects":[{"id":1,"name":"app","name_with_namespace":"demo / app","path":"app","path_with_namespace":"demo/app"}],
	"groups":[{"id":2,"name":"demo","web_url":"https://h/groups/demo"}]}`
	var r RunnerDetails
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2021, 9, 27, 21, 5, 3, 203e6, time.UTC)
	if r.ID != 9171 || r.RunnerType != RunnerTypeGroup || r.Status != "never_contacted" || !r.Active {
		t.Errorf("runner = %+v", r.RunnerInfo)
	}
	a := r.RunnerAttributes
	if a.Description == nil || *a.Description != "ci" || a.Paused == nil || *a.Paused || a.Locked == nil || !*a.Locked ||
		a.RunUntagged == nil || *a.RunUntagged || a.MaintenanceNote == nil || *a.MaintenanceNote != "n" {
		t.Errorf("attributes = %+v", a)
	}
	if a.MaximumTimeout == nil || *a.MaximumTimeout != 3600 || a.AccessLevel == nil || *a.AccessLevel != AccessLevelRefProtected ||
		a.TagList == nil || len(*a.TagList) != 2 {
		t.Errorf("details = %+v", r)
	}
	if r.ContactedAt != nil || r.CreatedAt == nil || !r.CreatedAt.Equal(want) {
		t.Errorf("times: contacted %v created %v", r.ContactedAt, r.CreatedAt)
	}
	if len(r.Projects) != 1 || r.Projects[0].PathWithNamespace != "demo/app" || len(r.Groups) != 1 || r.Groups[0].WebURL == "" {
		t.Errorf("projects/groups = %+v %+v", r.Projects, r.Groups)
	}
	if r.IPAddress != nil || r.Name != nil || r.Version == nil || *r.Version != "17.4.0" {
		t.Errorf("null must stay nil, a value a value: ip %v name %v version %v", r.IPAddress, r.Name, r.Version)
	}
}

// TestRunnerNullsStayNil: GitLab's null (or an absent key) and "" are told
// apart in every field the data sources show, lists and managers included.
func TestRunnerNullsStayNil(t *testing.T) {
	var list []Runner
	if err := json.Unmarshal([]byte(`[{"id":1,"description":null,"ip_address":null,"name":null,"status":"never_contacted"},
	{"id":2,"description":"","ip_address":"10.0.0.1","name":"","created_at":"2025-05-03T00:00:00.000Z"}]`), &list); err != nil {
		t.Fatal(err)
	}
	if list[0].Description != nil || list[0].IPAddress != nil || list[0].Name != nil || list[0].CreatedAt != nil {
		t.Errorf("nulls of item 1: %+v", list[0])
	}
	if list[1].Description == nil || *list[1].Description != "" || list[1].Name == nil || *list[1].Name != "" ||
		list[1].IPAddress == nil || *list[1].IPAddress != "10.0.0.1" || list[1].CreatedAt == nil || list[1].CreatedAt.Year() != 2025 {
		t.Errorf("values of item 2: %+v", list[1])
	}
	var d RunnerDetails
	if err := json.Unmarshal([]byte(`{"id":3,"version":null,"revision":"","maintenance_note":null}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.Version != nil || d.Platform != nil || d.Revision == nil || *d.Revision != "" || d.MaintenanceNote != nil {
		t.Errorf("details: version %v platform %v revision %v note %v", d.Version, d.Platform, d.Revision, d.MaintenanceNote)
	}
	var m RunnerManager
	if err := json.Unmarshal([]byte(`{"id":4,"system_id":"s_1","ip_address":null,"version":"18.0.0"}`), &m); err != nil {
		t.Fatal(err)
	}
	if m.IPAddress != nil || m.Architecture != nil || m.Version == nil || *m.Version != "18.0.0" {
		t.Errorf("manager: %+v", m)
	}
}

func TestFlexTime(t *testing.T) {
	want := time.Date(2021, 9, 27, 21, 5, 3, 0, time.UTC)
	for _, s := range []string{
		`"2021-09-27T21:05:03Z"`, `"2021-09-27T21:05:03.000Z"`, `"2021-09-27T23:05:03.000+02:00"`,
		`"2021-09-27T21:05:03.000+0000"`, `"2021-09-27 21:05:03 UTC"`, `"2021-09-27T21:05:03"`,
	} {
		var m RunnerManager
		if err := json.Unmarshal([]byte(`{"id":1,"contacted_at":`+s+`}`), &m); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if m.ContactedAt == nil || !m.ContactedAt.Equal(want) {
			t.Errorf("%s decoded as %v", s, m.ContactedAt)
		}
	}
	for _, s := range []string{`null`, `""`, `"not a time"`, `42`, `{}`} {
		var tok RunnerToken
		if err := json.Unmarshal([]byte(`{"id":3,"token":"x","token_expires_at":`+s+`}`), &tok); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if tok.TokenExpiresAt != nil || tok.ID != 3 || tok.Token != "x" {
			t.Errorf("%s: %+v", s, tok)
		}
	}
}

func TestRunnersTokenVisibility(t *testing.T) {
	cases := []struct {
		body    string
		visible bool
		token   string
	}{
		{`{"id":1,"full_path":"demo"}`, false, ""},
		{`{"id":1,"full_path":"demo","runners_token":null}`, true, ""},
		{`{"id":1,"full_path":"demo","runners_token":"GR1348941abc"}`, true, "GR1348941abc"},
	}
	for _, tc := range cases {
		var g Group
		var p Project
		if err := json.Unmarshal([]byte(tc.body), &g); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(tc.body), &p); err != nil {
			t.Fatal(err)
		}
		for _, got := range []struct {
			visible bool
			token   *string
		}{{g.RunnersTokenVisible, g.RunnersToken}, {p.RunnersTokenVisible, p.RunnersToken}} {
			tok := ""
			if got.token != nil {
				tok = *got.token
			}
			if got.visible != tc.visible || tok != tc.token || (tc.token == "" && got.token != nil) {
				t.Errorf("%s: visible=%v token=%v", tc.body, got.visible, got.token)
			}
		}
	}
	var p Project
	_ = json.Unmarshal([]byte(`{"id":6,"path_with_namespace":"demo/platform/app","namespace":{"id":3,"kind":"group","full_path":"demo/platform","parent_id":2}}`), &p)
	if p.Namespace.FullPath != "demo/platform" || p.Namespace.ParentID == nil || *p.Namespace.ParentID != 2 {
		t.Errorf("namespace = %+v", p.Namespace)
	}
}

func TestOptionsEncoding(t *testing.T) {
	b, _ := json.Marshal(CreateUserRunnerOptions{RunnerType: RunnerTypeProject, ProjectID: new(int64(6)),
		RunnerAttributes: RunnerAttributes{RunUntagged: new(false), TagList: &[]string{}}})
	if string(b) != `{"runner_type":"project_type","project_id":6,"run_untagged":false,"tag_list":[]}` {
		t.Errorf("create = %s", b)
	}
	var nilTags []string
	cases := []struct {
		opts UpdateRunnerOptions
		want string
	}{
		{UpdateRunnerOptions{}, `{}`},
		{UpdateRunnerOptions{ClearMaximumTimeout: true, RunnerAttributes: RunnerAttributes{MaximumTimeout: new(int64(900))}}, `{"maximum_timeout":null}`},
		{UpdateRunnerOptions{RunnerAttributes: RunnerAttributes{MaximumTimeout: new(int64(900))}}, `{"maximum_timeout":900}`},
		{UpdateRunnerOptions{RunnerAttributes: RunnerAttributes{TagList: &nilTags, Paused: new(true), Locked: new(false)}}, `{"locked":false,"paused":true,"tag_list":[]}`},
		{UpdateRunnerOptions{RunnerAttributes: RunnerAttributes{Description: new(""), MaintenanceNote: new("m"), AccessLevel: new(AccessLevelNotProtected), RunUntagged: new(true)}},
			`{"access_level":"not_protected","description":"","maintenance_note":"m","run_untagged":true}`},
	}
	for _, tc := range cases {
		b, err := json.Marshal(tc.opts)
		if err != nil || string(b) != tc.want {
			t.Errorf("%+v: %s %v, want %s", tc.opts, b, err, tc.want)
		}
	}
}

func TestEndpointsAndAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "GET /api/v4/runners/12/managers":
			writeJSON(w, 200, `[{"id":1,"system_id":"s_abc","status":"online","created_at":"2024-01-01T00:00:00.000Z","contacted_at":null}]`)
		case "GET /api/v4/application/settings":
			writeJSON(w, 200, `{"valid_runner_registrars":["group"],"runner_token_expiration_interval":7200,"group_runner_token_expiration_interval":null}`)
		case "POST /api/v4/runners/12/reset_authentication_token":
			writeJSON(w, 201, `{"token":"glrt-new","token_expires_at":null}`)
		case "DELETE /api/v4/runners/12":
			w.WriteHeader(204)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL+"/api/v4/", nil)
	ms, err := c.ListRunnerManagers(t.Context(), 12)
	if err != nil || len(ms) != 1 || ms[0].SystemID != "s_abc" || ms[0].CreatedAt == nil || ms[0].ContactedAt != nil {
		t.Errorf("managers = %+v %v", ms, err)
	}
	s, err := c.GetApplicationSettings(t.Context())
	if err != nil || s.AllowRunnerRegistrationToken != nil || s.ValidRunnerRegistrars == nil || len(*s.ValidRunnerRegistrars) != 1 ||
		s.RunnerTokenExpirationInterval == nil || *s.RunnerTokenExpirationInterval != 7200 || s.GroupRunnerTokenExpirationInterval != nil {
		t.Errorf("settings = %+v %v", s, err)
	}
	tok, err := c.ResetRunnerAuthenticationToken(t.Context(), 12)
	if err != nil || tok.ID != 12 || tok.Token != "glrt-new" {
		t.Errorf("reset = %+v %v", tok, err)
	}
	if err := c.DeleteRunner(t.Context(), 12); err != nil {
		t.Errorf("delete: %v", err)
	}
	if _, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{}); err == nil {
		t.Error("create without runner_type must fail before calling the API")
	}
}

func TestHTMLSuccessAnswerExplained(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		_, _ = w.Write([]byte("<html><body>Sign in</body></html>"))
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	_, err := c.GetVersion(t.Context())
	if err == nil || !strings.Contains(err.Error(), "GET /version: the 200 answer is HTML") {
		t.Errorf("got %v", err)
	}
}
