package api

// A parser for the part of the GraphQL query language the mock answers: one
// query or mutation (optionally named, with variable definitions) whose
// selections are fields with aliases, arguments (literals, variables, input
// objects and lists) and sub-selections. Fragments and directives are not
// part of it; the handler reports them as GraphQL errors, never as a crash.

import (
	"fmt"
	"strconv"
	"strings"
)

// gqlLocation is a 1-based line and column, as GraphQL errors report them.
type gqlLocation struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// gqlError is one entry of a GraphQL answer's "errors".
type gqlError struct {
	Message    string         `json:"message"`
	Locations  []gqlLocation  `json:"locations,omitempty"`
	Path       []string       `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

type gqlOperation struct {
	kind      string // "query", "mutation" or "subscription"
	name      string
	variables map[string]gqlVarDef
	fields    []gqlField
}

type gqlVarDef struct {
	typ string // as written, e.g. "CiRunnerID!"
	loc gqlLocation
}

type gqlField struct {
	alias, name string
	args        map[string]gqlValue
	fields      []gqlField
	hasSelect   bool
	loc         gqlLocation
}

// key is the field's name in the answer.
func (f gqlField) key() string {
	if f.alias != "" {
		return f.alias
	}
	return f.name
}

// gqlValue is an argument: a variable reference or a literal.
type gqlValue struct {
	variable string // set for $name
	literal  any    // string, int64, bool or nil; an input object or list is in object or list
	object   map[string]gqlValue
	list     []gqlValue
	text     string // as written, for error messages
}

type gqlToken struct {
	kind string // "NAME", "STRING", "INT", "EOF" or the punctuator itself
	text string
	loc  gqlLocation
}

// gqlPunctuatorNames are graphql-ruby's names of the tokens, for messages.
var gqlPunctuatorNames = map[string]string{
	"{": "LCURLY", "}": "RCURLY", "(": "LPAREN", ")": "RPAREN", "[": "LBRACKET", "]": "RBRACKET",
	":": "COLON", "!": "BANG", "$": "VAR_SIGN", "=": "EQUALS", "NAME": "IDENTIFIER", "STRING": "STRING", "INT": "INT",
}

func gqlTokenize(src string) ([]gqlToken, *gqlError) {
	var out []gqlToken
	line, col := 1, 1
	advance := func(s string) {
		for _, r := range s {
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
	}
	for i := 0; i < len(src); {
		c := src[i]
		loc := gqlLocation{line, col}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			advance(src[i : i+1])
			i++
		case c == '#':
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src) - i
			}
			advance(src[i : i+j])
			i += j
		case strings.IndexByte("{}()[]:!$=", c) >= 0:
			out = append(out, gqlToken{kind: string(c), text: string(c), loc: loc})
			advance(src[i : i+1])
			i++
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			out = append(out, gqlToken{kind: "NAME", text: src[i:j], loc: loc})
			advance(src[i:j])
			i = j
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			out = append(out, gqlToken{kind: "INT", text: src[i:j], loc: loc})
			advance(src[i:j])
			i = j
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) || src[j] != '"' {
				return nil, &gqlError{Message: "Unterminated string", Locations: []gqlLocation{loc}}
			}
			s, err := strconv.Unquote(src[i : j+1])
			if err != nil {
				return nil, &gqlError{Message: "Bad unicode escape in " + src[i:j+1], Locations: []gqlLocation{loc}}
			}
			out = append(out, gqlToken{kind: "STRING", text: s, loc: loc})
			advance(src[i : j+1])
			i = j + 1
		default:
			return nil, &gqlError{Message: fmt.Sprintf("Parse error on %q (UNKNOWN_CHAR) at [%d, %d]", string(c), loc.Line, loc.Column),
				Locations: []gqlLocation{loc}}
		}
	}
	return append(out, gqlToken{kind: "EOF", loc: gqlLocation{line, col}}), nil
}

type gqlParser struct {
	toks  []gqlToken
	pos   int
	depth int // nesting of selection sets and list types
}

// gqlMaxDepth bounds nesting, so that no query exhausts the stack.
const gqlMaxDepth = 32

// nest enters one level of nesting at t.
func (p *gqlParser) nest(t gqlToken) *gqlError {
	p.depth++
	if p.depth > gqlMaxDepth {
		return &gqlError{Message: fmt.Sprintf("Query is nested deeper than %d levels", gqlMaxDepth), Locations: []gqlLocation{t.loc}}
	}
	return nil
}

func (p *gqlParser) peek() gqlToken { return p.toks[p.pos] }

func (p *gqlParser) next() gqlToken {
	t := p.toks[p.pos]
	if t.kind != "EOF" {
		p.pos++
	}
	return t
}

// fail is graphql-ruby's parse error for the token t.
func (p *gqlParser) fail(t gqlToken) *gqlError {
	if t.kind == "EOF" {
		return &gqlError{Message: "Unexpected end of document", Locations: []gqlLocation{t.loc}}
	}
	return &gqlError{Message: fmt.Sprintf("Parse error on %q (%s) at [%d, %d]", t.text, gqlPunctuatorNames[t.kind], t.loc.Line, t.loc.Column),
		Locations: []gqlLocation{t.loc}}
}

func (p *gqlParser) expect(kind string) (gqlToken, *gqlError) {
	t := p.next()
	if t.kind != kind {
		return t, p.fail(t)
	}
	return t, nil
}

// gqlParse reads a document holding one operation.
func gqlParse(src string) (*gqlOperation, *gqlError) {
	toks, err := gqlTokenize(src)
	if err != nil {
		return nil, err
	}
	p := &gqlParser{toks: toks}
	op := &gqlOperation{kind: "query", variables: map[string]gqlVarDef{}}
	if t := p.peek(); t.kind == "NAME" {
		switch t.text {
		case "query", "mutation", "subscription":
			op.kind = p.next().text
		default:
			return nil, p.fail(t)
		}
		if p.peek().kind == "NAME" {
			op.name = p.next().text
		}
		if p.peek().kind == "(" {
			if err := p.variableDefinitions(op); err != nil {
				return nil, err
			}
		}
	}
	fields, err := p.selectionSet()
	if err != nil {
		return nil, err
	}
	op.fields = fields
	if t := p.next(); t.kind != "EOF" {
		return nil, p.fail(t)
	}
	return op, nil
}

func (p *gqlParser) variableDefinitions(op *gqlOperation) *gqlError {
	p.next() // (
	for {
		t := p.next()
		if t.kind == ")" {
			return nil
		}
		if t.kind != "$" {
			return p.fail(t)
		}
		name, err := p.expect("NAME")
		if err != nil {
			return err
		}
		if _, err := p.expect(":"); err != nil {
			return err
		}
		typ, err := p.typeRef()
		if err != nil {
			return err
		}
		if p.peek().kind == "=" {
			p.next()
			if _, err := p.value(); err != nil {
				return err
			}
		}
		op.variables[name.text] = gqlVarDef{typ: typ, loc: t.loc}
	}
}

func (p *gqlParser) typeRef() (string, *gqlError) {
	var typ string
	switch t := p.next(); t.kind {
	case "NAME":
		typ = t.text
	case "[":
		if err := p.nest(t); err != nil {
			return "", err
		}
		defer func() { p.depth-- }()
		inner, err := p.typeRef()
		if err != nil {
			return "", err
		}
		if _, err := p.expect("]"); err != nil {
			return "", err
		}
		typ = "[" + inner + "]"
	default:
		return "", p.fail(t)
	}
	if p.peek().kind == "!" {
		p.next()
		typ += "!"
	}
	return typ, nil
}

func (p *gqlParser) selectionSet() ([]gqlField, *gqlError) {
	open, err := p.expect("{")
	if err != nil {
		return nil, err
	}
	if err := p.nest(open); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	var fields []gqlField
	for {
		t := p.next()
		switch t.kind {
		case "}":
			if len(fields) == 0 {
				return nil, p.fail(t)
			}
			return fields, nil
		case "NAME":
		default:
			return nil, p.fail(t)
		}
		f := gqlField{name: t.text, loc: t.loc}
		if p.peek().kind == ":" {
			p.next()
			n, err := p.expect("NAME")
			if err != nil {
				return nil, err
			}
			f.alias, f.name = f.name, n.text
		}
		if p.peek().kind == "(" {
			p.next()
			f.args = map[string]gqlValue{}
			for p.peek().kind != ")" {
				n, err := p.expect("NAME")
				if err != nil {
					return nil, err
				}
				if _, err := p.expect(":"); err != nil {
					return nil, err
				}
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				f.args[n.text] = v
			}
			p.next()
		}
		if p.peek().kind == "{" {
			sub, err := p.selectionSet()
			if err != nil {
				return nil, err
			}
			f.fields, f.hasSelect = sub, true
		}
		fields = append(fields, f)
	}
}

func (p *gqlParser) value() (gqlValue, *gqlError) {
	t := p.next()
	switch t.kind {
	case "$":
		n, err := p.expect("NAME")
		if err != nil {
			return gqlValue{}, err
		}
		return gqlValue{variable: n.text, text: "$" + n.text}, nil
	case "STRING":
		return gqlValue{literal: t.text, text: strconv.Quote(t.text)}, nil
	case "INT":
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return gqlValue{}, p.fail(t)
		}
		return gqlValue{literal: n, text: t.text}, nil
	case "NAME":
		switch t.text {
		case "true", "false":
			return gqlValue{literal: t.text == "true", text: t.text}, nil
		case "null":
			return gqlValue{text: "null"}, nil
		}
		return gqlValue{literal: t.text, text: t.text}, nil // an enum value
	case "{":
		return p.objectValue(t)
	case "[":
		return p.listValue(t)
	}
	return gqlValue{}, p.fail(t)
}

// objectValue reads an input object's fields after its "{".
func (p *gqlParser) objectValue(open gqlToken) (gqlValue, *gqlError) {
	if err := p.nest(open); err != nil {
		return gqlValue{}, err
	}
	defer func() { p.depth-- }()
	v := gqlValue{object: map[string]gqlValue{}}
	var texts []string
	for p.peek().kind != "}" {
		n, err := p.expect("NAME")
		if err != nil {
			return gqlValue{}, err
		}
		if _, err := p.expect(":"); err != nil {
			return gqlValue{}, err
		}
		field, err := p.value()
		if err != nil {
			return gqlValue{}, err
		}
		v.object[n.text] = field
		texts = append(texts, n.text+": "+field.text)
	}
	p.next()
	v.text = "{" + strings.Join(texts, ", ") + "}"
	return v, nil
}

// listValue reads a list's elements after its "[".
func (p *gqlParser) listValue(open gqlToken) (gqlValue, *gqlError) {
	if err := p.nest(open); err != nil {
		return gqlValue{}, err
	}
	defer func() { p.depth-- }()
	v := gqlValue{list: []gqlValue{}}
	var texts []string
	for p.peek().kind != "]" {
		if p.peek().kind == "EOF" {
			return gqlValue{}, p.fail(p.peek())
		}
		e, err := p.value()
		if err != nil {
			return gqlValue{}, err
		}
		v.list = append(v.list, e)
		texts = append(texts, e.text)
	}
	p.next()
	v.text = "[" + strings.Join(texts, ", ") + "]"
	return v, nil
}

// resolve is the value as JSON decoding would give it (string, int64,
// bool, nil, map[string]any, []any), its variables taken from variables.
func (v gqlValue) resolve(variables map[string]any) any {
	switch {
	case v.variable != "":
		return variables[v.variable]
	case v.object != nil:
		m := make(map[string]any, len(v.object))
		for k, f := range v.object {
			m[k] = f.resolve(variables)
		}
		return m
	case v.list != nil:
		l := make([]any, len(v.list))
		for i, e := range v.list {
			l[i] = e.resolve(variables)
		}
		return l
	}
	return v.literal
}
