package api

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Query strings and form bodies are parsed as Rack parses them for GitLab
// (Rack::QueryParser#parse_nested_query, Rack 2.2, lib/rack/query_parser.rb):
// "info[version]=18.6.0" is the hash {"info": {"version": "18.6.0"}},
// "tag_list[]=a&tag_list[]=b" the array ["a", "b"], "a[][b]=1&a[][c]=2"
// the array of hashes [{"b": "1", "c": "2"}]. Grape then reads the same
// params whether the client sent them this way or as JSON.

// rackParamDepthLimit is Rack's param_depth_limit: deeper nesting is refused.
const rackParamDepthLimit = 100

// errRackParams is a query string or form body Rack refuses (conflicting
// types such as "a=1&a[b]=2", bad percent-encoding, nesting too deep).
var errRackParams = errors.New("invalid parameters")

// parseNestedQuery parses s into hashes (map[string]any), arrays ([]any)
// and strings; a key without "=" has the value nil, as in Rack.
func parseNestedQuery(s string) (map[string]any, error) {
	params := map[string]any{}
	for _, pair := range splitRackPairs(s) {
		rawKey, rawValue, hasValue := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errRackParams, err)
		}
		var value any
		if hasValue {
			v, err := url.QueryUnescape(rawValue)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", errRackParams, err)
			}
			value = v
		}
		if _, err := normalizeRackParams(params, key, value, rackParamDepthLimit); err != nil {
			return nil, err
		}
	}
	return params, nil
}

// splitRackPairs splits on "&" and ";", each followed by any spaces
// (Rack's DEFAULT_SEP, /[&;] */n); empty pairs are dropped.
func splitRackPairs(s string) []string {
	var pairs []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '&' || r == ';' }) {
		if part = strings.TrimLeft(part, " "); part != "" {
			pairs = append(pairs, part)
		}
	}
	return pairs
}

// normalizeRackParams is Rack's normalize_params: it puts value at name
// ("a", "a[]", "a[b]", "a[][b]", ...) into params and returns the result.
func normalizeRackParams(params map[string]any, name string, value any, depth int) (any, error) {
	if depth <= 0 {
		return nil, fmt.Errorf("%w: nested too deeply", errRackParams)
	}
	key, after := splitRackName(name)
	if key == "" {
		if value != nil && name == "[]" {
			return []any{value}, nil
		}
		return nil, nil
	}
	switch {
	case after == "":
		params[key] = value
	case after == "[":
		params[name] = value
	case after == "[]":
		arr, err := rackArray(params, key)
		if err != nil {
			return nil, err
		}
		params[key] = append(arr, value)
	case strings.HasPrefix(after, "[]"):
		return params, appendRackArrayChild(params, key, rackChildKey(after), value, depth)
	default:
		child, ok := params[key].(map[string]any)
		if params[key] == nil { // Rack's params[k] ||= {}
			child, ok = map[string]any{}, true
		}
		if !ok {
			return nil, fmt.Errorf("%w: expected Hash (got %s) for param `%s'", errRackParams, rackTypeName(params[key]), key)
		}
		result, err := normalizeRackParams(child, after, value, depth-1)
		if err != nil {
			return nil, err
		}
		params[key] = result // nil for a child name Rack drops, such as "a[[]]"
	}
	return params, nil
}

// appendRackArrayChild handles "a[][child]=v": the value goes into the
// array's last hash unless that hash has the child already, which starts a
// new element.
func appendRackArrayChild(params map[string]any, key, childKey string, value any, depth int) error {
	arr, err := rackArray(params, key)
	if err != nil {
		return err
	}
	if n := len(arr); n > 0 {
		if last, ok := arr[n-1].(map[string]any); ok && !rackHashHasKey(last, childKey) {
			_, err := normalizeRackParams(last, childKey, value, depth-1)
			return err
		}
	}
	elem, err := normalizeRackParams(map[string]any{}, childKey, value, depth-1)
	if err != nil {
		return err
	}
	params[key] = append(arr, elem)
	return nil
}

// splitRackName applies Rack's /\A[\[\]]*([^\[\]]+)\]*/: leading brackets
// are skipped, the key runs to the next bracket, closing brackets after it
// are dropped, and the rest follows.
func splitRackName(name string) (key, after string) {
	i := 0
	for i < len(name) && (name[i] == '[' || name[i] == ']') {
		i++
	}
	j := i
	for j < len(name) && name[j] != '[' && name[j] != ']' {
		j++
	}
	if j == i {
		return "", ""
	}
	key = name[i:j]
	for j < len(name) && name[j] == ']' {
		j++
	}
	return key, name[j:]
}

// rackChildKey is the child name after "[]": "b" for "[][b]" (Rack's
// /^\[\]\[([^\[\]]+)\]$/), else everything after "[]" ("[b][c]" for
// "[][b][c]").
func rackChildKey(after string) string {
	rest := after[2:]
	if len(rest) > 2 && rest[0] == '[' && rest[len(rest)-1] == ']' && !strings.ContainsAny(rest[1:len(rest)-1], "[]") {
		return rest[1 : len(rest)-1]
	}
	return rest
}

// rackArray is params[key] as an array (a new one when absent).
func rackArray(params map[string]any, key string) ([]any, error) {
	switch v := params[key].(type) {
	case nil:
		return nil, nil
	case []any:
		return v, nil
	default:
		return nil, fmt.Errorf("%w: expected Array (got %s) for param `%s'", errRackParams, rackTypeName(v), key)
	}
}

// rackHashHasKey is Rack's params_hash_has_key?: whether the nested key
// ("b" or "b][c" style names split at brackets) exists in h.
func rackHashHasKey(h map[string]any, key string) bool {
	if strings.Contains(key, "[]") {
		return false
	}
	var cur any = h
	for _, part := range strings.FieldsFunc(key, func(r rune) bool { return r == '[' || r == ']' }) {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

func rackTypeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "Hash"
	case []any:
		return "Array"
	default:
		return "String"
	}
}
