package compare

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Difference is one way the two answers to a step differ.
type Difference struct {
	Step   string // the step's name and request
	What   string // "status", "key …", "type of …", "value of …", "message", "header …"
	GitLab string
	Mock   string
}

func (d Difference) String() string {
	return fmt.Sprintf("%s: GitLab %s, mock %s", d.What, d.GitLab, d.Mock)
}

// differences compares the two sides' exchanges of one step.
func differences(g, m exchange, gNames, mNames map[string]string) []Difference {
	var out []Difference
	seen := map[Difference]bool{}
	add := func(what, gv, mv string) {
		d := Difference{Step: g.step.String(), What: what, GitLab: gv, Mock: mv}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	switch {
	case g.skipped != "" && m.skipped != "":
		return nil
	case g.skipped != "" || m.skipped != "" || g.err != "" || m.err != "":
		add("the request", outcome(g), outcome(m))
		return out
	}
	if g.status != m.status {
		add("status", fmt.Sprint(g.status), fmt.Sprint(m.status))
	}
	if gm, mm := message(g.body, gNames), message(m.body, mNames); gm != mm {
		add("message", quote(gm), quote(mm))
	}
	for _, h := range g.step.headers {
		if gv, mv := g.header.Get(h), m.header.Get(h); gv != mv {
			add("header "+h, quoteHeader(gv), quoteHeader(mv))
		}
	}
	if isError(g.body) || isError(m.body) {
		return out // an error's shape is its message
	}
	c := &comparer{values: set(g.step.values), gNames: gNames, mNames: mNames, add: add}
	gb, mb := g.body, m.body
	if len(g.step.only) > 0 {
		gb, mb = project(gb, g.step.only), project(mb, g.step.only)
	}
	c.compare("", "", gb, mb)
	return out
}

func outcome(ex exchange) string {
	switch {
	case ex.skipped != "":
		return "not sent (" + ex.skipped + ")"
	case ex.err != "":
		return ex.err
	}
	return fmt.Sprintf("answered %d", ex.status)
}

// message is an error answer's message ({"message": …} or {"error": …}),
// normalised; "" for other answers.
func message(body any, names map[string]string) string {
	obj, _ := body.(map[string]any)
	for _, k := range []string{"message", "error"} {
		if v, ok := obj[k]; ok {
			b, _ := json.Marshal(normalize(k, v, names))
			return normalizeText(string(b), names)
		}
	}
	return ""
}

func isError(body any) bool {
	obj, ok := body.(map[string]any)
	if !ok {
		return false
	}
	_, m := obj["message"]
	_, e := obj["error"]
	return (m || e) && len(obj) <= 2
}

// project keeps only the given keys of an object (absent ones stay absent).
func project(body any, keys []string) any {
	obj, ok := body.(map[string]any)
	if !ok {
		return body
	}
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := obj[k]; ok {
			out[k] = v
		}
	}
	return out
}

// userObjects are the keys whose value is a user of the server (GitLab's
// UserBasic): compared by shape only.
var userObjects = map[string]bool{"created_by": true}

type comparer struct {
	values         map[string]bool
	gNames, mNames map[string]string
	add            func(what, gitlab, mock string)
}

// compare walks both values: keys, types, list lengths, and the values of
// the keys the scenario decides.
func (c *comparer) compare(path, key string, g, m any) {
	gt, mt := typeOf(g), typeOf(m)
	if gt != mt {
		c.add("type of "+where(path), gt, mt)
		return
	}
	switch gv := g.(type) {
	case map[string]any:
		mv, _ := m.(map[string]any) // the same type: typeOf said so
		for _, k := range unionKeys(gv, mv) {
			gx, gok := gv[k]
			mx, mok := mv[k]
			switch {
			case gok && !mok:
				c.add("key "+where(path+"."+k), "has it ("+typeOf(gx)+")", "has not")
			case !gok && mok:
				c.add("key "+where(path+"."+k), "has not", "has it ("+typeOf(mx)+")")
			case userObjects[k]:
				// A user (who created the runner): the server's own user,
				// whose id no name of the scenario stands for; its shape is
				// compared, not its values.
				structure := *c
				structure.values = nil
				structure.compare(path+"."+k, k, gx, mx)
			default:
				c.compare(path+"."+k, k, gx, mx)
			}
		}
	case []any:
		mv, _ := m.([]any) // the same type: typeOf said so
		if len(gv) != len(mv) {
			c.add("length of "+where(path), fmt.Sprint(len(gv)), fmt.Sprint(len(mv)))
		}
		// Items are compared pairwise; a difference of several items is
		// reported once, under [*].
		for i := 0; i < len(gv) && i < len(mv); i++ {
			c.compare(path+"[*]", key, gv[i], mv[i])
		}
	default:
		if !c.values[key] {
			return
		}
		gs, ms := scalar(normalize(key, g, c.gNames)), scalar(normalize(key, m, c.mNames))
		if gs != ms && !sameName(gs, ms) {
			c.add("value of "+where(path), gs, ms)
		}
	}
}

func where(path string) string {
	if path == "" {
		return "the answer"
	}
	return strings.TrimPrefix(path, ".")
}

func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func scalar(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func quote(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func quoteHeader(s string) string {
	if s == "" {
		return "(none)"
	}
	return strconv.Quote(s)
}

func unionKeys(a, b map[string]any) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]any{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func set(keys []string) map[string]bool {
	out := map[string]bool{}
	for _, k := range keys {
		out[k] = true
	}
	return out
}

var (
	timePattern  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$`)
	tokenPattern = regexp.MustCompile(`\b(glrt-|glrct-|glpat-|GR1348941)[0-9A-Za-z_\-.]+`)
	ipPattern    = regexp.MustCompile(`^\d{1,3}(\.\d{1,3}){3}$|^[0-9a-fA-F:]+:[0-9a-fA-F:]*$`)
	numberWord   = regexp.MustCompile(`\b\d+\b`)
)

// normalize replaces in a value what differs between any two servers by
// nature: ids (by the scenario's name for them when it has one), tokens,
// times and addresses.
func normalize(key string, v any, names map[string]string) any {
	switch x := v.(type) {
	case json.Number:
		if key == "id" || strings.HasSuffix(key, "_id") {
			if n, ok := names[x.String()]; ok {
				return n
			}
			return "<id>"
		}
		return x
	case string:
		switch {
		case key == "token" || strings.HasSuffix(key, "_token") || tokenPattern.MatchString(x):
			return "<token>"
		case timePattern.MatchString(x):
			return "<time>"
		case key == "ip_address" && ipPattern.MatchString(x):
			return "<ip>"
		case key == "revision":
			return "<revision>"
		}
		return x
	}
	return v
}

// addName names id: a group, a project and a runner are numbered apart, so
// one number can name several of them ("<group>|<runner:instance>").
func addName(names map[string]string, id, name string) {
	parts := []string{name}
	if old, ok := names[id]; ok {
		parts = append(strings.Split(old, "|"), name)
	}
	sort.Strings(parts)
	names[id] = strings.Join(slices.Compact(parts), "|")
}

// sameName tells whether two normalised values (JSON strings) name the
// same object: the names of one number on each side have one in common.
func sameName(g, m string) bool {
	var gs, ms string
	if json.Unmarshal([]byte(g), &gs) != nil || json.Unmarshal([]byte(m), &ms) != nil ||
		!strings.HasPrefix(gs, "<") || !strings.HasPrefix(ms, "<") {
		return false
	}
	for _, a := range strings.Split(gs, "|") {
		if slices.Contains(strings.Split(ms, "|"), a) {
			return true
		}
	}
	return false
}

// normalizeText normalises an error message: tokens, and ids of the
// scenario's runners by name, other long numbers as <id>.
func normalizeText(s string, names map[string]string) string {
	s = tokenPattern.ReplaceAllString(s, "<token>")
	return numberWord.ReplaceAllStringFunc(s, func(n string) string {
		if name, ok := names[n]; ok {
			return name
		}
		if n == fmt.Sprint(unknownID) {
			return "<unknown>"
		}
		return n
	})
}
