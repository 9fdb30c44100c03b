package gitlabapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestLogsNeverContainTokens(t *testing.T) {
	const (
		userToken     = "my-unprefixed-user-secret-42" // the configured token, no recognisable prefix
		mintedToken   = "glrt-t1_MintedTokenABCDEFGHIJ"
		rotatedToken  = "glrtr-RotatedTokenZYXWVUTSRQ"
		verifyToken   = "glrt-VerifyTokenQWERTYUIOP1"
		groupRegToken = "GR1348941GroupRegTokenXYZ"
		legacyToken   = "t1_LegacyRunnerTokenABCDEF"
		opaqueToken   = "opaque-runner-secret-value-xyz" // only recognisable by its JSON key
		patInError    = "glpat-EchoedInAnErrorBody123"
		customAuth    = "custom-auth-header-secret-777"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		switch r.Method + " " + r.URL.Path {
		case "POST /api/v4/user/runners":
			writeJSON(w, 201, `{"id":1,"token":"`+mintedToken+`","token_expires_at":null}`)
		case "POST /api/v4/runners/1/reset_authentication_token":
			writeJSON(w, 201, `{"token":"`+rotatedToken+`","token_expires_at":null}`)
		case "POST /api/v4/runners/verify":
			writeJSON(w, 200, `{"id":1,"token":"`+verifyToken+`","token_expires_at":null}`)
		case "GET /api/v4/groups/5":
			writeJSON(w, 200, `{"id":5,"name":"demo","runners_token":"`+groupRegToken+`"}`)
		case "GET /api/v4/projects/6":
			writeJSON(w, 200, `{"id":6,"name":"app","runners_token": "`+opaqueToken+`","description":"legacy `+legacyToken+`"}`)
		default:
			writeJSON(w, 403, `{"message":"403 Forbidden - token `+patInError+` and `+userToken+` are not allowed"}`)
		}
	}))
	defer srv.Close()

	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.Token = userToken
		cfg.Headers = map[string]string{"X-Custom-Auth": customAuth}
	})
	if _, err := c.CreateUserRunner(ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance, RunnerAttributes: RunnerAttributes{Description: new("has " + legacyToken)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ResetRunnerAuthenticationToken(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.VerifyRunner(ctx, verifyToken, "s_1"); err != nil {
		t.Fatal(err)
	}
	g, err := c.GetGroup(ctx, 5)
	if err != nil || g.RunnersToken == nil || *g.RunnersToken != groupRegToken {
		t.Fatalf("group: %+v %v", g, err) // the values themselves reach the caller intact
	}
	if _, err := c.GetProject(ctx, 6); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetVersion(ctx)
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("want 403, got %v", err)
	}

	logs := buf.String()
	for _, secret := range []string{userToken, mintedToken, rotatedToken, verifyToken, groupRegToken, legacyToken, opaqueToken, patInError, customAuth} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain secret %q", secret)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error contains secret %q: %v", secret, err)
		}
	}
	// The logs are there and useful: method, path, status, attempt, bodies.
	entries, derr := tflogtest.MultilineJSONDecode(strings.NewReader(logs))
	if derr != nil {
		t.Fatal(derr)
	}
	var sawResponse, sawBody bool
	for _, e := range entries {
		if e["@message"] == "GitLab API response" && e["http_path"] == "/user/runners" && e["http_status"] == float64(201) && e["attempt"] == float64(1) {
			sawResponse = true
		}
		if body, ok := e["http_body"].(string); ok && strings.Contains(body, `"token_expires_at"`) {
			sawBody = true
		}
		if e["@module"] != "provider.gitlabapi" {
			t.Errorf("log entry outside the gitlabapi subsystem: %v", e)
		}
	}
	if !sawResponse || !sawBody {
		t.Errorf("expected request/response entries with bodies; got:\n%s", logs)
	}
}

func TestMask(t *testing.T) {
	m := newMasker("literal-secret", http.Header{"X-Api-Key": {"header-secret"}})
	cases := map[string]string{
		`{"token":"abc","token_expires_at":null}`:       `{"token":"***","token_expires_at":null}`,
		`{"runners_token" : "abc\"def", "id": 1}`:       `{"runners_token" : "***", "id": 1}`,
		`PRIVATE-TOKEN literal-secret`:                  `PRIVATE-TOKEN ***`,
		`key header-secret`:                             `key ***`,
		`glpat-aaaaaaaaaaaaaaaaaaaa and glrt-t2_bbbbbb`: `*** and ***`,
		`a=1&private_token=zzz&b=2`:                     `a=1&private_token=***&b=2`,
		`token GR1348941abcdef legacy t1_abcdefghijkl`:  `token *** legacy ***`,
		`nothing secret here: runner_type is missing`:   `nothing secret here: runner_type is missing`,
	}
	for in, want := range cases {
		if got := m.mask(in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
	h := m.headersForLog(http.Header{"Private-Token": {"x"}, "Authorization": {"Bearer y"}, "Runner-Token": {"z"}, "X-Api-Key": {"k"}, "Accept": {"application/json"}})
	for _, k := range []string{"Private-Token", "Authorization", "Runner-Token", "X-Api-Key"} {
		if h[k] != maskText {
			t.Errorf("header %s logged as %q", k, h[k])
		}
	}
	if h["Accept"] != "application/json" {
		t.Errorf("Accept = %q", h["Accept"])
	}
}

// RedactSecrets masks by shape, including the legacy t1_/t2_ runner tokens,
// and leaves harmless text alone.
func TestRedactSecrets(t *testing.T) {
	for in, want := range map[string]string{
		"token glrt-t2_abcdefghijKLMNOPQRST is invalid":   "token *** is invalid",
		"glrt-abc.def_ghi and glpat-xxxxxxxxxxxxxxxxxxxx": "*** and ***",
		"controller token glrct-AbCdEfGhIjKlMnOpQrSt":     "controller token ***",
		"legacy t1_abcdefghijkl and GR1348941abcdefABCDE": "legacy *** and ***",
		`{"token":"opaque"}`:                              `{"token":"***"}`,
		"runner 12 in group 34":                           "runner 12 in group 34",
	} {
		if got := RedactSecrets(in); got != want {
			t.Errorf("RedactSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}
