package testwait

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a testing.TB whose Fatalf records the failure and returns.
type recorder struct {
	testing.TB
	failure string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) { r.failure = fmt.Sprintf(format, args...) }

func TestUntilReturnsOnceCondHolds(t *testing.T) {
	var n atomic.Int32
	go func() {
		time.Sleep(20 * time.Millisecond)
		n.Store(1)
	}()
	r := &recorder{TB: t}
	Until(r, 5*time.Second, "n == 1", func() bool { return n.Load() == 1 })
	if r.failure != "" {
		t.Fatalf("failed although the condition came to hold: %s", r.failure)
	}
	if n.Load() != 1 {
		t.Fatal("returned before the condition held")
	}
}

func TestUntilFailsNamingWhatItWaitedFor(t *testing.T) {
	r := &recorder{TB: t}
	start := time.Now()
	Until(r, 30*time.Millisecond, "the answer", func() bool { return false })
	if want := "timed out after 30ms waiting for the answer"; r.failure != want {
		t.Fatalf("failure %q, want %q", r.failure, want)
	}
	if took := time.Since(start); took < 30*time.Millisecond {
		t.Fatalf("gave up after %s, before its 30ms", took)
	}
}
