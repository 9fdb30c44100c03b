package store

import (
	"reflect"
	"strings"
	"testing"
)

// TestRunnerAttributeTableCoversTheRecord: every field of RunnerAttributes has
// exactly one row (aliases aside) named after its JSON key, whose accessor
// points at that field and matches the row's kind.
func TestRunnerAttributeTableCoversTheRecord(t *testing.T) {
	typ := reflect.TypeOf(RunnerAttributes{})
	fields := map[string]bool{}
	for i := 0; i < typ.NumField(); i++ {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		fields[name] = true
	}
	rows := map[string]bool{}
	for _, attr := range RunnerAttributeTable() {
		accessors := 0
		for _, set := range []bool{attr.str != nil, attr.boolean != nil, attr.integer != nil, attr.list != nil} {
			if set {
				accessors++
			}
		}
		kindOK := map[AttributeKind]bool{StringKind: attr.str != nil, BoolKind: attr.boolean != nil, IntegerKind: attr.integer != nil, StringListKind: attr.list != nil}[attr.Kind]
		if accessors != 1 || !kindOK {
			t.Errorf("row %q: want exactly the accessor of its kind %d", attr.Name, attr.Kind)
		}
		if attr.Negated {
			if attr.Kind != BoolKind {
				t.Errorf("row %q: only Boolean rows can be negated", attr.Name)
			}
			continue
		}
		if rows[attr.Name] {
			t.Errorf("row %q appears twice", attr.Name)
		}
		rows[attr.Name] = true
		if !fields[attr.Name] {
			t.Errorf("row %q has no RunnerAttributes field with that JSON name", attr.Name)
		}
		// The accessor must point at the field of the same JSON name.
		var a RunnerAttributes
		ptr := reflect.ValueOf(map[AttributeKind]any{StringKind: attr.str, BoolKind: attr.boolean, IntegerKind: attr.integer, StringListKind: attr.list}[attr.Kind]).
			Call([]reflect.Value{reflect.ValueOf(&a)})[0].Pointer()
		f, _ := typ.FieldByNameFunc(func(n string) bool {
			sf, _ := typ.FieldByName(n)
			tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			return tag == attr.Name
		})
		if want := reflect.ValueOf(&a).Pointer() + f.Offset; ptr != want {
			t.Errorf("row %q: accessor points at another field than %s", attr.Name, f.Name)
		}
	}
	for name := range fields {
		if !rows[name] {
			t.Errorf("RunnerAttributes field %q has no row in the table", name)
		}
	}
}

// TestRunnerAttributesCloneSharesNothing: a clone's lists and pointers are its own.
func TestRunnerAttributesCloneSharesNothing(t *testing.T) {
	timeout := int64(600)
	a := RunnerAttributes{TagList: []string{"a"}, MaximumTimeout: &timeout}
	c := a.clone()
	c.TagList[0] = "changed"
	*c.MaximumTimeout = 900
	if a.TagList[0] != "a" || *a.MaximumTimeout != 600 {
		t.Fatalf("clone shares memory with the original: %+v", a)
	}
}

// TestRunnerChanges: later changes of one field win (paused after active),
// and Negated rows store and show the negation.
func TestRunnerChanges(t *testing.T) {
	byName := map[string]*RunnerAttribute{}
	for _, attr := range RunnerAttributeTable() {
		byName[attr.Name] = attr
	}
	a := defaultRunnerAttributes()
	var ch RunnerChanges
	ch.SetBool(byName["active"], false)
	ch.SetStringList(byName["tag_list"], []string{"x"})
	timeout := int64(700)
	ch.SetInteger(byName["maximum_timeout"], &timeout)
	ch.apply(&a)
	if !a.Paused || byName["active"].BoolValue(&a) || len(a.TagList) != 1 || *a.MaximumTimeout != 700 {
		t.Fatalf("after changes: %+v", a)
	}
	ch = RunnerChanges{}
	ch.SetBool(byName["active"], false)
	ch.SetBool(byName["paused"], false)
	ch.SetInteger(byName["maximum_timeout"], nil)
	ch.apply(&a)
	if a.Paused || a.MaximumTimeout != nil {
		t.Fatalf("paused must win over active, null must clear: %+v", a)
	}
}
