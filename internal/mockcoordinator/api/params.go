package api

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// params merges query parameters with a JSON or form-encoded body (the body
// wins, as in Rack). Query strings and form bodies are parsed as Rack does
// (rack_query.go), so nested keys ("info[version]", "tag_list[]") give the
// same hashes and arrays as JSON. Values are string, json.Number, bool, nil,
// []any or map[string]any.
type params struct {
	m map[string]any
}

const maxBody = 1 << 20

// parseParams reads the request parameters; on a malformed query string or
// body it answers 400 and returns false.
func (c *reqCtx) parseParams() bool {
	query, err := parseNestedQuery(c.r.URL.RawQuery)
	if err != nil {
		c.badRequest("the query string is not valid")
		return false
	}
	p := &params{m: query}
	if c.r.Body != nil {
		raw, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody))
		if err != nil {
			c.badRequest("could not read the request body")
			return false
		}
		if !c.mergeBody(p, bytes.TrimSpace(raw)) {
			return false
		}
	}
	c.p = p
	return true
}

// mergeBody adds the parameters of a JSON or form-encoded body to p.
func (c *reqCtx) mergeBody(p *params, raw []byte) bool {
	if len(raw) == 0 {
		return true
	}
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct == "application/json" || (ct != "application/x-www-form-urlencoded" && raw[0] == '{') {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			c.badRequest("the request body is not a valid JSON object")
			return false
		}
		maps.Copy(p.m, obj)
		return true
	}
	form, err := parseNestedQuery(string(raw))
	if err != nil {
		c.badRequest("the request body is not valid form data")
		return false
	}
	maps.Copy(p.m, form)
	return true
}

func (p *params) has(key string) bool {
	_, ok := p.m[key]
	return ok
}

// str returns a string parameter; numbers and booleans are coerced like Grape
// does, null is "". ok is false for arrays and objects.
func (p *params) str(key string) (val string, present, ok bool) {
	v, present := p.m[key]
	if !present {
		return "", false, true
	}
	switch x := v.(type) {
	case nil:
		return "", true, true
	case string:
		return x, true, true
	case json.Number:
		return x.String(), true, true
	case bool:
		return strconv.FormatBool(x), true, true
	}
	return "", true, false
}

// boolean returns a Boolean parameter (nil when absent or null); ok false
// when the value is not a boolean Grape would accept.
func (p *params) boolean(key string) (val *bool, ok bool) {
	v, present := p.m[key]
	if !present || v == nil {
		return nil, true
	}
	var b bool
	switch x := v.(type) {
	case bool:
		b = x
	case json.Number:
		switch x.String() {
		case "1":
			b = true
		case "0":
		default:
			return nil, false
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "t", "1", "yes", "y", "on":
			b = true
		case "false", "f", "0", "no", "n", "off":
		default:
			return nil, false
		}
	default:
		return nil, false
	}
	return &b, true
}

// integer returns an Integer parameter; null (or an empty form value) gives
// isNull; ok is false for anything not an integer.
func (p *params) integer(key string) (val *int64, isNull, ok bool) {
	v, present := p.m[key]
	if !present {
		return nil, false, true
	}
	var s string
	switch x := v.(type) {
	case nil:
		return nil, true, true
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
		if s == "" {
			return nil, true, true
		}
	default:
		return nil, false, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, false, false
	}
	return &n, false, true
}

// list returns an array parameter given as a JSON/form array or a
// comma-separated string; entries are trimmed, empty ones dropped, duplicates
// removed (first occurrence kept).
func (p *params) list(key string) (val []string, present, ok bool) {
	v, present := p.m[key]
	if !present {
		return nil, false, true
	}
	var raw []string
	switch x := v.(type) {
	case nil:
	case string:
		raw = strings.Split(x, ",")
	case []any:
		for _, e := range x {
			switch s := e.(type) {
			case string:
				raw = append(raw, strings.Split(s, ",")...)
			case json.Number:
				raw = append(raw, s.String())
			default:
				return nil, true, false
			}
		}
	default:
		return nil, true, false
	}
	out := []string{}
	for _, s := range raw {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, true, true
}

// stringArray returns an Array[String] parameter as given (a JSON array or
// form "key[]" entries), without the trimming and de-duplication of list:
// the model validates it as sent. null is a nil slice; a plain string or a
// non-string entry is not an array (ok false).
func (p *params) stringArray(key string) (val []string, present, ok bool) {
	v, present := p.m[key]
	if !present || v == nil {
		return nil, present, true
	}
	arr, isArr := v.([]any)
	if !isArr {
		return nil, true, false
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, isStr := e.(string)
		if !isStr {
			return nil, true, false
		}
		out = append(out, s)
	}
	return out, true, true
}

// validator collects Grape-style parameter errors in declaration order.
type validator struct {
	p    *params
	errs []string
}

func (v *validator) fail(msg string) { v.errs = append(v.errs, msg) }

func (v *validator) str(key string) (string, bool) {
	s, present, ok := v.p.str(key)
	if !ok {
		v.fail(key + " is invalid")
	}
	return s, present && ok
}

func (v *validator) boolean(key string) *bool {
	b, ok := v.p.boolean(key)
	if !ok {
		v.fail(key + " is invalid")
	}
	return b
}

func (v *validator) integer(key string) (val *int64, isNull bool) {
	n, null, ok := v.p.integer(key)
	if !ok {
		v.fail(key + " is invalid")
	}
	return n, null
}

func (v *validator) list(key string) ([]string, bool) {
	l, present, ok := v.p.list(key)
	if !ok {
		v.fail(key + " is invalid")
	}
	return l, present && ok
}

// oneOf validates an optional string against allowed values.
func (v *validator) oneOf(key string, allowed ...string) (string, bool) {
	s, present := v.str(key)
	if present && !slices.Contains(allowed, s) {
		v.fail(key + " does not have a valid value")
		return "", false
	}
	return s, present
}

// runnerAttributeEndpoint is an endpoint that takes runner attributes: each
// declares its own parameters, and Grape ignores the undeclared ones.
type runnerAttributeEndpoint int

const (
	createEndpoint   runnerAttributeEndpoint = iota // POST /user/runners (lib/api/user_runners.rb)
	updateEndpoint                                  // PUT /runners/:id (lib/api/ci/runners.rb)
	registerEndpoint                                // legacy POST /runners (lib/api/ci/runner.rb)
)

// declares reports whether the endpoint declares the attribute.
func (ep runnerAttributeEndpoint) declares(attr *store.RunnerAttribute) bool {
	return !attr.NotOnCreate || ep != createEndpoint
}

// parseRunnerChanges reads the runner attributes the endpoint declares, in
// the table's order (GitLab's declaration order, which Grape's error
// messages follow).
func parseRunnerChanges(v *validator, ep runnerAttributeEndpoint) store.RunnerChanges {
	var ch store.RunnerChanges
	for _, attr := range runnerAttributes {
		if !ep.declares(attr) {
			continue
		}
		if !readRunnerAttribute(v, attr, attr.Name, &ch) && attr.LegacyName != "" && ep == registerEndpoint {
			readRunnerAttribute(v, attr, attr.LegacyName, &ch)
		}
	}
	return ch
}

// readRunnerAttribute reads parameter name as attr; false when it was not
// given (or not valid).
func readRunnerAttribute(v *validator, attr *store.RunnerAttribute, name string, ch *store.RunnerChanges) bool {
	switch attr.Kind {
	case store.StringKind:
		var s string
		var ok bool
		if attr.Values != nil {
			s, ok = v.oneOf(name, attr.Values...)
		} else {
			s, ok = v.str(name)
		}
		if ok {
			ch.SetString(attr, s)
		}
		return ok
	case store.BoolKind:
		b := v.boolean(name)
		if b != nil {
			ch.SetBool(attr, *b)
		}
		return b != nil
	case store.IntegerKind:
		if !v.p.has(name) {
			return false
		}
		n, _ := v.integer(name) // null clears the attribute
		ch.SetInteger(attr, n)
		return true
	case store.StringListKind:
		l, ok := v.list(name)
		if ok {
			ch.SetStringList(attr, l)
		}
		return ok
	}
	return false
}

// checkExclusiveRunnerAttributes adds Grape's mutually_exclusive errors, in
// the order GitLab declares them (legacy POST /runners: the notes, then
// active and paused).
func checkExclusiveRunnerAttributes(v *validator, ep runnerAttributeEndpoint, version store.Version) {
	exclusive := func(a, b string) {
		if v.p.has(a) && v.p.has(b) {
			v.fail(a + ", " + b + " are mutually exclusive")
		}
	}
	if ep == registerEndpoint && version.RefusesBothRunnerNotes() {
		for _, attr := range runnerAttributes {
			if attr.LegacyName != "" {
				exclusive(attr.LegacyName, attr.Name)
			}
		}
	}
	for _, attr := range runnerAttributes {
		if attr.ExclusiveWith != "" {
			exclusive(attr.Name, attr.ExclusiveWith)
		}
	}
}

// info reads the `info` object a runner sends about itself.
func (p *params) info() *store.RunnerInfo {
	m, ok := p.m["info"].(map[string]any)
	if !ok {
		return nil
	}
	get := func(k string) string {
		s, _ := m[k].(string)
		return s
	}
	return &store.RunnerInfo{Name: get("name"), Version: get("version"), Revision: get("revision"),
		Platform: get("platform"), Architecture: get("architecture")}
}
