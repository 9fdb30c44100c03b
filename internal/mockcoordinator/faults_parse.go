package mockcoordinator

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/api"
)

// FaultSyntax is the one-line description of the fault spec syntax, used in
// error messages and the command's help.
const FaultSyntax = `ROUTE=ACTION[:OPTION]... where ROUTE is "*" or "METHOD /pattern" (e.g. "POST /user/runners", "GET /runners/:id"); ` +
	`ACTION is a status 400-599 (429 = rate limit), rate-limit, drop, apply-then-<status>, apply-then-drop or latency-<duration>; ` +
	`OPTION is times=N, probability=P (0<P<=1) or retry-after=<duration> (rate limit only)`

// ParseFault parses a fault spec such as
//
//	POST /user/runners=apply-then-502:times=3
//	*=429:retry-after=1s:probability=0.1
//	GET /runners/:id=latency-300ms
//
// Errors name the offending part and what is allowed.
func ParseFault(spec string) (Fault, error) {
	var f Fault
	routePart, rest, ok := strings.Cut(spec, "=")
	if !ok {
		return f, fmt.Errorf("fault %q has no \"=\"; expected %s", spec, FaultSyntax)
	}
	route, err := parseFaultRoute(strings.TrimSpace(routePart))
	if err != nil {
		return f, fmt.Errorf("fault %q: %w", spec, err)
	}
	f.Route = route
	parts := strings.Split(rest, ":")
	if err := parseFaultAction(&f, strings.TrimSpace(parts[0])); err != nil {
		return f, fmt.Errorf("fault %q: %w", spec, err)
	}
	for _, opt := range parts[1:] {
		if err := parseFaultOption(&f, strings.TrimSpace(opt)); err != nil {
			return f, fmt.Errorf("fault %q: %w", spec, err)
		}
	}
	return f, nil
}

func parseFaultRoute(s string) (string, error) {
	if s == RouteAny {
		return s, nil
	}
	method, path, ok := strings.Cut(s, " ")
	path = strings.TrimSpace(path)
	if !ok || method == "" || !strings.HasPrefix(path, "/") {
		return "", fmt.Errorf(`route %q: allowed is "*" or "METHOD /pattern" such as "POST /user/runners" or "GET /runners/:id"`, s)
	}
	method = strings.ToUpper(method)
	path = strings.TrimPrefix(path, "/api/v4")
	if path == "" {
		path = "/"
	}
	name := method + " " + path
	// Check the pattern against the real router: substitute each ":param"
	// segment with a number and see that it maps back to the same name.
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, ":") {
			segs[i] = "1"
		}
	}
	got := api.MatchRoute(method, strings.Join(segs, "/"))
	switch {
	case got == "":
		return "", fmt.Errorf("route %q is not served by the mock coordinator; use a route name such as \"POST /user/runners\" or \"GET /runners/:id\", or \"*\"", s)
	case got != name:
		return "", fmt.Errorf("route %q: write the route pattern %q, not a concrete path", s, got)
	}
	return name, nil
}

func parseFaultAction(f *Fault, a string) error {
	const allowed = "allowed: a status 400-599 (429 = rate limit), rate-limit, drop, apply-then-<status>, apply-then-drop, latency-<duration> such as latency-200ms"
	switch {
	case a == "drop":
		f.Kind = FaultDrop
	case a == "apply-then-drop":
		f.Kind = FaultApplyThenDrop
	case a == "rate-limit":
		f.Kind = FaultRateLimit
	case strings.HasPrefix(a, "apply-then-"):
		st, err := parseFaultStatus(strings.TrimPrefix(a, "apply-then-"))
		if err != nil {
			return fmt.Errorf("action %q: %v; %s", a, err, allowed)
		}
		f.Kind, f.Status = FaultApplyThenStatus, st
	case strings.HasPrefix(a, "latency-"):
		d, err := time.ParseDuration(strings.TrimPrefix(a, "latency-"))
		if err != nil || d <= 0 {
			return fmt.Errorf("action %q: the delay must be a positive Go duration such as 200ms or 1.5s; %s", a, allowed)
		}
		f.Kind, f.Latency = FaultLatency, d
	default:
		st, err := parseFaultStatus(a)
		if err != nil {
			return fmt.Errorf("action %q: %s", a, allowed)
		}
		if st == 429 {
			f.Kind = FaultRateLimit
		} else {
			f.Kind, f.Status = FaultStatus, st
		}
	}
	return nil
}

func parseFaultStatus(s string) (int, error) {
	st, err := strconv.Atoi(s)
	if err != nil || st < 400 || st > 599 {
		return 0, fmt.Errorf("status %q is not a number from 400 to 599", s)
	}
	return st, nil
}

func parseFaultOption(f *Fault, opt string) error {
	key, val, ok := strings.Cut(opt, "=")
	if !ok {
		return fmt.Errorf("option %q: expected KEY=VALUE with KEY times, probability or retry-after", opt)
	}
	switch key {
	case "times":
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 {
			return fmt.Errorf("option times=%q: allowed is a whole number >= 1 (leave it out to fire until cleared)", val)
		}
		f.Times = n
	case "probability":
		p, err := strconv.ParseFloat(val, 64)
		if err != nil || p <= 0 || p > 1 {
			return fmt.Errorf("option probability=%q: allowed is a number with 0 < P <= 1, e.g. 0.1", val)
		}
		if p < 1 {
			f.Probability = p
		}
	case "retry-after":
		if f.Kind != FaultRateLimit {
			return fmt.Errorf("option retry-after is only allowed with the actions 429 and rate-limit")
		}
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 {
			return fmt.Errorf("option retry-after=%q: allowed is a Go duration >= 0 such as 1s or 500ms", val)
		}
		if d == 0 {
			d = -1 // Fault.RetryAfter: 0 means the default, negative means "Retry-After: 0"
		}
		f.RetryAfter = d
	default:
		return fmt.Errorf("option %q: unknown key %q; allowed: times, probability, retry-after", opt, key)
	}
	return nil
}

// String renders the fault in the ParseFault syntax.
func (f Fault) String() string {
	var b strings.Builder
	b.WriteString(f.Route)
	b.WriteByte('=')
	switch f.Kind {
	case FaultLatency:
		b.WriteString("latency-" + f.Latency.String())
	case FaultStatus:
		b.WriteString(strconv.Itoa(f.effectiveStatus()))
	case FaultRateLimit:
		b.WriteString("rate-limit")
		switch {
		case f.RetryAfter > 0:
			b.WriteString(":retry-after=" + f.RetryAfter.String())
		case f.RetryAfter < 0:
			b.WriteString(":retry-after=0s")
		}
	case FaultApplyThenStatus:
		b.WriteString("apply-then-" + strconv.Itoa(f.effectiveStatus()))
	default:
		b.WriteString(f.Kind.String())
	}
	if f.Times > 0 {
		b.WriteString(":times=" + strconv.Itoa(f.Times))
	}
	if f.Probability > 0 {
		b.WriteString(":probability=" + strconv.FormatFloat(f.Probability, 'g', -1, 64))
	}
	return b.String()
}
