package gitlabapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxMessageLen bounds how much of an error body ends up in an error
// message (HTML error pages from proxies can be large).
const maxMessageLen = 512

// maxDecodedBody bounds how much of an error body is parsed at all.
const maxDecodedBody = 1 << 20

// decodeErrorBody extracts GitLab's message from an error body. It handles
// every shape GitLab produces:
//
//	{"error":"…"}                      Grape parameter validation, OAuth errors
//	{"error":"…","error_description":"…"}
//	{"message":"…"}                    bad_request!, 401, 403, 404, 410
//	{"message":{"attr":["…"]}}         model validation (also fills fields)
//	{"message":["…"]}
//	{"errors":[{"message":"…"}]}       GraphQL (/api/graphql)
//	plain text or HTML                 proxies, load balancers
//	empty body                         the status text
//
// It never panics, whatever the input.
func decodeErrorBody(status int, body []byte) (message string, fields map[string][]string) {
	if len(body) > maxDecodedBody {
		body = body[:maxDecodedBody]
	}
	text := strings.TrimSpace(string(body))
	if text == "" {
		return http.StatusText(status), nil
	}
	if text[0] == '{' || text[0] == '[' || text[0] == '"' {
		var raw any
		if err := json.Unmarshal([]byte(text), &raw); err == nil {
			if msg, f, ok := messageFromJSON(raw); ok {
				return clip(oneLine(msg)), f
			}
		}
	}
	if looksLikeHTML(text) {
		text = htmlToText(text)
		if text == "" {
			return http.StatusText(status), nil
		}
	}
	return clip(oneLine(text)), nil
}

func messageFromJSON(raw any) (string, map[string][]string, bool) {
	switch v := raw.(type) {
	case map[string]any:
		if msg, ok := graphQLErrors(v); ok {
			return msg, nil, true
		}
		var parts []string
		var fields map[string][]string
		if m, ok := v["message"]; ok && m != nil {
			msg, f := flattenMessage(m)
			if msg != "" {
				parts = append(parts, msg)
			}
			fields = f
		}
		if e, ok := v["error"]; ok && e != nil {
			msg, f := flattenMessage(e)
			if d, ok := v["error_description"].(string); ok && strings.TrimSpace(d) != "" {
				if msg != "" {
					msg += ": "
				}
				msg += strings.TrimSpace(d)
			}
			if s, ok := v["scope"].(string); ok && strings.TrimSpace(s) != "" {
				msg += " (required scope: " + strings.TrimSpace(s) + ")"
			}
			if msg != "" {
				parts = append(parts, msg)
			}
			if fields == nil {
				fields = f
			}
		}
		if len(parts) == 0 {
			return "", nil, false
		}
		return strings.Join(parts, "; "), fields, true
	case []any:
		msg, _ := flattenMessage(v)
		return msg, nil, msg != ""
	case string:
		return v, nil, v != ""
	}
	return "", nil, false
}

// flattenMessage turns a message value into one readable string; for an
// attribute map it also returns the per-attribute messages.
func flattenMessage(m any) (string, map[string][]string) {
	switch v := m.(type) {
	case string:
		return strings.TrimSpace(Printable(v)), nil
	case []any:
		return strings.Join(stringsOf(v), "; "), nil
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fields := make(map[string][]string, len(v))
		var parts []string
		for _, key := range keys {
			k := Printable(key)
			var msgs []string
			switch x := v[key].(type) {
			case []any:
				msgs = stringsOf(x)
			case nil:
			default:
				msgs = stringsOf([]any{x})
			}
			fields[k] = msgs
			for _, msg := range msgs {
				if k == "base" { // Rails' errors not tied to one attribute
					parts = append(parts, msg)
				} else {
					parts = append(parts, k+" "+msg)
				}
			}
			if len(msgs) == 0 {
				parts = append(parts, k+" is invalid")
			}
		}
		return strings.Join(parts, "; "), fields
	case nil:
		return "", nil
	default:
		return fmt.Sprint(v), nil
	}
}

func stringsOf(xs []any) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		switch y := x.(type) {
		case string:
			if s := strings.TrimSpace(Printable(y)); s != "" {
				out = append(out, s)
			}
		case nil:
		case map[string]any, []any:
			if b, err := json.Marshal(y); err == nil {
				out = append(out, string(b))
			}
		default:
			out = append(out, fmt.Sprint(y))
		}
	}
	return out
}

var (
	htmlTitleRe   = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlDropRe    = regexp.MustCompile(`(?is)<(script|style|head)[^>]*>.*?</(script|style|head)>`)
	htmlTagRe     = regexp.MustCompile(`(?s)<[^>]*>`)
	whitespaceRun = regexp.MustCompile(`\s+`)
)

func looksLikeHTML(s string) bool {
	l := strings.ToLower(s[:min(len(s), 256)])
	return strings.HasPrefix(l, "<") && (strings.Contains(l, "<html") || strings.Contains(l, "<!doctype") ||
		strings.Contains(l, "<head") || strings.Contains(l, "<body") || strings.Contains(l, "<h1") || strings.Contains(l, "<title"))
}

// htmlToText keeps the page title and the visible text of an HTML error page.
func htmlToText(s string) string {
	title := ""
	if m := htmlTitleRe.FindStringSubmatch(s); m != nil {
		title = strings.TrimSpace(whitespaceRun.ReplaceAllString(htmlTagRe.ReplaceAllString(m[1], " "), " "))
	}
	body := htmlDropRe.ReplaceAllString(s, " ")
	body = htmlTagRe.ReplaceAllString(body, " ")
	body = strings.TrimSpace(whitespaceRun.ReplaceAllString(body, " "))
	switch {
	case title == "":
		return body
	case body == "" || body == title:
		return title
	case strings.HasPrefix(body, title):
		return body
	default:
		return title + ": " + body
	}
}

func oneLine(s string) string {
	return strings.TrimSpace(whitespaceRun.ReplaceAllString(Printable(s), " "))
}

// Printable removes from text a server sent what could drive the terminal
// of whoever reads it: control characters (C0 such as ESC and NUL, DEL, C1)
// other than tab and line breaks, and the Unicode controls of text
// direction. Everything the server says reaches diagnostics through it.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case unicode.IsControl(r), r >= '\u200e' && r <= '\u200f', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return -1
		}
		return r
	}, s)
}

// clip truncates to maxMessageLen bytes without splitting a UTF-8 sequence,
// and replaces invalid UTF-8.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxMessageLen {
		return s
	}
	cut := maxMessageLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (truncated)"
}
