package userrunner

// Go-level tests of the create protocol under interruption, unusable
// answers and leftovers of earlier creates (create.go, recovery.go), against
// the mock coordinator behind an acctest.Proxy where GitLab's behaviour
// matters (it finishes requests whose client left).

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
)

// Terraform interrupted (Ctrl-C) while the POST is in flight, and GitLab
// finishes the request anyway: the lookup survives the cancellation, the
// runner is saved in state (tainted), and the diagnostic says it was an
// interrupt and what the next apply does — not "check base_url".
func TestCreateInterruptedInFlightSavesTheRunner(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	proxy := acctest.StartProxy(t, m.URL())
	r := testResourceAt(t, m, proxy.URL, m.Seed.Group.OwnerToken)
	r.Data.Once("recover group "+strconv.FormatInt(m.Seed.Group.ID, 10), func() {}) // not under test here
	m.Faults().Add(mockcoordinator.Fault{Route: "POST /user/runners", Kind: mockcoordinator.FaultLatency, Latency: 400 * time.Millisecond, Times: 1})

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel) // Terraform's stop, while the POST waits on the mock
	got, diags := createCtx(t, ctx, r, plannedGroupRunner(m.Seed.Group.ID, "interrupted"))

	ids := m.Store().RunnerIDs()
	if len(ids) != 1 {
		t.Fatalf("the mock holds %v, want the one runner GitLab finished creating", ids)
	}
	if got.ID.ValueString() != strconv.FormatInt(ids[0], 10) {
		t.Errorf("state id %q, want %d: the runner must reach state, not be orphaned", got.ID.ValueString(), ids[0])
	}
	for _, want := range []string{"Runner Creation Interrupted", "Terraform was interrupted", fmt.Sprintf("GitLab created runner %d", ids[0]),
		"saved it in state as tainted: the next apply deletes it and creates a new one"} {
		if !strings.Contains(diags, want) {
			t.Errorf("diagnostics should say %q:\n%s", want, diags)
		}
	}
	if strings.Contains(diags, "Check `base_url`") || strings.Contains(diags, "got no answer from GitLab") {
		t.Errorf("an interrupt is not a network failure:\n%s", diags)
	}
}

// Interrupted before anything was sent: nothing exists, and the diagnostic
// says so.
func TestCreateInterruptedBeforeSending(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	r := testResource(t, m, m.Seed.Group.OwnerToken)
	r.Data.Once("recover group "+strconv.FormatInt(m.Seed.Group.ID, 10), func() {})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, diags := createCtx(t, ctx, r, plannedGroupRunner(m.Seed.Group.ID, "never"))
	if !got.ID.IsNull() && got.ID.ValueString() != "" || len(m.Store().RunnerIDs()) != 0 {
		t.Errorf("state %q, mock %v: want nothing", got.ID, m.Store().RunnerIDs())
	}
	if !strings.Contains(diags, "interrupted before the create request") || !strings.Contains(diags, "nothing was created") {
		t.Errorf("diagnostics: %s", diags)
	}
}

// A 2xx answer to the create that cannot be used is "may have been
// applied": the runner is found (by the id the answer showed, or by its
// marker), adopted with a fresh token, and ends up in state, alone.
func TestCreateUnusableAnswerRecovered(t *testing.T) {
	t.Parallel()
	for name, rewrite := range map[string]func(body []byte) []byte{
		"id without token": func(b []byte) []byte {
			var id int64
			_, _ = fmt.Sscanf(string(b), `{"id":%d`, &id)
			return fmt.Appendf(nil, `{"id":%d}`, id)
		},
		"truncated":     func(b []byte) []byte { return b[:len(b)/2] },
		"not json":      func([]byte) []byte { return []byte("Created") },
		"empty":         func([]byte) []byte { return nil },
		"an array":      func(b []byte) []byte { return append(append([]byte("["), b...), ']') },
		"null token":    func(b []byte) []byte { return []byte(strings.Replace(string(b), `"token":"`, `"token":null,"x":"`, 1)) },
		"string id":     func(b []byte) []byte { return []byte(strings.Replace(string(b), `"id":`, `"id":"`, 1)) },
		"no id, token ": func(b []byte) []byte { return []byte(strings.Replace(string(b), `"id":`, `"other":`, 1)) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := acctest.StartMock(t)
			proxy := acctest.StartProxy(t, m.URL())
			proxy.Rewrite = func(r *http.Request, status int, body []byte) (int, []byte) {
				if r.Method == http.MethodPost && r.URL.Path == "/api/v4/user/runners" && status == http.StatusCreated {
					return status, rewrite(body)
				}
				return status, body
			}
			r := testResourceAt(t, m, proxy.URL, m.Seed.Group.OwnerToken)
			got, diags := create(t, r, plannedGroupRunner(m.Seed.Group.ID, "unusable"))
			if diags != "" {
				t.Fatalf("create: %s", diags)
			}
			ids := m.Store().RunnerIDs()
			if len(ids) != 1 || got.ID.ValueString() != strconv.FormatInt(ids[0], 10) {
				t.Fatalf("state id %q, mock %v: want the one runner, in state", got.ID.ValueString(), ids)
			}
			rec, _ := m.Store().Runner(ids[0])
			if rec.Description != "unusable" || got.Token.ValueString() != rec.Token {
				t.Errorf("runner %d: description %q, token in state current = %v", ids[0], rec.Description, got.Token.ValueString() == rec.Token)
			}
		})
	}
}

// A runner token without the glrt- prefix is kept, with a warning that
// names the runner and never the value.
func TestCreateWarnsAboutUnexpectedTokenFormat(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	proxy := acctest.StartProxy(t, m.URL())
	const odd = "opaque-token-from-a-rewriting-proxy"
	proxy.Rewrite = func(r *http.Request, status int, body []byte) (int, []byte) {
		if r.URL.Path == "/api/v4/user/runners" && status == http.StatusCreated {
			var id int64
			_, _ = fmt.Sscanf(string(body), `{"id":%d`, &id)
			return status, fmt.Appendf(nil, `{"id":%d,"TOKEN":%q,"token_expires_at":null}`, id, odd)
		}
		return status, body
	}
	r := testResourceAt(t, m, proxy.URL, m.Seed.Group.OwnerToken)
	got, diags := create(t, r, plannedGroupRunner(m.Seed.Group.ID, "odd"))
	if got.Token.ValueString() != odd {
		t.Errorf("the token GitLab gave (under \"TOKEN\") must be kept, got %q", got.Token.ValueString())
	}
	if !strings.Contains(diags, "Unexpected Runner Token Format") || !strings.Contains(diags, "runner "+got.ID.ValueString()) {
		t.Errorf("want a warning naming the runner:\n%s", diags)
	}
	if strings.Contains(diags, odd) {
		t.Errorf("the warning shows the token:\n%s", diags)
	}
	if gitlabapi.RedactSecrets("x "+odd) != "x ***" {
		t.Errorf("the token is not masked by value from now on")
	}
}

// The marker's t is GitLab's time (its Date header) and its life the
// create's time limit plus the margin: a judge with any clock agrees.
func TestMarkerTimeIsGitLabs(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t, acctest.WithStartTime(time.Date(2031, 5, 1, 12, 0, 0, 0, time.UTC)))
	r := testResource(t, m, m.Seed.Group.OwnerToken)
	m.Faults().Add(mockcoordinator.Fault{Route: "PUT /runners/:id", Kind: mockcoordinator.FaultStatus, Status: 403, Times: 2})
	got, _ := create(t, r, plannedGroupRunner(m.Seed.Group.ID, "x")) // the marker stays: the PUTs failed
	id, _ := strconv.ParseInt(got.ID.ValueString(), 10, 64)
	rec, ok := m.Store().Runner(id)
	if !ok {
		t.Fatal("no runner")
	}
	_, marker, ok := parseMarkedDescription(rec.Description)
	if !ok || marker.Sent.Before(m.Now().Add(-5*time.Second)) || marker.Sent.After(m.Now().Add(5*time.Second)) ||
		marker.Life != createTimeLimit(r.Data.Client)+markerMargin {
		t.Errorf("marker %q: t %v, life %v; want about %v and %v", rec.Description, marker.Sent, marker.Life, m.Now(),
			createTimeLimit(r.Data.Client)+markerMargin)
	}
}
