package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// controllerEnv is a seeded EE 18.10 store and its administrator.
func controllerEnv(t *testing.T, version string) (*Store, *Caller, *FakeClock) {
	t.Helper()
	clock := NewFakeClock(testStart)
	st := NewStore(Options{Version: version, Clock: clock})
	seed := st.SeedDefaults()
	admin, err := st.Authenticate(seed.AdminToken)
	if err != nil {
		t.Fatal(err)
	}
	return st, admin, clock
}

func wantReason(t *testing.T, err error, reason Reason, message string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Reason != reason || e.Message != message {
		t.Fatalf("error = %v, want reason %d with message %q", err, reason, message)
	}
}

func ptr[T any](v T) *T { return &v }

// TestRunnerControllerGate: administrators only (403 before anything else),
// then the licence (404), as the before blocks of lib/api/ci/runner_controllers.rb,
// runner_controller_scopes.rb and runner_controller_tokens.rb check
// (authenticated_as_admin!, License.feature_available?(:ci_runner_controllers)).
func TestRunnerControllerGate(t *testing.T) {
	st, admin, _ := controllerEnv(t, "19.1.0-ee")
	plain, err := st.Authenticate(st.Seed().NonAdminToken)
	if err != nil {
		t.Fatal(err)
	}
	_, err = plain.CreateRunnerController(RunnerControllerChanges{})
	wantReason(t, err, Forbidden, "")
	st.SetRunnerControllersLicensed(false)
	_, err = plain.RunnerControllers()
	wantReason(t, err, Forbidden, "")
	_, err = admin.RunnerControllers()
	wantReason(t, err, NotFound, "")
	_, err = admin.RunnerControllerScopes(1)
	wantReason(t, err, NotFound, "") // the licence's not_found!, not RecordNotFound
	st.SetRunnerControllersLicensed(true)
	if _, err := admin.RunnerControllers(); err != nil {
		t.Fatal(err)
	}
}

// TestRunnerControllerLifecycle follows Ci::RunnerControllers::CreateService,
// UpdateService and DeleteService and the model
// (ee/app/models/ci/runner_controller.rb: description ≤ 1024 characters,
// state disabled by default).
func TestRunnerControllerLifecycle(t *testing.T) {
	st, admin, clock := controllerEnv(t, "18.9.0-ee")
	ctl, err := admin.CreateRunnerController(RunnerControllerChanges{})
	if err != nil || ctl.State != RunnerControllerDisabled || ctl.Description != nil || ctl.ID != 1 {
		t.Fatalf("create = %+v, %v; want id 1, disabled, no description", ctl, err)
	}
	_, err = admin.CreateRunnerController(RunnerControllerChanges{Description: Optional[*string]{Set: true, Value: ptr(strings.Repeat("é", 1025))}})
	wantReason(t, err, Rejected, "Description is too long (maximum is 1024 characters)")
	if _, err := admin.CreateRunnerController(RunnerControllerChanges{Description: Optional[*string]{Set: true, Value: ptr(strings.Repeat("é", 1024))}}); err != nil {
		t.Fatalf("1024 characters (2048 bytes) are allowed: %v", err)
	}

	clock.Advance(time.Minute)
	same, err := admin.UpdateRunnerController(ctl.ID, RunnerControllerChanges{State: Optional[string]{Set: true, Value: RunnerControllerDisabled}})
	if err != nil || !same.UpdatedAt.Equal(ctl.UpdatedAt) {
		t.Fatalf("an update without changes moved updated_at: %+v, %v", same, err)
	}
	up, err := admin.UpdateRunnerController(ctl.ID, RunnerControllerChanges{State: Optional[string]{Set: true, Value: RunnerControllerDryRun},
		Description: Optional[*string]{Set: true, Value: ptr("gate")}})
	if err != nil || up.State != RunnerControllerDryRun || *up.Description != "gate" || !up.UpdatedAt.Equal(clock.Now()) {
		t.Fatalf("update = %+v, %v", up, err)
	}
	_, err = admin.UpdateRunnerController(99, RunnerControllerChanges{})
	wantReason(t, err, NotFound, "")

	// destroy_conditionally!: a controller changed after If-Unmodified-Since stays.
	before := clock.Now().Add(-time.Second)
	wantReason(t, admin.DeleteRunnerController(ctl.ID, &before), PreconditionFailed, "")
	if _, err := admin.CreateRunnerControllerToken(ctl.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := admin.DeleteRunnerController(ctl.ID, nil); err != nil {
		t.Fatal(err)
	}
	wantReason(t, admin.DeleteRunnerController(ctl.ID, nil), NotFound, "")
	if ids := st.ActiveRunnerControllerTokenIDs(); len(ids) != 0 {
		t.Fatalf("tokens of a deleted controller remain: %v", ids)
	}
}

// TestRunnerControllerScopeRules: a controller has the instance scope or
// runner scopes, never both, and only instance runners can be scoped; the
// checks come in the services' order (app/services/ci/runner_controllers/
// scopes/add_instance_service.rb, add_runner_service.rb, remove_*_service.rb).
func TestRunnerControllerScopeRules(t *testing.T) {
	st, admin, _ := controllerEnv(t, "18.10.0-ee")
	ctl, _ := admin.CreateRunnerController(RunnerControllerChanges{})
	runner := func(runnerType string) int64 {
		st.mu.Lock()
		defer st.mu.Unlock()
		r := newRunnerRecord(runnerType)
		st.insertRunnerLocked(r)
		return r.ID
	}
	instance, instance2, group := runner(RunnerTypeInstance), runner(RunnerTypeInstance), runner(RunnerTypeGroup)

	_, err := admin.AddRunnerControllerRunnerScope(99, instance)
	wantReason(t, err, RecordNotFound, "")
	_, err = admin.AddRunnerControllerRunnerScope(ctl.ID, 999)
	wantReason(t, err, RecordNotFound, "")
	_, err = admin.AddRunnerControllerRunnerScope(ctl.ID, group)
	wantReason(t, err, Unprocessable, "Only instance-type runners can be scoped")
	if _, err := admin.AddRunnerControllerRunnerScope(ctl.ID, instance); err != nil {
		t.Fatal(err)
	}
	_, err = admin.AddRunnerControllerRunnerScope(ctl.ID, instance)
	wantReason(t, err, Conflict, "Runner scope already exists for this runner controller")
	_, err = admin.AddRunnerControllerInstanceScope(ctl.ID)
	wantReason(t, err, Conflict, "Runner controller already has runner-level scopes. Remove them before adding instance-level scope.")

	// Deleting the runner cascades to its scope; removing an absent scope succeeds.
	if !st.DeleteRunner(instance) {
		t.Fatal("runner not deleted")
	}
	if err := admin.RemoveRunnerControllerRunnerScope(ctl.ID, instance2); err != nil {
		t.Fatal(err)
	}
	wantReason(t, admin.RemoveRunnerControllerRunnerScope(ctl.ID, instance), RecordNotFound, "")
	if _, err := admin.AddRunnerControllerInstanceScope(ctl.ID); err != nil {
		t.Fatalf("the runner's scope should have gone with the runner: %v", err)
	}
	_, err = admin.AddRunnerControllerInstanceScope(ctl.ID)
	wantReason(t, err, Conflict, "Instance-level scope already exists for this runner controller")
	_, err = admin.AddRunnerControllerRunnerScope(ctl.ID, instance2)
	wantReason(t, err, Conflict, "Runner controller already has instance-level scope. Remove it before adding runner scopes.")
	for range 2 { // idempotent
		if err := admin.RemoveRunnerControllerInstanceScope(ctl.ID); err != nil {
			t.Fatal(err)
		}
	}
	if s, _ := admin.RunnerControllerScopes(ctl.ID); len(s.Instance)+len(s.Runners) != 0 {
		t.Fatalf("scopes = %+v, want none", s)
	}
}

// TestRunnerControllerTokenRotation: a rotation revokes the token and mints
// a new record with a new id and the same description
// (app/services/ci/runner_controllers/rotate_token_service.rb); a revoked
// token is 404 and no longer authenticates; a recent use makes the
// controller connected (INACTIVE_AFTER = 1 hour).
func TestRunnerControllerTokenRotation(t *testing.T) {
	st, admin, clock := controllerEnv(t, "18.9.0-ee")
	ctl, _ := admin.CreateRunnerController(RunnerControllerChanges{})
	first, err := admin.CreateRunnerControllerToken(ctl.ID, ptr("router"))
	if err != nil || !strings.HasPrefix(first.Token, "glrct-") {
		t.Fatalf("create token = %+v, %v", first, err)
	}
	if _, err := st.AuthenticateRunnerControllerToken(first.Token); err != nil {
		t.Fatal(err)
	}
	if got, _ := admin.RunnerController(ctl.ID); !got.Connected {
		t.Fatal("a token used just now should make the controller connected")
	}
	clock.Advance(time.Hour)
	if got, _ := admin.RunnerController(ctl.ID); got.Connected {
		t.Fatal("a token unused for an hour leaves the controller disconnected")
	}

	next, err := admin.RotateRunnerControllerToken(ctl.ID, first.ID)
	if err != nil || next.ID == first.ID || next.Token == first.Token || *next.Description != "router" {
		t.Fatalf("rotate = %+v, %v", next, err)
	}
	wantReason(t, func() error { _, err := st.AuthenticateRunnerControllerToken(first.Token); return err }(), Unauthorized, "")
	_, err = admin.RunnerControllerToken(ctl.ID, first.ID)
	wantReason(t, err, NotFound, "")
	_, err = admin.RotateRunnerControllerToken(ctl.ID, first.ID)
	wantReason(t, err, NotFound, "")
	if list, _ := admin.RunnerControllerTokens(ctl.ID); len(list) != 1 || list[0].ID != next.ID || list[0].Token != "" {
		t.Fatalf("active tokens = %+v, want only the successor, without its value", list)
	}
	if err := admin.RevokeRunnerControllerToken(ctl.ID, next.ID); err != nil {
		t.Fatal(err)
	}
	wantReason(t, admin.RevokeRunnerControllerToken(ctl.ID, next.ID), NotFound, "")
	_, err = st.AuthenticateRunnerControllerToken(next.Token)
	wantReason(t, err, Unauthorized, "")
}

// TestRunnerControllersPersist: the state file keeps controllers, their
// scopes and tokens, the licence switch, and the id counters.
func TestRunnerControllersPersist(t *testing.T) {
	st, admin, _ := controllerEnv(t, "18.10.0-ee")
	ctl, _ := admin.CreateRunnerController(RunnerControllerChanges{State: Optional[string]{Set: true, Value: RunnerControllerEnabled}})
	tok, _ := admin.CreateRunnerControllerToken(ctl.ID, nil)
	if _, err := admin.AddRunnerControllerInstanceScope(ctl.ID); err != nil {
		t.Fatal(err)
	}
	st.SetRunnerControllersLicensed(false)
	data, err := st.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored := NewStore(Options{Clock: st.Clock()})
	if err := restored.Restore(data); err != nil {
		t.Fatal(err)
	}
	if restored.RunnerControllersLicensed() {
		t.Fatal("the licence switch was not restored")
	}
	restored.SetRunnerControllersLicensed(true)
	if _, err := restored.AuthenticateRunnerControllerToken(tok.Token); err != nil {
		t.Fatalf("the token was not restored: %v", err)
	}
	again, err := restored.Authenticate(st.Seed().AdminToken)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := again.RunnerControllerScopes(ctl.ID); len(s.Instance) != 1 {
		t.Fatalf("scopes = %+v, want the instance scope", s)
	}
	next, _ := again.CreateRunnerController(RunnerControllerChanges{})
	nextTok, _ := again.CreateRunnerControllerToken(next.ID, nil)
	if next.ID != ctl.ID+1 || nextTok.ID != tok.ID+1 {
		t.Fatalf("ids after a restore: controller %d, token %d; want %d, %d", next.ID, nextTok.ID, ctl.ID+1, tok.ID+1)
	}
}
