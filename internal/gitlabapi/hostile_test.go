package gitlabapi

// Answers a hostile or broken server may send: secrets under keys of any
// case or escaping, control characters in messages, 2xx answers to a
// create that cannot be used.

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// A token is masked by its value once the client has seen it, whatever the
// JSON key that carried it (Go decodes {"TOKEN": …} into the token field)
// and whatever its shape (no glrt- prefix), in the trace log of the very
// answer that carried it, in later logs and errors, and in RedactSecrets.
func TestSecretsMaskedByValueWhateverTheKey(t *testing.T) {
	const (
		upperKeyToken   = "hostile-UPPER-key-secret-0001"
		escapedKeyToken = "hostile-escaped-key-secret-0002"
		kelvinKeyToken  = "hostile-kelvin-key-secret-0003"
		rotatedToken    = "hostile-rotated-secret-0004"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /api/v4/user/runners":
			writeJSON(w, 201, `{"id":7,"TOKEN":"`+upperKeyToken+`","token_expires_at":null}`)
		case "POST /api/v4/runners/7/reset_authentication_token":
			// "\u0054oken" is "Token"; the K of the second key is the Kelvin sign.
			writeJSON(w, 201, `{"\u0054oken":"`+escapedKeyToken+`","to\u212Aen":"`+kelvinKeyToken+`","token":"`+rotatedToken+`"}`)
		default:
			writeJSON(w, 400, `{"message":"400 Bad request - the tokens `+upperKeyToken+` and `+rotatedToken+` are wrong"}`)
		}
	}))
	defer srv.Close()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c := newTestClient(t, srv.URL, nil)

	tok, err := c.CreateUserRunner(ctx, CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
	if err != nil || tok.Token != upperKeyToken {
		t.Fatalf("CreateUserRunner = %+v, %v: the token under \"TOKEN\" must reach the caller", tok, err)
	}
	if tok, err = c.ResetRunnerAuthenticationToken(ctx, 7); err != nil || tok.Token != rotatedToken {
		t.Fatalf("Reset = %+v, %v", tok, err)
	}
	_, err = c.GetVersion(ctx)
	if err == nil {
		t.Fatal("want the 400")
	}
	logs := buf.String()
	if !strings.Contains(logs, "GitLab API response details") {
		t.Fatalf("no trace logs: the test proves nothing\n%s", logs)
	}
	for _, secret := range []string{upperKeyToken, escapedKeyToken, kelvinKeyToken, rotatedToken} {
		if strings.Contains(logs, secret) {
			t.Errorf("the trace log shows %q", secret)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows %q: %v", secret, err)
		}
		if got := RedactSecrets("said " + secret + "."); got != "said ***." {
			t.Errorf("RedactSecrets does not mask a token seen before: %q", got)
		}
	}
}

// Control characters a server puts in an error body (ESC sequences, NUL,
// C1, text-direction overrides) never reach the error message.
func TestErrorMessagesStripControlCharacters(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `{"message":{"desc\u001b[2Jription":["is \u001b]0;pwned\u0007bad\u0000 \u009b31m\u202eoops"]}}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	_, err := c.GetVersion(t.Context())
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("want *Error, got %v", err)
	}
	for _, s := range []string{err.Error(), apiErr.Message, strings.Join(apiErr.Fields["desc[2Jription"], " ")} {
		for _, r := range s {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0x202e {
				t.Errorf("control character %U in %q", r, s)
			}
		}
	}
	if !strings.Contains(apiErr.Message, "desc[2Jription is ]0;pwnedbad 31moops") {
		t.Errorf("the printable text should remain: %q", apiErr.Message)
	}
}

// A 2xx answer to a create that cannot be used is "may have been applied",
// with the runner id when the answer showed one, even cut short.
func TestUnusableCreateAnswers(t *testing.T) {
	cases := []struct {
		name, body string
		wantID     int64
	}{
		{"id without token", `{"id":5}`, 5},
		{"truncated after the id", `{"id":6,"token":"glrt-abc`, 6},
		{"truncated before the id", `{"token":"glrt-abcdefghijkl`, 0},
		{"id under another case", `{"ID":8,"token":""}`, 8},
		{"not JSON", `Created`, 0},
		{"HTML", `<html><body>ok</body></html>`, 0},
		{"an array", `[{"id":9,"token":"glrt-abcdefghijkl"}]`, 0},
		{"empty", ``, 0},
		{"token without id", `{"token":"glrt-abcdefghijklmnop"}`, 0},
		{"id of the wrong type", `{"id":"10","token":"glrt-abcdefghijklmnop"}`, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 201, tc.body)
			}))
			defer srv.Close()
			c := newTestClient(t, srv.URL, nil)
			_, err := c.CreateUserRunner(t.Context(), CreateUserRunnerOptions{RunnerType: RunnerTypeInstance})
			var unusable *UnusableAnswerError
			if !errors.As(err, &unusable) || !errors.Is(err, ErrMaybeApplied) {
				t.Fatalf("want an *UnusableAnswerError matching ErrMaybeApplied, got %v", err)
			}
			if unusable.ID != tc.wantID || unusable.Status != 201 {
				t.Errorf("id %d status %d, want %d and 201 (%v)", unusable.ID, unusable.Status, tc.wantID, err)
			}
		})
	}
	// A read's unusable answer is a plain error: nothing was applied.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":`) }))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, nil).GetRunner(t.Context(), 1)
	if err == nil || errors.Is(err, ErrMaybeApplied) {
		t.Errorf("GET: want a plain error, got %v", err)
	}
}

// ServerNow follows the Date header of GitLab's answers.
func TestServerNowFollowsDateHeader(t *testing.T) {
	serverTime := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", serverTime.Format(http.TimeFormat))
		writeJSON(w, 200, `{"version":"18.0.0"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	if _, fromServer := c.ServerNow(); fromServer {
		t.Fatal("ServerNow claims GitLab's time before any answer")
	}
	if _, err := c.GetVersion(t.Context()); err != nil {
		t.Fatal(err)
	}
	now, fromServer := c.ServerNow()
	if !fromServer || now.Before(serverTime) || now.After(serverTime.Add(2*time.Second)) {
		t.Errorf("ServerNow = %v (%v), want about %v", now, fromServer, serverTime)
	}
}
