package store

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

var testStart = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestFakeClock(t *testing.T) {
	c := NewFakeClock(testStart)
	if !c.Now().Equal(testStart) {
		t.Fatal("Now")
	}
	if got := c.Advance(time.Hour); !got.Equal(testStart.Add(time.Hour)) || !c.Now().Equal(got) {
		t.Fatal("Advance")
	}
	c.Set(testStart)
	if !c.Now().Equal(testStart) {
		t.Fatal("Set")
	}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); c.Advance(time.Second); _ = c.Now() }()
	}
	wg.Wait()
	if !c.Now().Equal(testStart.Add(10 * time.Second)) {
		t.Fatal("concurrent Advance lost updates")
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]Version{
		"18.6.0-ee": {Raw: "18.6.0-ee", Major: 18, Minor: 6, Enterprise: true},
		"17.4.1":    {Raw: "17.4.1", Major: 17, Minor: 4, Patch: 1},
		"15.9":      {Raw: "15.9", Major: 15, Minor: 9},
		"":          {Raw: DefaultVersion, Major: 18, Minor: 6, Enterprise: true},
	} {
		if got := ParseVersion(in); got != want {
			t.Errorf("ParseVersion(%q) = %+v, want %+v", in, got, want)
		}
	}
	if !ParseVersion("15.8").HasRegistrationSwitch() || ParseVersion("15.7.9").HasRegistrationSwitch() {
		t.Error("registration switch threshold")
	}
	if !ParseVersion("16.0").EnforcesRegistrationSwitch() || ParseVersion("15.11.3").EnforcesRegistrationSwitch() {
		t.Error("registration enforcement threshold")
	}
	if !ParseVersion("14.8").HasTokenExpirationIntervals() || ParseVersion("14.7").HasTokenExpirationIntervals() {
		t.Error("token expiration intervals threshold")
	}
	if ParseVersion("15.10").HasUserRunners() || !ParseVersion("15.11").HasUserRunners() {
		t.Error("user runners threshold")
	}
	if !ParseVersion("20.0").LegacyRegistrationRemoved() || ParseVersion("19.11").LegacyRegistrationRemoved() {
		t.Error("removal threshold")
	}
}

func TestSeedDefaults(t *testing.T) {
	st := NewStore(Options{})
	s := st.SeedDefaults()
	if again := st.SeedDefaults(); !reflect.DeepEqual(again, s) || !reflect.DeepEqual(st.Seed(), s) {
		t.Fatal("SeedDefaults is not idempotent")
	}
	if s.Group.FullPath != "demo" || s.Subgroup.FullPath != "demo/platform" || s.Project.PathWithNamespace != "demo/platform/app" {
		t.Fatalf("paths: %+v", s)
	}
	// The projects list extends the seed: the first entry is Project, the
	// second another project of the same group with its own maintainer.
	if len(s.Projects) != 2 || !reflect.DeepEqual(s.Projects[0], s.Project) || s.Projects[1].PathWithNamespace != "demo/platform/web" ||
		s.Projects[1].ID == s.Project.ID || s.Projects[1].MaintainerToken == s.Project.MaintainerToken {
		t.Fatalf("projects: %+v", s.Projects)
	}
	for _, tok := range []string{s.AdminToken, s.ReadAPIToken, s.NonAdminToken, s.Group.OwnerToken, s.Group.MaintainerToken,
		s.Group.DeveloperToken, s.Project.MaintainerToken, s.Project.DeveloperToken, s.Projects[1].MaintainerToken, s.Projects[1].DeveloperToken} {
		if !strings.HasPrefix(tok, "glpat-") || len(tok) != 26 {
			t.Fatalf("token %q is not glpat- + 20", tok)
		}
	}
	for _, tok := range []string{s.Group.RegistrationToken, s.Subgroup.RegistrationToken, s.Project.RegistrationToken} {
		if !strings.HasPrefix(tok, "GR1348941") {
			t.Fatalf("registration token %q lacks GR1348941", tok)
		}
	}
	if s.InstanceRegistrationToken == "" || strings.HasPrefix(s.InstanceRegistrationToken, "GR1348941") {
		t.Fatalf("instance registration token %q", s.InstanceRegistrationToken)
	}
	raw, _ := json.Marshal(s)
	for _, key := range []string{`"admin_token"`, `"instance_registration_token"`, `"subgroup"`, `"owner_token"`, `"path_with_namespace"`, `"read_api_token"`, `"non_admin_token"`, `"projects"`} {
		if !strings.Contains(string(raw), key) {
			t.Fatalf("seed JSON lacks %s: %s", key, raw)
		}
	}
	// two stores get different secrets
	if NewStore(Options{}).SeedDefaults().AdminToken == s.AdminToken {
		t.Fatal("tokens are not random")
	}
}
