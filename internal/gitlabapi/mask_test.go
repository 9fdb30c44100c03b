package gitlabapi

import "testing"

// secretMembers is what the full walk of learnSecrets finds in body.
func secretMembers(body []byte) []string {
	var found []string
	rewriteJSON(body, func(v string) { found = append(found, v) })
	return found
}

// TestMayNameSecret: the check that spares learnSecrets its walk of most
// answers says "may" for every answer the walk learns a secret from (keys in
// any case, escaped, with a Kelvin sign, with a prefix), and "cannot" for a
// runner's details, the answer of every refresh.
func TestMayNameSecret(t *testing.T) {
	for _, body := range []string{
		`{"id":7,"token":"glrt-abcdefghijklmnop"}`,
		`{"id":7,"TOKEN":"hostile-UPPER-key-secret"}`,
		`{"\u0054oken":"hostile-escaped-key-secret"}`,
		`{"to` + "\u212a" + `en":"hostile-kelvin-key-secret"}`,
		`{"runners_token":"GR1348941abcdefgh"}`,
		`{"user":{"Password" : "hunter22hunter22"}}`,
		`[{"client_secret":"abcdefghijkl"}]`,
	} {
		if len(secretMembers([]byte(body))) == 0 {
			t.Errorf("%s: the walk finds no secret; the case proves nothing", body)
		}
		if !mayNameSecret([]byte(body)) {
			t.Errorf("%s: mayNameSecret = false, but it names a secret", body)
		}
	}
	details := `{"id":7,"description":"bench r0001","active":true,"paused":false,"runner_type":"group_type",` +
		`"groups":[{"id":1,"web_url":"http://x/groups/demo","name":"demo"}],"tag_list":["bench","v1"],` +
		`"token_expires_at":null,"maximum_timeout":null,"access_level":"not_protected"}`
	if mayNameSecret([]byte(details)) {
		t.Errorf("a runner's details: mayNameSecret = true, want false (the walk would run on every refresh)")
	}
	if !mayNameSecret([]byte(`{"description":"my token"}`)) {
		t.Errorf(`a value ending in "token": mayNameSecret = false, want the safe answer true`)
	}
}

// FuzzMayNameSecret: whatever the answer, mayNameSecret never says "cannot"
// for one the walk learns a secret from.
func FuzzMayNameSecret(f *testing.F) {
	f.Add(`{"token":"glrt-abcdefghijklmnop"}`)
	f.Add(`{"ToKeN":"abcdefghij"}`)
	f.Add(`{"\u0074oken":"abcdefghij"}`)
	f.Add(`{"a":[{"b_secret":"abcdefghij"}]}`)
	f.Add(`{"id":1,"description":"x"}`)
	f.Fuzz(func(t *testing.T, body string) {
		if found := secretMembers([]byte(body)); len(found) > 0 && !mayNameSecret([]byte(body)) {
			t.Fatalf("mayNameSecret(%q) = false, but the walk learns %q", body, found)
		}
	})
}
