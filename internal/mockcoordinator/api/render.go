package api

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

type managerJSON struct {
	ID           int64   `json:"id"`
	SystemID     string  `json:"system_id"`
	Version      *string `json:"version"`
	Revision     *string `json:"revision"`
	Platform     *string `json:"platform"`
	Architecture *string `json:"architecture"`
	CreatedAt    string  `json:"created_at"`
	ContactedAt  *string `json:"contacted_at"`
	IPAddress    *string `json:"ip_address"`
	Status       string  `json:"status"`
	// JobExecutionStatus is left out before Version.ShowsJobExecutionStatus.
	JobExecutionStatus string `json:"job_execution_status,omitempty"`
}

// tokenJSON answers runner creation, registration and verification.
type tokenJSON struct {
	ID             int64   `json:"id"`
	Token          string  `json:"token"`
	TokenExpiresAt *string `json:"token_expires_at"`
}

// resetTokenJSON answers token resets.
type resetTokenJSON struct {
	Token          string  `json:"token"`
	TokenExpiresAt *string `json:"token_expires_at"`
}

// runnerAttributes is the runner attribute table, read once.
var runnerAttributes = store.RunnerAttributeTable()

// renderRunners is a runner list page: an array of GitLab's Runner entity,
// as version v shows it; creators are the creators the caller may read, by
// runner id.
func renderRunners(runners []store.RunnerRecord, creators map[int64]store.User, base string, now time.Time, v store.Version) jsonDocument {
	w := &jsonWriter{b: make([]byte, 0, 320*len(runners)+2)}
	w.beginArray()
	for i := range runners {
		w.beginObject()
		var creator *store.User
		if u, ok := creators[runners[i].ID]; ok {
			creator = &u
		}
		writeRunnerFields(w, &runners[i], creator, base, now, v)
		w.endObject()
	}
	w.endArray()
	return w.b
}

// writeRunnerFields writes GitLab's Runner entity (a list item); creator is
// the runner's creator when the caller may read that user.
func writeRunnerFields(w *jsonWriter, r *store.RunnerRecord, creator *store.User, base string, now time.Time, v store.Version) {
	status := r.Status(now)
	w.key("id").integer(r.ID)
	for _, attr := range runnerAttributes {
		if attr.Listed {
			writeRunnerAttribute(w, attr, &r.RunnerAttributes, false)
		}
	}
	if v.HidesRunnerIPAddress() {
		w.key("ip_address").null() // GitLab's "expose(:ip_address) { nil }": see the managers
	} else {
		w.key("ip_address").stringOrNull(r.IPAddress)
	}
	w.key("is_shared").boolean(r.RunnerType == store.RunnerTypeInstance)
	w.key("runner_type").string(r.RunnerType)
	w.key("name").stringOrNull(r.Name)
	w.key("online").boolean(status == "online")
	if creator != nil && v.ShowsRunnerCreator() {
		w.key("created_by")
		writeUserBasic(w, creator, base)
	}
	if v.ShowsRunnerCreatedAt() {
		w.key("created_at").timeOrNull(&r.CreatedAt)
	}
	w.key("status").string(status)
	if v.ShowsJobExecutionStatus() {
		w.key("job_execution_status").string(r.JobExecutionStatus())
	}
}

// writeUserBasic writes GitLab's UserBasic entity (lib/api/entities/user_basic.rb
// and user_safe.rb) of a mock user: no avatar, no public email, active.
func writeUserBasic(w *jsonWriter, u *store.User, base string) {
	w.beginObject()
	w.key("id").integer(u.ID)
	w.key("username").string(u.Username)
	w.key("public_email").null()
	w.key("name").string(u.Username)
	w.key("state").string("active")
	w.key("locked").boolean(false)
	w.key("avatar_url").null()
	w.key("web_url").string(base + "/" + u.Username)
	w.endObject()
}

// writeRunnerAttribute writes one row of the attribute table as GitLab shows
// it; hidden writes null (an UpdatersOnly row for a reader).
func writeRunnerAttribute(w *jsonWriter, attr *store.RunnerAttribute, a *store.RunnerAttributes, hidden bool) {
	w.key(attr.Name)
	if hidden {
		w.null()
		return
	}
	switch attr.Kind {
	case store.StringKind:
		if s := attr.StringValue(a); s != "" || !attr.NullWhenEmpty {
			w.string(s)
		} else {
			w.null()
		}
	case store.BoolKind:
		w.boolean(attr.BoolValue(a))
	case store.IntegerKind:
		w.integerOrNull(attr.IntegerValue(a))
	case store.StringListKind:
		w.strings(attr.StringListValue(a))
	default:
		panic("runner attribute " + attr.Name + ": no rendering for its kind")
	}
}

// renderRunnerDetails is GET/PUT /runners/:id (GitLab's RunnerDetails
// entity), as version v shows it. The token is never part of it.
func renderRunnerDetails(d *store.RunnerDetails, now time.Time, base string, v store.Version) jsonDocument {
	r := &d.RunnerRecord
	w := &jsonWriter{b: make([]byte, 0, 1024)}
	w.beginObject()
	writeRunnerFields(w, r, d.Creator, base, now, v)
	for _, attr := range runnerAttributes {
		if !attr.Listed {
			hidden := attr.UpdatersOnly && !d.CallerMayUpdate && v.HidesMaintenanceNoteFromReaders()
			writeRunnerAttribute(w, attr, &r.RunnerAttributes, hidden)
		}
	}
	version, revision, platform, architecture := r.Version, r.Revision, r.Platform, r.Architecture
	if m := r.LatestManager(); m != nil {
		version, revision, platform, architecture = m.Version, m.Revision, m.Platform, m.Architecture
	}
	w.key("contacted_at").timeOrNull(r.ContactedAt)
	w.key("version").stringOrNull(version)
	w.key("revision").stringOrNull(revision)
	w.key("platform").stringOrNull(platform)
	w.key("architecture").stringOrNull(architecture)
	w.key("projects").beginArray()
	for _, p := range d.Projects {
		w.beginObject()
		w.key("id").integer(p.ID)
		w.key("name").string(p.Name)
		w.key("name_with_namespace").string(p.FullName)
		w.key("path").string(p.Path)
		w.key("path_with_namespace").string(p.FullPath)
		w.endObject()
	}
	w.endArray()
	w.key("groups").beginArray()
	for _, g := range d.Groups {
		w.beginObject()
		w.key("id").integer(g.ID)
		w.key("name").string(g.Name)
		w.key("web_url").string(base + "/groups/" + g.FullPath)
		w.endObject()
	}
	w.endArray()
	w.endObject()
	return w.b
}

// renderManager is GitLab's RunnerManager entity, as version v shows it.
func renderManager(m *store.ManagerRecord, now time.Time, v store.Version) managerJSON {
	var contacted *time.Time
	if !m.ContactedAt.IsZero() {
		contacted = &m.ContactedAt
	}
	out := managerJSON{
		ID: m.ID, SystemID: m.SystemID, Version: strOrNull(m.Version), Revision: strOrNull(m.Revision),
		Platform: strOrNull(m.Platform), Architecture: strOrNull(m.Architecture),
		CreatedAt: formatTime(m.CreatedAt), ContactedAt: formatTimePtr(contacted), IPAddress: strOrNull(m.IPAddress),
		Status: m.Status(now),
	}
	if v.ShowsJobExecutionStatus() {
		out.JobExecutionStatus = m.JobExecutionStatus()
	}
	return out
}

func renderToken(t store.RunnerToken) tokenJSON {
	return tokenJSON{ID: t.RunnerID, Token: t.Token, TokenExpiresAt: formatTimePtr(t.ExpiresAt)}
}

func renderResetToken(t store.RunnerToken) resetTokenJSON {
	return resetTokenJSON{Token: t.Token, TokenExpiresAt: formatTimePtr(t.ExpiresAt)}
}

// jsonDocument is an encoded JSON answer.
type jsonDocument []byte

// jsonWriter encodes a JSON document field by field, in GitLab's key order
// and without reflection: list pages render thousands of fields.
type jsonWriter struct {
	b     []byte
	comma bool // a value precedes: the next one needs a separator
}

func (w *jsonWriter) sep() {
	if w.comma {
		w.b = append(w.b, ',')
	}
}

func (w *jsonWriter) beginObject() { w.sep(); w.b, w.comma = append(w.b, '{'), false }
func (w *jsonWriter) endObject()   { w.b, w.comma = append(w.b, '}'), true }
func (w *jsonWriter) beginArray()  { w.sep(); w.b, w.comma = append(w.b, '['), false }
func (w *jsonWriter) endArray()    { w.b, w.comma = append(w.b, ']'), true }

// key starts an object member; its value follows.
func (w *jsonWriter) key(k string) *jsonWriter {
	w.sep()
	w.b = append(appendJSONString(w.b, k), ':')
	w.comma = false
	return w
}

func (w *jsonWriter) null() { w.sep(); w.b, w.comma = append(w.b, "null"...), true }

func (w *jsonWriter) string(s string) { w.sep(); w.b, w.comma = appendJSONString(w.b, s), true }

// stringOrNull writes "" as null.
func (w *jsonWriter) stringOrNull(s string) {
	if s == "" {
		w.null()
		return
	}
	w.string(s)
}

func (w *jsonWriter) boolean(v bool) { w.sep(); w.b, w.comma = strconv.AppendBool(w.b, v), true }

func (w *jsonWriter) integer(n int64) { w.sep(); w.b, w.comma = strconv.AppendInt(w.b, n, 10), true }

func (w *jsonWriter) integerOrNull(n *int64) {
	if n == nil {
		w.null()
		return
	}
	w.integer(*n)
}

func (w *jsonWriter) timeOrNull(t *time.Time) {
	if t == nil {
		w.null()
		return
	}
	w.string(formatTime(*t))
}

func (w *jsonWriter) strings(l []string) {
	w.beginArray()
	for _, s := range l {
		w.string(s)
	}
	w.endArray()
}

// appendJSONString quotes s; anything beyond plain printable ASCII is left
// to encoding/json's escaping.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			raw, _ := json.Marshal(s) // a string always encodes
			return append(b, raw...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// fullMessages joins model errors like Rails'
// errors.full_messages.to_sentence ("A x", "A x and B y", "A x, B y, and C z").
func fullMessages(errs []store.FieldError) string {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = humanize(e.Attribute) + " " + e.Message
	}
	switch len(msgs) {
	case 0:
		return ""
	case 1:
		return msgs[0]
	case 2:
		return msgs[0] + " and " + msgs[1]
	}
	return strings.Join(msgs[:len(msgs)-1], ", ") + ", and " + msgs[len(msgs)-1]
}

// humanize is Rails' human_attribute_name: "maximum_timeout" → "Maximum timeout".
func humanize(attr string) string {
	s := strings.ReplaceAll(attr, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// modelErrors is the {"attr":["message",...]} map of a failed validation.
func modelErrors(errs []store.FieldError) map[string][]string {
	m := map[string][]string{}
	for _, e := range errs {
		m[e.Attribute] = append(m[e.Attribute], e.Message)
	}
	return m
}
