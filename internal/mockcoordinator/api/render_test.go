package api

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestJSONWriterMatchesEncodingJSON: the writer's documents decode to what
// encoding/json makes of the same values, for strings that need escaping too.
func TestJSONWriterMatchesEncodingJSON(t *testing.T) {
	timeout := int64(900)
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnewline\n\x00\x1f", "<b>&amp;</b>", "Grüße ✓ 😀", "bad \xff utf-8", "\u2028\u2029"} {
		w := &jsonWriter{}
		w.beginObject()
		w.key("s").string(s)
		w.key("null").stringOrNull("")
		w.key("n").integerOrNull(&timeout)
		w.key("none").integerOrNull(nil)
		w.key("b").boolean(true)
		w.key("l").strings([]string{s, "x"})
		w.key("empty").strings([]string{})
		w.endObject()
		var got any
		if err := json.Unmarshal(w.b, &got); err != nil {
			t.Fatalf("%q: not JSON: %v: %s", s, err, w.b)
		}
		want := map[string]any{"s": s, "null": nil, "n": timeout, "none": nil, "b": true, "l": []string{s, "x"}, "empty": []string{}}
		raw, _ := json.Marshal(want)
		var exp any
		_ = json.Unmarshal(raw, &exp)
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("%q:\n got %s\nwant %s", s, w.b, raw)
		}
	}
}
