package mockcoordinator

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// FaultKind says what an injected fault does to a request.
type FaultKind int

const (
	// FaultLatency sleeps Fault.Latency before the request is handled, then
	// lets later faults and the real handler run.
	FaultLatency FaultKind = iota + 1
	// FaultStatus answers Fault.Status (default 500) with a GitLab-like JSON
	// body without running the handler: nothing changes in the store.
	FaultStatus
	// FaultRateLimit answers 429 with Retry-After and RateLimit-* headers
	// without running the handler.
	FaultRateLimit
	// FaultDrop closes the connection without answering and without running
	// the handler.
	FaultDrop
	// FaultApplyThenStatus runs the handler (the change is committed) but
	// answers Fault.Status (default 502) instead of the real response.
	FaultApplyThenStatus
	// FaultApplyThenDrop runs the handler (the change is committed) and then
	// closes the connection without answering.
	FaultApplyThenDrop
)

// String returns the kind as the --fault syntax spells it.
func (k FaultKind) String() string {
	switch k {
	case FaultLatency:
		return "latency"
	case FaultStatus:
		return "status"
	case FaultRateLimit:
		return "rate-limit"
	case FaultDrop:
		return "drop"
	case FaultApplyThenStatus:
		return "apply-then-status"
	case FaultApplyThenDrop:
		return "apply-then-drop"
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// RouteAny matches every request in Fault.Route.
const RouteAny = "*"

// Fault describes one injected failure. Route is a route name as returned by
// api.MatchRoute ("POST /user/runners", "GET /runners/:id") or "*" for every
// request.
type Fault struct {
	Route      string
	Kind       FaultKind
	Status     int           // FaultStatus (default 500), FaultApplyThenStatus (default 502), FaultRateLimit (default 429)
	RetryAfter time.Duration // FaultRateLimit; 0 = default 1s, negative = "Retry-After: 0"
	Latency    time.Duration // FaultLatency
	// Times is how often the fault fires before it goes quiet; 0 = until cleared.
	Times int
	// Probability is the chance that a matching request triggers the fault;
	// 0 = always.
	Probability float64
}

// Default HTTP statuses used when Fault.Status is 0.
const (
	defaultFaultStatus       = 500
	defaultApplyThenStatus   = 502
	defaultRateLimitStatus   = 429
	defaultRateLimitRetryAft = time.Second
)

// effectiveStatus returns the status this fault answers with, applying defaults.
func (f Fault) effectiveStatus() int {
	if f.Status != 0 {
		return f.Status
	}
	switch f.Kind {
	case FaultApplyThenStatus:
		return defaultApplyThenStatus
	case FaultRateLimit:
		return defaultRateLimitStatus
	}
	return defaultFaultStatus
}

// matches reports whether the fault applies to a request of the given route.
func (f Fault) matches(route string) bool {
	return f.Route == RouteAny || (route != "" && f.Route == route)
}

// Faults is the thread-safe set of injected faults of a Server.
type Faults struct {
	mu       sync.Mutex
	list     []*faultState
	rng      *rand.Rand
	injected int
	inFlight atomic.Int64 // requests in Serve: delayed, being applied or answered
}

type faultState struct {
	Fault
	fired int
}

// NewFaults returns an empty fault set. A Server has its own (Server.Faults);
// a proxy in front of another server uses one with Faults.Serve.
func NewFaults() *Faults {
	return &Faults{rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x6d6f636b))}
}

// Add registers a fault. Faults are checked in the order they were added:
// every firing FaultLatency delays the request; the first other fault that
// fires decides the answer.
func (f *Faults) Add(fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list = append(f.list, &faultState{Fault: fault})
}

// Clear removes every fault. The Injected counter is kept.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list = nil
}

// Seed makes the Probability draws reproducible.
func (f *Faults) Seed(seed int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rng = rand.New(rand.NewPCG(uint64(seed), 0x6d6f636b))
}

// Injected returns how many times a fault fired since the server started.
func (f *Faults) Injected() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.injected
}

// InFlight returns how many requests are inside Serve now. A request that a
// FaultLatency holds reaches the API when its delay ends, even when its
// client gave up meanwhile (a server does not notice a client that left
// before it reads the body): a test that wants the storm over, with no
// late request still to land, waits for 0 after Clear.
func (f *Faults) InFlight() int {
	return int(f.inFlight.Load())
}

// Active returns the faults that can still fire; Times is the number of
// firings left (0 = unlimited).
func (f *Faults) Active() []Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Fault
	for _, st := range f.list {
		if st.Times > 0 && st.fired >= st.Times {
			continue
		}
		c := st.Fault
		if c.Times > 0 {
			c.Times -= st.fired
		}
		out = append(out, c)
	}
	return out
}

// pick decides which faults fire for one request: the delays to apply and
// at most one terminal fault. Firing consumes Times.
func (f *Faults) pick(route string) (delays []time.Duration, terminal *Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, st := range f.list {
		if !st.matches(route) || (st.Times > 0 && st.fired >= st.Times) {
			continue
		}
		if st.Probability > 0 && f.rng.Float64() >= st.Probability {
			continue
		}
		st.fired++
		f.injected++
		if st.Kind == FaultLatency {
			delays = append(delays, st.Latency)
			continue
		}
		c := st.Fault
		return delays, &c
	}
	return delays, nil
}
