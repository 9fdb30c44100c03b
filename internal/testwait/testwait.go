// Package testwait waits in tests for what another goroutine or process
// does. It imports nothing of this project, so that every package's tests can
// use it — the mock coordinator's own included, which cannot import
// internal/acctest (acctest imports the mock).
package testwait

import (
	"testing"
	"time"
)

// Until polls cond every few milliseconds until it holds; when it still does
// not after within, the test fails, naming what it waited for.
func Until(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
			return // a testing.TB whose Fatalf returns
		}
	}
}
