package api

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestParseNestedQueryAsRack pins parseNestedQuery to Rack's own examples of
// parse_nested_query (rack 2.2, test/spec_utils.rb "parses nested query
// strings correctly" and "raises an exception if the params are of the
// wrong type"), which is how GitLab reads query strings and form bodies.
func TestParseNestedQueryAsRack(t *testing.T) {
	for _, tc := range []struct{ query, want string }{
		{"foo", `{"foo":null}`},
		{"foo=", `{"foo":""}`},
		{"foo=bar", `{"foo":"bar"}`},
		{`foo="bar"`, `{"foo":"\"bar\""}`},
		{"foo=bar&foo=quux", `{"foo":"quux"}`},
		{"foo&foo=", `{"foo":""}`},
		{"foo=1&bar=2", `{"foo":"1","bar":"2"}`},
		{"&foo=1&&bar=2", `{"foo":"1","bar":"2"}`},
		{"foo&bar=", `{"foo":null,"bar":""}`},
		{"foo=1;bar=2; baz=3", `{"foo":"1","bar":"2","baz":"3"}`},
		{"my+weird+field=q1%212%22%27w%245%267%2Fz8%29%3F", `{"my weird field":"q1!2\"'w$5&7/z8)?"}`},
		{"a=b&pid%3D1234=1023", `{"pid=1234":"1023","a":"b"}`},
		{"foo[]", `{"foo":[null]}`},
		{"foo[]=", `{"foo":[""]}`},
		{"foo[]=bar", `{"foo":["bar"]}`},
		{"foo[]=bar&foo", `{"foo":null}`},
		{"foo[]=bar&foo[", `{"foo":["bar"],"foo[":null}`},
		{"foo[]=bar&foo[=baz", `{"foo":["bar"],"foo[":"baz"}`},
		{"foo[]=1&foo[]=2", `{"foo":["1","2"]}`},
		{"foo=bar&baz[]=1&baz[]=2&baz[]=3", `{"foo":"bar","baz":["1","2","3"]}`},
		{"x[y][z]=1", `{"x":{"y":{"z":"1"}}}`},
		{"x[y][z][]=1", `{"x":{"y":{"z":["1"]}}}`},
		{"x[y][z]=1&x[y][z]=2", `{"x":{"y":{"z":"2"}}}`},
		{"x[y][z][]=1&x[y][z][]=2", `{"x":{"y":{"z":["1","2"]}}}`},
		{"x[y][][z]=1", `{"x":{"y":[{"z":"1"}]}}`},
		{"x[y][][z][]=1", `{"x":{"y":[{"z":["1"]}]}}`},
		{"x[y][][z]=1&x[y][][w]=2", `{"x":{"y":[{"z":"1","w":"2"}]}}`},
		{"x[y][][v][w]=1", `{"x":{"y":[{"v":{"w":"1"}}]}}`},
		{"x[y][][z]=1&x[y][][v][w]=2", `{"x":{"y":[{"z":"1","v":{"w":"2"}}]}}`},
		{"x[y][][z]=1&x[y][][z]=2", `{"x":{"y":[{"z":"1"},{"z":"2"}]}}`},
		{"x[y][][z]=1&x[y][][w]=a&x[y][][z]=2&x[y][][w]=3", `{"x":{"y":[{"z":"1","w":"a"},{"z":"2","w":"3"}]}}`},
		{"x[][y]=1&x[][z][w]=a&x[][y]=2&x[][z][w]=b", `{"x":[{"y":"1","z":{"w":"a"}},{"y":"2","z":{"w":"b"}}]}`},
		{"x[][z][w]=a&x[][y]=1&x[][z][w]=b&x[][y]=2", `{"x":[{"y":"1","z":{"w":"a"}},{"y":"2","z":{"w":"b"}}]}`},
		{"data[books][][data][page]=1&data[books][][data][page]=2", `{"data":{"books":[{"data":{"page":"1"}},{"data":{"page":"2"}}]}}`},
		{"info[version]=18.6.0&info[config][gpus]=all", `{"info":{"version":"18.6.0","config":{"gpus":"all"}}}`},
	} {
		got, err := parseNestedQuery(tc.query)
		if err != nil {
			t.Errorf("%q: %v", tc.query, err)
			continue
		}
		var want map[string]any
		if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			raw, _ := json.Marshal(got)
			t.Errorf("%q = %s, want %s", tc.query, raw, tc.want)
		}
	}

	for _, tc := range []struct{ query, message string }{
		{"x[y]=1&x[y]z=2", "expected Hash (got String) for param `y'"},
		{"x[y]=1&x[]=1", "expected Array (got Hash) for param `x'"},
		{"x[y]=1&x[y][][w]=2", "expected Array (got String) for param `y'"},
		{"foo=%zz", "invalid"},
		{"x" + strings.Repeat("[a]", rackParamDepthLimit) + "=1", "nested too deeply"},
	} {
		_, err := parseNestedQuery(tc.query)
		if !errors.Is(err, errRackParams) || !strings.Contains(err.Error(), tc.message) {
			t.Errorf("%q: error %v, want one saying %q", tc.query, err, tc.message)
		}
	}
}
