package store

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestAccessTokenExpiryAndRevocation(t *testing.T) {
	clock := NewFakeClock(testStart) // 2025-03-01 12:00 UTC
	st := NewStore(Options{Clock: clock})
	user := st.CreateUser("u", false)
	tok := st.CreatePersonalAccessToken(user, ScopeReadAPI)

	c, err := st.Authenticate(tok, ScopeAPI, ScopeReadAPI)
	if err != nil {
		t.Fatal(err)
	}
	got := c.AccessToken()
	if got.ID == 0 || got.UserID != user || !got.Active || got.Revoked || got.ExpiresAt != nil ||
		len(got.Scopes) != 1 || got.Scopes[0] != ScopeReadAPI || !got.CreatedAt.Equal(testStart) {
		t.Fatalf("AccessToken = %+v", got)
	}

	// Any scope reads its own token; a named scope it lacks is refused.
	if _, err := st.Authenticate(tok); err != nil {
		t.Fatalf("no scopes (any): %v", err)
	}
	if _, err := st.Authenticate(tok, ScopeAPI); !isReason(err, InsufficientScope) {
		t.Fatalf("api scope: %v", err)
	}

	// Expiry is a day: the token works until 00:00 UTC of that day.
	if err := st.SetPersonalAccessTokenExpiry(tok, time.Date(2025, 3, 2, 15, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	c, err = st.Authenticate(tok)
	if err != nil {
		t.Fatalf("before the day: %v", err)
	}
	if e := c.AccessToken().ExpiresAt; e == nil || !e.Equal(time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("ExpiresAt = %v, want the day at 00:00 UTC", e)
	}
	clock.Set(time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC))
	_, err = st.Authenticate(tok)
	if !isReason(err, InvalidToken) || err.(*Error).Message != TokenExpiredDescription {
		t.Fatalf("on the day: %v", err)
	}
	// An expired token is refused as expired whatever the scope asked.
	if _, err := st.Authenticate(tok, ScopeAPI); !isReason(err, InvalidToken) {
		t.Fatalf("expired with a missing scope: %v", err)
	}
	// Expired wins over revoked, as in GitLab's validation order.
	if err := st.RevokePersonalAccessToken(tok); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Authenticate(tok); err.(*Error).Message != TokenExpiredDescription {
		t.Fatalf("expired and revoked: %v", err)
	}
	if err := st.SetPersonalAccessTokenExpiry(tok, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Authenticate(tok); !isReason(err, InvalidToken) || err.(*Error).Message != TokenRevokedDescription {
		t.Fatalf("revoked: %v", err)
	}

	if st.SetPersonalAccessTokenExpiry("glpat-nope", testStart) == nil || st.RevokePersonalAccessToken("glpat-nope") == nil {
		t.Fatal("unknown tokens must be refused")
	}
	if _, err := st.Authenticate("glpat-nope"); !isReason(err, Unauthorized) {
		t.Fatalf("unknown: %v", err)
	}
}

func TestAccessTokenIDsSurviveSnapshot(t *testing.T) {
	st := NewStore(Options{Clock: NewFakeClock(testStart)})
	st.SeedDefaults()
	user := st.CreateUser("u", false)
	tok := st.CreatePersonalAccessToken(user)
	if err := st.RevokePersonalAccessToken(tok); err != nil {
		t.Fatal(err)
	}
	data, err := st.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	st2 := NewStore(Options{Clock: NewFakeClock(testStart)})
	if err := st2.Restore(data); err != nil {
		t.Fatal(err)
	}
	if _, err := st2.Authenticate(tok); !isReason(err, InvalidToken) {
		t.Fatalf("revocation lost in the snapshot: %v", err)
	}
	var maxID int64
	for _, tk := range st.sortedTokensLocked() {
		maxID = max(maxID, tk.ID)
	}
	c, err := st2.Authenticate(st2.CreatePersonalAccessToken(user))
	if err != nil {
		t.Fatal(err)
	}
	if id := c.AccessToken().ID; id <= maxID {
		t.Fatalf("a token created after Restore got id %d, which may collide (restored ids go up to %d)", id, maxID)
	}

	// A state file from before tokens had ids: every token gets a distinct one.
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, tk := range raw["tokens"].([]any) {
		delete(tk.(map[string]any), "id")
	}
	old, _ := json.Marshal(raw)
	st3 := NewStore(Options{})
	if err := st3.Restore(old); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, tk := range st3.sortedTokensLocked() {
		if tk.ID == 0 || seen[tk.ID] {
			t.Fatalf("token id %d missing or repeated", tk.ID)
		}
		seen[tk.ID] = true
	}
}

func isReason(err error, r Reason) bool {
	var e *Error
	return errors.As(err, &e) && e.Reason == r
}
