package store

import (
	"testing"
	"time"
)

// TestCreateRunnerRotationDeadline pins EE's validate_token_expiration_params
// (ee/app/services/ee/ci/runners/create_runner_service.rb) on CreateRunner:
// a deadline needs an expiry, may equal it (rotation disabled) or come
// before it, but not after it nor in the past; nothing is created on a refusal.
func TestCreateRunnerRotationDeadline(t *testing.T) {
	st, admin, _ := controllerEnv(t, "18.10.0-ee")
	in := func(d time.Duration) *time.Time { at := testStart.Add(d); return &at }
	create := func(expires, deadline *time.Time) error {
		_, err := admin.CreateRunner(RunnerCreation{RunnerType: RunnerTypeInstance, TokenExpiresAt: expires, TokenRotationDeadline: deadline})
		return err
	}
	wantReason(t, create(nil, in(time.Hour)), BadRequest, "token_expires_at is required when token_rotation_deadline is specified")
	wantReason(t, create(in(time.Hour), in(-time.Nanosecond)), BadRequest, "token_rotation_deadline cannot be in the past")
	wantReason(t, create(in(time.Hour), in(time.Hour+time.Nanosecond)), BadRequest, "token_rotation_deadline must be less than or equal to token_expires_at")
	if n := st.RunnerCount(); n != 0 {
		t.Fatalf("%d runners created by refused requests", n)
	}
	for _, deadline := range []*time.Time{in(0), in(time.Minute), in(time.Hour)} {
		if err := create(in(time.Hour), deadline); err != nil {
			t.Fatalf("deadline %s: %v", deadline, err)
		}
	}
	// Kept until the first rotation, which clears it (doc/api/users.md:
	// "Cleared upon successful rotation").
	id := st.RunnerIDs()[2]
	if r, _ := st.Runner(id); r.TokenRotationDeadline == nil || !r.TokenRotationDeadline.Equal(*in(time.Hour)) {
		t.Fatalf("stored deadline = %v, want %s", r.TokenRotationDeadline, in(time.Hour))
	}
	if _, err := admin.ResetRunnerToken(id); err != nil {
		t.Fatal(err)
	}
	if r, _ := st.Runner(id); r.TokenRotationDeadline != nil {
		t.Fatalf("the deadline survived a rotation: %v", r.TokenRotationDeadline)
	}
}
