package mockcoordinator

import (
	"strings"
	"testing"
	"time"
)

func TestParseFaultValid(t *testing.T) {
	cases := []struct {
		spec string
		want Fault
	}{
		{"POST /user/runners=apply-then-502:times=3", Fault{Route: "POST /user/runners", Kind: FaultApplyThenStatus, Status: 502, Times: 3}},
		{"*=429:retry-after=1s:probability=0.1", Fault{Route: "*", Kind: FaultRateLimit, RetryAfter: time.Second, Probability: 0.1}},
		{"*=rate-limit", Fault{Route: "*", Kind: FaultRateLimit}},
		{"GET /runners/:id=latency-300ms", Fault{Route: "GET /runners/:id", Kind: FaultLatency, Latency: 300 * time.Millisecond}},
		{"get /api/v4/runners/:id=503", Fault{Route: "GET /runners/:id", Kind: FaultStatus, Status: 503}},
		{"DELETE /runners/:id=drop:times=1", Fault{Route: "DELETE /runners/:id", Kind: FaultDrop, Times: 1}},
		{"POST /user/runners=apply-then-drop:probability=1", Fault{Route: "POST /user/runners", Kind: FaultApplyThenDrop}},
		{"*=429:retry-after=0s", Fault{Route: "*", Kind: FaultRateLimit, RetryAfter: -1}},
	}
	for _, tc := range cases {
		got, err := ParseFault(tc.spec)
		if err != nil {
			t.Errorf("ParseFault(%q): %v", tc.spec, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseFault(%q) = %+v, want %+v", tc.spec, got, tc.want)
		}
		// String renders a spec that parses back to the same fault.
		back, err := ParseFault(got.String())
		if err != nil || back != got {
			t.Errorf("round trip of %q via %q: %+v, %v", tc.spec, got.String(), back, err)
		}
	}
}

func TestParseFaultErrorsNameValueAndAllowed(t *testing.T) {
	cases := []struct{ spec, wantInErr string }{
		{"POST /user/runners", `has no "="`},
		{"POST /user/runners=", `action ""`},
		{"POST /user/runners=boom", `action "boom"`},
		{"POST /user/runners=302", `action "302"`},
		{"POST /user/runners=apply-then-600", `not a number from 400 to 599`},
		{"POST /user/runners=latency-fast", `positive Go duration`},
		{"POST /user/runners=500:times=0", `times="0"`},
		{"POST /user/runners=500:times=x", `whole number`},
		{"POST /user/runners=500:probability=1.5", `0 < P <= 1`},
		{"POST /user/runners=500:retry-after=1s", `only allowed with the actions 429 and rate-limit`},
		{"*=429:retry-after=soon", `retry-after="soon"`},
		{"POST /user/runners=500:color=red", `unknown key "color"`},
		{"POST /user/runners=500:times", `expected KEY=VALUE`},
		{"POST /nowhere=500", `not served by the mock coordinator`},
		{"GET /runners/12=500", `write the route pattern "GET /runners/:id"`},
		{"runners=500", `"METHOD /pattern"`},
	}
	for _, tc := range cases {
		_, err := ParseFault(tc.spec)
		if err == nil {
			t.Errorf("ParseFault(%q): want an error", tc.spec)
			continue
		}
		if !strings.Contains(err.Error(), tc.wantInErr) || !strings.Contains(err.Error(), tc.spec) {
			t.Errorf("ParseFault(%q) error %q: want it to name the spec and contain %q", tc.spec, err, tc.wantInErr)
		}
	}
}
