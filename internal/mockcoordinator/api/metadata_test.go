package api

import "testing"

func TestVersionAndMetadata(t *testing.T) {
	e := newTestEnv(t, "")
	for _, path := range []string{"/version", "/metadata"} {
		expect(t, e.call("GET", path, "", nil), 401, `{"message":"401 Unauthorized"}`)
		m := decodeMap(t, e.call("GET", path, e.seed.ReadAPIToken, nil))
		if m["version"] != "18.6.0-ee" || m["enterprise"] != true || len(m["revision"].(string)) != 11 {
			t.Fatalf("%s: %v", path, m)
		}
		kas := m["kas"].(map[string]any)
		if kas["enabled"] != false || kas["externalUrl"] != nil {
			t.Fatalf("kas: %v", kas)
		}
	}
	e.st.SetVersion("17.4.1")
	m := decodeMap(t, e.call("GET", "/metadata", e.seed.AdminToken, nil))
	if m["version"] != "17.4.1" || m["enterprise"] != false {
		t.Fatalf("CE metadata: %v", m)
	}
}

func TestCurrentUser(t *testing.T) {
	e := newTestEnv(t, "")
	m := decodeMap(t, e.call("GET", "/user", e.seed.AdminToken, nil))
	if m["username"] != "root" || m["is_admin"] != true {
		t.Fatalf("user: %v", m)
	}
}
