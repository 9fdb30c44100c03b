package store

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ParseSeedFile reads a seed description from JSON or YAML (the same keys;
// see SeedSpec) and validates it. Errors name the file, the line and the
// field: "acme.yaml:12: users[1].tokens[0].scopes: "write" is not a scope …".
func ParseSeedFile(name string, data []byte) (SeedSpec, error) {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		// JSON is read as YAML, which forbids tabs as indentation; valid JSON
		// has tabs only as white space (escaped inside strings).
		data = bytes.ReplaceAll(data, []byte("\t"), []byte(" "))
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return SeedSpec{}, fmt.Errorf("seed: %s", yamlError(name, err))
	}
	if len(root.Content) == 0 {
		return SeedSpec{}, fmt.Errorf("seed: %s: the file is empty; describe at least users, groups or projects (see the README)", name)
	}
	var spec SeedSpec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil {
		return SeedSpec{}, fmt.Errorf("seed: %s", yamlError(name, err))
	}
	lines := map[string]int{}
	recordLines(root.Content[0], "", lines)
	if err := spec.Validate(); err != nil {
		var se *SeedError
		if errors.As(err, &se) {
			se.file = name
			se.line = func(field string) int {
				for f := field; f != ""; f = parentField(f) {
					if n, ok := lines[f]; ok {
						return n
					}
				}
				return 0
			}
		}
		return SeedSpec{}, err
	}
	return spec, nil
}

// recordLines maps every field path ("users[1].tokens[0].scopes") to the
// line of its key (or of the list item).
func recordLines(n *yaml.Node, path string, lines map[string]int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			p := key.Value
			if path != "" {
				p = path + "." + key.Value
			}
			lines[p] = key.Line
			recordLines(val, p, lines)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := path + "[" + strconv.Itoa(i) + "]"
			lines[p] = item.Line
			recordLines(item, p, lines)
		}
	}
}

// parentField drops the last component: "a[1].b" → "a[1]" → "a" → "".
func parentField(f string) string {
	if i := strings.LastIndexAny(f, ".["); i >= 0 {
		return f[:i]
	}
	return ""
}

var (
	yamlLineRe    = regexp.MustCompile(`line (\d+): `)
	yamlUnknownRe = regexp.MustCompile(`field (\S+) not found in type (\S+)`)
)

// seedTypes names the description's types for error messages.
var seedTypes = map[string]reflect.Type{
	"store.SeedSpec":        reflect.TypeOf(SeedSpec{}),
	"store.SeedInstance":    reflect.TypeOf(SeedInstance{}),
	"store.SeedUser":        reflect.TypeOf(SeedUser{}),
	"store.SeedAccessToken": reflect.TypeOf(SeedAccessToken{}),
	"store.SeedGroupSpec":   reflect.TypeOf(SeedGroupSpec{}),
	"store.SeedProjectSpec": reflect.TypeOf(SeedProjectSpec{}),
}

var seedTypeLabels = map[string]string{
	"store.SeedSpec": "the top level", "store.SeedInstance": "instance", "store.SeedUser": "a user",
	"store.SeedAccessToken": "a token", "store.SeedGroupSpec": "a group", "store.SeedProjectSpec": "a project",
}

// yamlError rewrites yaml.v3's errors as "file:line: what", one per line,
// with the allowed keys for an unknown one.
func yamlError(name string, err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	var out []string
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		where := name
		if m := yamlLineRe.FindStringSubmatchIndex(line); m != nil {
			where = name + ":" + line[m[2]:m[3]]
			line = line[:m[0]] + line[m[1]:]
		}
		if m := yamlUnknownRe.FindStringSubmatch(line); m != nil {
			line = fmt.Sprintf("unknown key %q in %s; allowed: %s", m[1], seedTypeLabels[m[2]], strings.Join(yamlKeys(seedTypes[m[2]]), ", "))
		}
		out = append(out, where+": "+line)
	}
	return strings.Join(out, "\n  ")
}

// yamlKeys lists a struct's keys, as its yaml tags spell them.
func yamlKeys(t reflect.Type) []string {
	if t == nil {
		return nil
	}
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}
