package gitlabapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The runner's details are decoded strictly where a field can make the
// provider replace a runner or rotate its token: a key in another case than
// GitLab's (Go would take it), a duplicate key (Go takes the last), such a key
// inside a group or project, and a token expiry that is not a full RFC 3339
// time leave the field out (the caller keeps what it knew) and are reported;
// the rest of the answer is read as usual.
func TestRunnerDetailsStrict(t *testing.T) {
	const rest = `"description":"ci","status":"online","projects":[],"groups":[{"id":5,"name":"g"}]`
	for _, tc := range []struct {
		name, body string
		malformed  string // the MalformedField key, "" for none
		reason     string
		check      func(*RunnerDetails) bool
	}{
		{"GitLab's answer", `{"id":7,"runner_type":"group_type","token_expires_at":"2026-12-12T10:00:00.000Z",` + rest + `}`, "", "",
			func(d *RunnerDetails) bool {
				return d.RunnerType == RunnerTypeGroup && d.TokenExpiresAt.Known && len(d.Groups) == 1
			}},
		{"runner_type in capitals", `{"id":7,"runner_type":"group_type","RUNNER_TYPE":"instance_type",` + rest + `}`,
			"runner_type", `the key "RUNNER_TYPE" is not GitLab's spelling "runner_type"`, func(d *RunnerDetails) bool { return d.RunnerType == "" }},
		{"runner_type twice", `{"id":7,"runner_type":"group_type",` + rest + `,"runner_type":"instance_type"}`,
			"runner_type", `the key "runner_type" appears more than once`, func(d *RunnerDetails) bool { return d.RunnerType == "" }},
		{"a group's id twice", `{"id":7,"runner_type":"group_type","description":"ci","groups":[{"id":5,"id":99}]}`,
			"groups", `groups[0]: the key "id" appears more than once`, func(d *RunnerDetails) bool { return d.Groups == nil }},
		{"a project's id in capitals", `{"id":7,"runner_type":"project_type","projects":[{"id":5},{"id":6,"ID":99}]}`,
			"projects", `projects[1]: the key "ID" is not GitLab's spelling "id"`, func(d *RunnerDetails) bool { return d.Projects == nil }},
		{"groups twice", `{"id":7,"runner_type":"group_type","groups":[{"id":5}],"groups":[{"id":99}]}`,
			"groups", `the key "groups" appears more than once`, func(d *RunnerDetails) bool { return d.Groups == nil }},
		{"token_expires_at in capitals", `{"id":7,"runner_type":"group_type","TOKEN_EXPIRES_AT":"2030-01-01T00:00:00Z",` + rest + `}`,
			"token_expires_at", `the key "TOKEN_EXPIRES_AT" is not GitLab's spelling`, func(d *RunnerDetails) bool { return !d.TokenExpiresAt.Known }},
		{"token_expires_at with a Kelvin sign", `{"id":7,"runner_type":"group_type","to\u212Aen_expires_at":"2030-01-01T00:00:00Z",` + rest + `}`,
			"token_expires_at", `is not GitLab's spelling "token_expires_at"`, func(d *RunnerDetails) bool { return !d.TokenExpiresAt.Known }},
		{"token_expires_at a bare date", `{"id":7,"runner_type":"group_type","token_expires_at":"2026-12-12",` + rest + `}`,
			"token_expires_at", `"2026-12-12" is not a full RFC 3339 time with an offset`, func(d *RunnerDetails) bool { return !d.TokenExpiresAt.Known }},
		{"token_expires_at without offset", `{"id":7,"runner_type":"group_type","token_expires_at":"2026-12-12T10:00:00",` + rest + `}`,
			"token_expires_at", `is not a full RFC 3339 time`, func(d *RunnerDetails) bool { return !d.TokenExpiresAt.Known }},
		{"description twice", `{"id":7,"runner_type":"group_type","description":"a","description":"b"}`,
			"description", `the key "description" appears more than once`, func(d *RunnerDetails) bool {
				return d.Description == nil && d.RunnerType == RunnerTypeGroup
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, tc.body) }))
			defer srv.Close()
			d, err := newTestClient(t, srv.URL, nil).GetRunner(t.Context(), 7)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.malformed == "" && len(d.Malformed) != 0:
				t.Errorf("malformed %v, want none", d.Malformed)
			case tc.malformed != "" && (len(d.Malformed) != 1 || d.Malformed[0].Key != tc.malformed || !strings.Contains(d.Malformed[0].Reason, tc.reason)):
				t.Errorf("malformed %v, want one for %s saying %q", d.Malformed, tc.malformed, tc.reason)
			}
			if !tc.check(d) || d.ID != 7 {
				t.Errorf("decoded %+v", d)
			}
		})
	}
}

// An answer about another runner, or whose id is ambiguous, is not used.
func TestRunnerDetailsOfAnotherRunner(t *testing.T) {
	for body, want := range map[string]string{
		`{"id":8,"runner_type":"group_type"}`:        "it is about runner 8",
		`{"id":7,"ID":8,"runner_type":"group_type"}`: `no usable runner id (the key "ID" is not GitLab's spelling "id")`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, body) }))
		_, err := newTestClient(t, srv.URL, nil).GetRunner(t.Context(), 7)
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", body, err, want)
		}
	}
}

// GraphQL's tokenExpiresAt decides whether a token is rotated: an answer
// that holds it ambiguously (another case, twice, at another level twice)
// or not as a full RFC 3339 time is a MalformedAnswerError, never an expiry.
func TestRunnerTokenExpiryStrict(t *testing.T) {
	const gid = `"gid://gitlab/Ci::Runner/42"`
	for name, tc := range map[string]struct{ body, want string }{
		"a bare date":            {`{"data":{"runner":{"id":` + gid + `,"tokenExpiresAt":"2026-12-12"}}}`, `"2026-12-12" is not a full RFC 3339 time`},
		"key in capitals":        {`{"data":{"runner":{"id":` + gid + `,"TOKENEXPIRESAT":"2030-01-01T00:00:00Z"}}}`, `"TOKENEXPIRESAT" is not GitLab's spelling "tokenExpiresAt"`},
		"key twice":              {`{"data":{"runner":{"id":` + gid + `,"tokenExpiresAt":"2026-02-01T00:00:00Z","tokenExpiresAt":"2030-01-01T00:00:00Z"}}}`, `"tokenExpiresAt" appears more than once`},
		"runner twice":           {`{"data":{"runner":{"id":` + gid + `,"tokenExpiresAt":null},"runner":{"id":` + gid + `,"tokenExpiresAt":"2030-01-01T00:00:00Z"}}}`, `"runner" appears more than once`},
		"data in capitals":       {`{"DATA":{"runner":{"id":` + gid + `,"tokenExpiresAt":"2030-01-01T00:00:00Z"}}}`, `"DATA" is not GitLab's spelling "data"`},
		"a number, not a time":   {`{"data":{"runner":{"id":` + gid + `,"tokenExpiresAt":1767225600}}}`, `1767225600 is not a time`},
		"an object, not a time":  {`{"data":{"runner":{"id":` + gid + `,"tokenExpiresAt":{"at":"2030-01-01T00:00:00Z"}}}}`, `is not a time`},
		"a time without offset":  {`{"data":{"runner":{"id":` + gid + `,"tokenExpiresAt":"2030-01-01T00:00:00"}}}`, `not a full RFC 3339 time`},
		"data and DATA disagree": {`{"data":{"runner":{"id":` + gid + `,"tokenExpiresAt":null}},"Data":{"runner":null}}`, `"Data" is not GitLab's spelling`},
	} {
		t.Run(name, func(t *testing.T) {
			srv, _ := graphQLServer(t, "", func(int32) (int, string) { return 200, tc.body })
			defer srv.Close()
			exp, err := newTestClient(t, srv.URL, nil).RunnerTokenExpiry(t.Context(), 42)
			var malformed *MalformedAnswerError
			if !errors.As(err, &malformed) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("RunnerTokenExpiry = %+v, %v; want a MalformedAnswerError saying %q", exp, err, tc.want)
			}
		})
	}
}

// FuzzReadObject: readObject and readArray read every document as
// encoding/json's Decoder does, token by token (readObjectByTokens, what
// readObject did for every answer before it scanned valid ones): the same
// members (keys unescaped, values raw, in order, duplicates included), the
// same elements, the same refusals.
func FuzzReadObject(f *testing.F) {
	for _, seed := range []string{
		`{"id":7,"runner_type":"group_type","groups":[{"id":5,"name":"g"}],"tag_list":["a","b"],"x":null}`,
		` { "a" : 1 , "a" : [ 1 , {"b":"}"} ] } `, `{"\u0054oken":"x","to` + "\u212a" + `en":"y","k\"q":"\\"}`,
		`{}`, `[]`, `[1, {"a":2}, "s"]`, `{"a":1}{}`, `{"a":1,}`, `{"a":"\xff"}`, `{"a":1e5,"b":-0.5,"c":true}`, `"s"`, ``,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		got, gotOK := readObject([]byte(doc))
		want, wantOK := readObjectByTokens([]byte(doc))
		if gotOK != wantOK || len(got) != len(want) {
			t.Fatalf("readObject(%q) = %v, %v; encoding/json: %v, %v", doc, got, gotOK, want, wantOK)
		}
		for i := range got {
			if got[i].key != want[i].key || !bytes.Equal(got[i].value, want[i].value) {
				t.Fatalf("readObject(%q) member %d = %q: %s; encoding/json: %q: %s", doc, i, got[i].key, got[i].value, want[i].key, want[i].value)
			}
		}
		items, itemsOK := readArray([]byte(doc))
		var wantItems []json.RawMessage
		wantItemsOK := json.Unmarshal([]byte(doc), &wantItems) == nil && wantItems != nil
		if strings.TrimSpace(doc) == "[]" {
			wantItemsOK = true
		}
		if itemsOK != wantItemsOK || len(items) != len(wantItems) {
			t.Fatalf("readArray(%q) = %q, %v; encoding/json: %q, %v", doc, items, itemsOK, wantItems, wantItemsOK)
		}
		for i := range items {
			if !bytes.Equal(items[i], wantItems[i]) {
				t.Fatalf("readArray(%q) item %d = %s; encoding/json: %s", doc, i, items[i], wantItems[i])
			}
		}
	})
}
