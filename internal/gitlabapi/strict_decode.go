package gitlabapi

// Strict decoding of the answers whose fields can make the provider rotate a
// token or replace a runner: the runner's details (runner_type, groups,
// projects, token_expires_at) and GraphQL's runner.tokenExpiresAt.
//
// Go's encoding/json matches keys case-insensitively ("RUNNER_TYPE" fills
// runner_type) and lets the last of duplicate keys win, so a malformed or
// hostile answer can say two things at once and have the provider act on
// either. GitLab spells every key one way and never repeats one. Here, a
// field whose key comes in another spelling, more than once, or with such a
// key somewhere inside its value is ambiguous: it is left out of the answer
// (as if GitLab had not sent it) and reported as a MalformedField, so that
// the caller keeps what it knew and says why.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"
)

// MalformedField is a field of an answer that the client ignored because
// the answer was ambiguous or malformed there.
type MalformedField struct {
	// Key is the field's key as GitLab spells it ("runner_type"), at the top
	// level of the answer.
	Key string
	// Reason says what was wrong, e.g. `the key "RUNNER_TYPE" is not
	// GitLab's spelling "runner_type"`; values it quotes are masked and
	// clipped.
	Reason string
}

func (f MalformedField) String() string { return f.Key + ": " + f.Reason }

// decodeStrict decodes the JSON object body into out (a pointer to a
// struct) as json.Unmarshal does, without the fields decodeStrict finds
// ambiguous (see above), which it returns. A body that is not a JSON object
// is decoded as it is.
func decodeStrict(body []byte, out any) ([]MalformedField, error) {
	clean, malformed, ok := sanitizeObject(body, reflect.TypeOf(out).Elem())
	if !ok {
		return nil, decodeJSON(body, out)
	}
	return malformed, decodeJSON(clean, out)
}

// jsonMember is one key and raw value of a JSON object, in order.
type jsonMember struct {
	key   string
	value json.RawMessage
}

// readObject reads the members of a JSON object, duplicates included, as
// encoding/json's Decoder reads them token by token (readObjectByTokens:
// keys unescaped, values raw); ok is false when body is not one complete
// JSON object. A valid document (json.Valid, GitLab's answers) is only
// scanned for where members start and end, which costs a fraction of the
// Decoder's tokens; anything else is read token by token, as before.
func readObject(body []byte) (members []jsonMember, ok bool) {
	if !json.Valid(body) {
		return readObjectByTokens(body)
	}
	i := skipSpace(body, 0)
	if body[i] != '{' {
		return nil, false
	}
	i = skipSpace(body, i+1)
	for body[i] != '}' {
		end := skipString(body, i)
		key, ok := jsonKey(body[i:end])
		if !ok {
			return nil, false
		}
		i = skipSpace(body, skipSpace(body, end)+1) // past the colon
		end = skipValue(body, i)
		members = append(members, jsonMember{key, json.RawMessage(body[i:end])})
		if i = skipSpace(body, end); body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	return members, true
}

// readObjectByTokens is readObject with encoding/json's Decoder, for a
// document that is not valid JSON: what the Decoder reads before it fails
// (or what follows the object) decides, as it always did.
func readObjectByTokens(body []byte) (members []jsonMember, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, false
		}
		members = append(members, jsonMember{key, raw})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, false
	}
	if _, err := dec.Token(); err == nil {
		return nil, false // something follows the object
	}
	return members, true
}

// readArray reads the elements of a JSON array (raw); ok is false when raw is
// not one.
func readArray(raw []byte) (items []json.RawMessage, ok bool) {
	if !json.Valid(raw) {
		return nil, false
	}
	i := skipSpace(raw, 0)
	if raw[i] != '[' {
		return nil, false
	}
	for i = skipSpace(raw, i+1); raw[i] != ']'; {
		end := skipValue(raw, i)
		items = append(items, json.RawMessage(raw[i:end]))
		if i = skipSpace(raw, end); raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return items, true
}

// jsonKey is the string a JSON string token (quoted) stands for: as it is
// when it holds neither an escape nor a byte beyond ASCII, else as
// encoding/json decodes it (invalid UTF-8 becomes U+FFFD).
func jsonKey(quoted []byte) (string, bool) {
	plain := true
	for _, c := range quoted[1 : len(quoted)-1] {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return string(quoted[1 : len(quoted)-1]), true
	}
	var key string
	return key, json.Unmarshal(quoted, &key) == nil
}

// The scanners below find the end of what starts at i in valid JSON (checked
// by json.Valid before): they never see a malformed document.

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] ('"').
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return len(b)
	}
	for i < len(b) && !strings.ContainsRune(",}] \t\n\r", rune(b[i])) { // a number, true, false or null
		i++
	}
	return i
}

// sanitizeObject returns body without its ambiguous top-level fields (for
// the struct type t), and what they were; ok is false when body is not a
// JSON object.
func sanitizeObject(body []byte, t reflect.Type) (clean []byte, malformed []MalformedField, ok bool) {
	members, ok := readObject(body)
	if !ok {
		return nil, nil, false
	}
	fields := jsonFields(t)
	reasons := map[string][]string{} // canonical key -> what is wrong
	seen := map[string]bool{}
	for _, m := range members {
		name, exact := fieldName(fields, m.key)
		switch {
		case name == "":
			continue // a key Go ignores
		case !exact:
			reasons[name] = append(reasons[name], fmt.Sprintf("the key %q is not GitLab's spelling %q", clipKey(m.key), name))
		case seen[name]:
			reasons[name] = append(reasons[name], fmt.Sprintf("the key %q appears more than once", name))
		}
		seen[name] = seen[name] || exact
		if inner := checkValue(m.value, fields[name], name); len(inner) > 0 {
			reasons[name] = append(reasons[name], inner...)
		}
	}
	if len(reasons) == 0 {
		return body, nil, true
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for _, m := range members {
		if name, _ := fieldName(fields, m.key); len(reasons[name]) > 0 {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(m.key) // a string always encodes
		b.Write(key)
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	for _, m := range members { // in the answer's order, each field once
		name, _ := fieldName(fields, m.key)
		if rs := reasons[name]; len(rs) > 0 {
			malformed = append(malformed, MalformedField{Key: name, Reason: strings.Join(dedupe(rs), "; ")})
			delete(reasons, name)
		}
	}
	return b.Bytes(), malformed, true
}

// checkValue says what is ambiguous inside the value of a field of type t
// (nested objects and lists of objects); at names the place for messages.
func checkValue(raw json.RawMessage, t reflect.Type, at string) []string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		items, ok := readArray(raw)
		if !ok {
			return nil // not a list: json.Unmarshal reports it
		}
		var out []string
		for i, item := range items {
			out = append(out, checkValue(item, t.Elem(), fmt.Sprintf("%s[%d]", at, i))...)
		}
		return out
	case reflect.Struct:
		if reflect.PointerTo(t).Implements(unmarshalerType) {
			return nil // a value with its own decoding (an expiry), which checks itself
		}
		members, ok := readObject(raw)
		if !ok {
			return nil
		}
		fields := jsonFields(t)
		var out []string
		seen := map[string]bool{}
		for _, m := range members {
			name, exact := fieldName(fields, m.key)
			switch {
			case name == "":
				continue
			case !exact:
				out = append(out, fmt.Sprintf("%s: the key %q is not GitLab's spelling %q", at, clipKey(m.key), name))
			case seen[name]:
				out = append(out, fmt.Sprintf("%s: the key %q appears more than once", at, name))
			}
			seen[name] = seen[name] || exact
			out = append(out, checkValue(m.value, fields[name], at+"."+name)...)
		}
		return out
	}
	return nil
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// fieldsByType caches jsonFields.
var fieldsByType sync.Map // reflect.Type -> map[string]reflect.Type

// jsonFields maps the JSON keys of struct type t (embedded structs'
// included) to their Go types; nil for other types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	if cached, ok := fieldsByType.Load(t); ok {
		fields, _ := cached.(map[string]reflect.Type)
		return fields
	}
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "":
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
		case !f.IsExported():
		case name == "":
			out[f.Name] = f.Type
		default:
			out[name] = f.Type
		}
	}
	fieldsByType.Store(t, out)
	return out
}

// fieldName is the field key encoding/json would fill from key: exact when
// key is spelled as the field's, else the one it matches ignoring case; ""
// when none.
func fieldName(fields map[string]reflect.Type, key string) (name string, exact bool) {
	if _, ok := fields[key]; ok {
		return key, true
	}
	for name := range fields {
		if strings.EqualFold(name, key) {
			return name, false
		}
	}
	return "", false
}

// clipKey keeps a hostile key short and printable in messages.
func clipKey(key string) string {
	key = oneLine(key)
	if r := []rune(key); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return key
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}
