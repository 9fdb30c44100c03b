package acctest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
)

// createRunner creates an instance runner through the API as the admin.
func createRunner(t *testing.T, m *Mock) (int64, string) {
	t.Helper()
	body := []byte(`{"runner_type":"instance_type","description":"acctest"}`)
	req, _ := http.NewRequest(http.MethodPost, m.APIURL()+"/user/runners", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("PRIVATE-TOKEN", m.Seed.AdminToken)
	resp, err := m.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ID    int64
		Token string
	}
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /user/runners: %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.ID, out.Token
}

func TestStartMockDefaults(t *testing.T) {
	m := StartMock(t)
	if !strings.HasPrefix(m.URL(), "http://127.0.0.1:") {
		t.Errorf("URL() = %q, want http://127.0.0.1:PORT", m.URL())
	}
	if m.Clock == nil || !m.Clock.Now().Equal(DefaultStartTime) || !m.Now().Equal(DefaultStartTime) {
		t.Errorf("clock = %v, want a fake clock at %s", m.Clock, DefaultStartTime)
	}
	if m.Seed.AdminToken == "" || m.Seed.Group.OwnerToken == "" || !reflect.DeepEqual(m.Seed, m.Server.Seed()) {
		t.Errorf("Seed = %+v, want the server's seeded fixture", m.Seed)
	}
	m.Clock.Advance(time.Hour)
	if got := m.Store().Clock().Now(); !got.Equal(DefaultStartTime.Add(time.Hour)) {
		t.Errorf("store clock = %s, want the mock's fake clock", got)
	}
}

func TestStartMockRealClockAndVersion(t *testing.T) {
	m := StartMock(t, WithRealClock(), WithVersion("16.11.2-ee"))
	if m.Clock != nil {
		t.Error("Clock is set with WithRealClock")
	}
	if d := time.Since(m.Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("Now() = %s, want about the wall clock", m.Now())
	}
	if v := m.Store().Version().String(); v != "16.11.2-ee" {
		t.Errorf("version = %q, want 16.11.2-ee", v)
	}
}

func TestVerifyStatusAndRunners(t *testing.T) {
	m := StartMock(t)
	id, token := createRunner(t, m)
	if got := m.VerifyStatus(t, token, "s_0123456789ab"); got != http.StatusOK {
		t.Errorf("VerifyStatus(valid token) = %d, want 200", got)
	}
	if got := m.VerifyStatus(t, "glrt-not-a-real-token", "s_0123456789ab"); got != http.StatusForbidden {
		t.Errorf("VerifyStatus(bad token) = %d, want 403", got)
	}
	rs := m.Runners()
	if len(rs) != 1 || rs[0].ID != id {
		t.Fatalf("Runners() = %+v, want the one runner %d", rs, id)
	}
	if r, ok := m.Runner(id); !ok || len(r.Managers) != 1 || r.Managers[0].SystemID != "s_0123456789ab" {
		t.Errorf("Runner(%d) = %+v, want one manager s_0123456789ab from the verify call", id, r)
	}
}

func TestRegisterStatus(t *testing.T) {
	m := StartMock(t) // 18.6: registration tokens off by default
	if got := m.RegisterStatus(t, m.Seed.Group.RegistrationToken); got != http.StatusGone {
		t.Errorf("RegisterStatus with tokens off = %d, want 410", got)
	}
	m.Store().UpdateSettings(func(s *store.Settings) { s.AllowRunnerRegistrationToken = true })
	if got := m.RegisterStatus(t, m.Seed.InstanceRegistrationToken); got != http.StatusCreated {
		t.Errorf("RegisterStatus with the instance token = %d, want 201", got)
	}
	if got := m.RegisterStatus(t, "GR1348941unknown"); got != http.StatusForbidden {
		t.Errorf("RegisterStatus with an unknown token = %d, want 403", got)
	}
}

func TestCheckDestroy(t *testing.T) {
	m := StartMock(t)
	id, _ := createRunner(t, m)
	st := newState()
	st.RootModule().Resources["gitlabrunner_user_runner.a"] = &terraform.ResourceState{
		Type: "gitlabrunner_user_runner", Primary: &terraform.InstanceState{ID: strconv.FormatInt(id, 10)},
	}
	st.RootModule().Resources["other_thing.b"] = &terraform.ResourceState{
		Type: "other_thing", Primary: &terraform.InstanceState{ID: "not-a-number"},
	}
	check := m.CheckDestroy("gitlabrunner_user_runner")
	if err := check(st); err == nil || !strings.Contains(err.Error(), "still exists") {
		t.Fatalf("CheckDestroy with the runner present: %v, want \"still exists\"", err)
	}
	if !m.Store().DeleteRunner(id) {
		t.Fatal("DeleteRunner failed")
	}
	if err := check(st); err != nil {
		t.Fatalf("CheckDestroy after deletion: %v", err)
	}
}

func TestProviderBlock(t *testing.T) {
	m := StartMock(t)
	got := m.ProviderBlock("glpat-abc")
	for _, want := range []string{`provider "gitlabrunner" {`, `base_url = "` + m.URL() + `"`, `token = "glpat-abc"`, `retries  = 2`} {
		if !strings.Contains(got, want) {
			t.Errorf("ProviderBlock:\n%s\nwant it to contain %s", got, want)
		}
	}
	if strings.Contains(got, "cacert_file") {
		t.Errorf("ProviderBlock without TLS has cacert_file:\n%s", got)
	}
}

func TestProviderBlockTLSAndClientCert(t *testing.T) {
	m := StartMock(t, WithClientCerts(mockcoordinator.ClientCertsRequired))
	got := m.ProviderBlockWithClientCert(t, "glpat-abc")
	for _, attr := range []string{"cacert_file", "client_cert", "client_key"} {
		line := lineWith(got, attr)
		if line == "" {
			t.Fatalf("ProviderBlockWithClientCert:\n%s\nhas no %s", got, attr)
		}
		path := strings.Trim(strings.TrimSpace(strings.SplitN(line, "=", 2)[1]), `"`)
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s file: %v", attr, err)
		}
	}
	if !strings.HasPrefix(m.URL(), "https://") {
		t.Errorf("URL() = %q, want https", m.URL())
	}
}

func TestHCLStringEscapes(t *testing.T) {
	if got, want := hclString(`a"b\c${x}%{y}`), `"a\"b\\c$${x}%%{y}"`; got != want {
		t.Errorf("hclString = %s, want %s", got, want)
	}
}

func TestPreCheckSkipsWithoutTFACC(t *testing.T) {
	t.Setenv("TF_ACC", "")
	var skipped bool
	t.Run("inner", func(st *testing.T) {
		defer func() { skipped = st.Skipped() }()
		PreCheck(st)
	})
	if !skipped {
		t.Error("PreCheck did not skip without TF_ACC")
	}
}

func TestTerraformProblem(t *testing.T) {
	notFound := func(string) (string, error) { return "", errors.New("not found") }
	found := func(string) (string, error) { return "/usr/bin/terraform", nil }
	exe, err := os.Executable() // the test binary: an existing executable file
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path   string
		look   func(string) (string, error)
		wantIn string // "" = no problem
	}{
		{"", found, ""},
		{"", notFound, "no terraform binary"},
		{exe, notFound, ""},
		{"relative/terraform", found, "must be an absolute path"},
		{"/does/not/exist/terraform", found, "TF_ACC_TERRAFORM_PATH=/does/not/exist/terraform"},
		{t.TempDir(), found, "not an executable file"},
	}
	for _, tc := range cases {
		got := terraformProblem(tc.path, tc.look)
		if (tc.wantIn == "") != (got == "") || !strings.Contains(got, tc.wantIn) {
			t.Errorf("terraformProblem(%q) = %q, want %q", tc.path, got, tc.wantIn)
		}
	}
}

func lineWith(block, attr string) string {
	for _, l := range strings.Split(block, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), attr+" ") {
			return l
		}
	}
	return ""
}

// The acceptance helpers take the seed description mock-coordinator --seed
// reads, from Go or from a file.
func TestStartMockWithSeed(t *testing.T) {
	m := StartMock(t, WithSeed(store.SeedSpec{
		GitLabVersion: "17.2.0",
		Users:         []store.SeedUser{{Username: "ops", Admin: true, Tokens: []store.SeedAccessToken{{}}}},
		Groups:        []store.SeedGroupSpec{{Path: "acme", Members: map[string]string{"ops": "owner"}}},
		Projects:      []store.SeedProjectSpec{{Path: "acme/app"}},
	}))
	if m.SeedSpec == nil || m.Seed.AdminToken != "" || m.Store().Version().String() != "17.2.0" {
		t.Fatalf("mock: %+v %+v", m.SeedSpec, m.Seed)
	}
	c, err := m.Store().Authenticate(m.SeedSpec.UserToken("ops"), store.ScopeAPI)
	if err != nil || !c.User().Admin {
		t.Fatalf("ops: %v", err)
	}
	if m.SeedSpec.ProjectID("acme/app") == 0 || m.SeedSpec.GroupID("acme") == 0 {
		t.Fatalf("ids: %+v", m.SeedSpec)
	}
	file := filepath.Join(t.TempDir(), "org.yaml")
	if err := os.WriteFile(file, []byte("users:\n  - username: ci\n    tokens: [{token: glpat-ci-0000000000000000}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if m := StartMock(t, WithSeedFile(t, file)); m.SeedSpec.UserToken("ci") != "glpat-ci-0000000000000000" {
		t.Fatalf("file seed: %+v", m.SeedSpec)
	}
}
