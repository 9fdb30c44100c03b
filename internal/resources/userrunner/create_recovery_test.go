package userrunner

// Go-level tests of the create protocol under interruption, unusable
// answers and leftovers of earlier creates (create.go, sweep.go), against
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
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
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
	r.Data.Once("sweep group "+strconv.FormatInt(m.Seed.Group.ID, 10), func() {}) // not under test here
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
	r.Data.Once("sweep group "+strconv.FormatInt(m.Seed.Group.ID, 10), func() {})
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

// The sweep before the first create in a scope deletes runners whose marker
// has expired, keeps the others (an apply may still be creating them) and
// names every runner it deleted or reported; with unfinished_runners =
// "report" it deletes nothing. It runs once per scope and process.
func TestSweepOfUnfinishedRunners(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{providerdata.UnfinishedDelete, providerdata.UnfinishedReport} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			m := acctest.StartMock(t)
			r := testResource(t, m, m.Seed.Group.OwnerToken)
			r.Data.UnfinishedRunners = mode
			gid := m.Seed.Group.ID
			mk := func(description string) int64 {
				tok, err := r.Data.Client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{
					RunnerType: gitlabapi.RunnerTypeGroup, GroupID: &gid, RunnerAttributes: gitlabapi.RunnerAttributes{Description: &description}})
				if err != nil {
					t.Fatal(err)
				}
				return tok.ID
			}
			now := m.Now()
			expired := mk(fmt.Sprintf("fleet [terraform-create:%d-00112233aabbccdd]", now.Add(-time.Second).Unix()))
			live := mk(fmt.Sprintf("fleet [terraform-create:%d-0011223344556677]", now.Add(time.Minute).Unix()))
			old := mk("fleet [terraform-create:8899aabbccddeeff]")
			plain := mk("fleet")
			other := func() int64 { // a runner of another scope, expired: not this sweep's business
				pid := m.Seed.Project.ID
				desc := fmt.Sprintf("[terraform-create:%d-ffeeddccbbaa9988]", now.Add(-time.Hour).Unix())
				tok, err := testResource(t, m, m.Seed.Project.MaintainerToken).Data.Client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{
					RunnerType: gitlabapi.RunnerTypeProject, ProjectID: &pid, RunnerAttributes: gitlabapi.RunnerAttributes{Description: &desc}})
				if err != nil {
					t.Fatal(err)
				}
				return tok.ID
			}()

			m.Stats().Reset()
			_, diags := create(t, r, plannedGroupRunner(gid, "new"))
			wantDeleted := mode == providerdata.UnfinishedDelete
			for id, want := range map[int64]bool{expired: !wantDeleted, live: true, old: true, plain: true, other: true} {
				if _, ok := m.Store().Runner(id); ok != want {
					t.Errorf("runner %d exists = %v, want %v", id, ok, want)
				}
			}
			wantTitle := map[string]string{providerdata.UnfinishedDelete: "Deleted Unfinished Runners", providerdata.UnfinishedReport: "Unfinished Runners Found"}[mode]
			for _, want := range []string{wantTitle, fmt.Sprintf("runner %d ([terraform-create:", expired), "Runners With an Old Creation Marker", fmt.Sprintf("runner %d", old)} {
				if !strings.Contains(diags, want) {
					t.Errorf("diagnostics should contain %q:\n%s", want, diags)
				}
			}
			if !strings.Contains(diags, "Runners With a Recent Creation Marker") || !strings.Contains(diags, fmt.Sprintf("runner %d ([terraform-create:", live)) ||
				strings.Contains(diags, "Error") {
				t.Errorf("the live marker is only named, in its own warning, and nothing is an error:\n%s", diags)
			}
			if n := m.Stats().Requests("GET /groups/:id/runners"); n != 1 {
				t.Errorf("the sweep listed the group %d times, want once", n)
			}

			// A second create in the same scope: no sweep.
			m.Stats().Reset()
			if _, diags := create(t, r, plannedGroupRunner(gid, "second")); diags != "" {
				t.Fatalf("second create: %s", diags)
			}
			if n := m.Stats().TotalRequests(); n != 2 {
				t.Errorf("the second create sent %d requests, want 2: %v", n, m.Stats().RequestsByRoute())
			}
		})
	}
}

// The marker's expiry is in GitLab's time (its Date header), after the
// create's time limit and the margin: a sweeper with any clock agrees.
func TestMarkerExpiryUsesGitLabsClock(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t, acctest.WithStartTime(time.Date(2031, 5, 1, 12, 0, 0, 0, time.UTC)))
	r := testResource(t, m, m.Seed.Group.OwnerToken)
	m.Faults().Add(mockcoordinator.Fault{Route: "PUT /runners/:id", Kind: mockcoordinator.FaultStatus, Status: 403, Times: 1})
	got, _ := create(t, r, plannedGroupRunner(m.Seed.Group.ID, "x")) // the marker stays: the PUT failed
	id, _ := strconv.ParseInt(got.ID.ValueString(), 10, 64)
	rec, ok := m.Store().Runner(id)
	if !ok {
		t.Fatal("no runner")
	}
	_, expires, ok := findMarker(rec.Description)
	want := m.Now().Add(createTimeLimit(r.Data.Client) + markerMargin)
	if !ok || expires.Before(want.Add(-5*time.Second)) || expires.After(want.Add(5*time.Second)) {
		t.Errorf("marker %q expires %v, want about %v (the mock's clock + %v)", rec.Description, expires, want, createTimeLimit(r.Data.Client)+markerMargin)
	}
}
