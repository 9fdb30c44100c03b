package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// SeedSpec describes an organisation for the mock to start with instead of
// the standard fixture: `mock-coordinator --seed FILE` reads it from JSON or
// YAML (ParseSeedFile), acceptance tests pass it to acctest.WithSeed.
// ApplySeed returns it completed: the ids the mock gave and every token it
// generated.
type SeedSpec struct {
	// GitLabVersion to emulate, e.g. "17.4.1-ee" (default: the mock's;
	// --gitlab-version wins over it).
	GitLabVersion string        `json:"gitlab_version,omitempty" yaml:"gitlab_version,omitempty"`
	Instance      *SeedInstance `json:"instance,omitempty" yaml:"instance,omitempty"`
	Users         []SeedUser    `json:"users,omitempty" yaml:"users,omitempty"`
	// Groups, by full path; a subgroup's parent must be listed too.
	Groups   []SeedGroupSpec   `json:"groups,omitempty" yaml:"groups,omitempty"`
	Projects []SeedProjectSpec `json:"projects,omitempty" yaml:"projects,omitempty"`
	Runners  []SeedRunner      `json:"runners,omitempty" yaml:"runners,omitempty"`
}

// SeedInstance are the instance (application) settings; nil fields keep
// the version's defaults.
type SeedInstance struct {
	AllowRunnerRegistrationToken         *bool     `json:"allow_runner_registration_token,omitempty" yaml:"allow_runner_registration_token,omitempty"`
	ValidRunnerRegistrars                *[]string `json:"valid_runner_registrars,omitempty" yaml:"valid_runner_registrars,omitempty"`
	RunnerTokenExpirationInterval        *int64    `json:"runner_token_expiration_interval,omitempty" yaml:"runner_token_expiration_interval,omitempty"`
	GroupRunnerTokenExpirationInterval   *int64    `json:"group_runner_token_expiration_interval,omitempty" yaml:"group_runner_token_expiration_interval,omitempty"`
	ProjectRunnerTokenExpirationInterval *int64    `json:"project_runner_token_expiration_interval,omitempty" yaml:"project_runner_token_expiration_interval,omitempty"`
	// RegistrationToken is the instance registration token (generated when empty).
	RegistrationToken string `json:"registration_token,omitempty" yaml:"registration_token,omitempty"`

	// RunnerControllersLicensed: the licence includes runner controllers
	// (GitLab Ultimate's ci_runner_controllers; default true). false makes
	// the runner controller API answer administrators 404, as GitLab does
	// without the licence; on versions without the API it changes nothing.
	RunnerControllersLicensed *bool `json:"runner_controllers_licensed,omitempty" yaml:"runner_controllers_licensed,omitempty"`
}

// SeedUser is a user and their personal access tokens.
type SeedUser struct {
	Username string            `json:"username" yaml:"username"`
	Admin    bool              `json:"admin,omitempty" yaml:"admin,omitempty"`
	Tokens   []SeedAccessToken `json:"tokens,omitempty" yaml:"tokens,omitempty"`
}

// SeedAccessToken is a personal access token; Token is generated
// (glpat-…) when empty, Scopes default to ["api"].
type SeedAccessToken struct {
	Token  string   `json:"token,omitempty" yaml:"token,omitempty"`
	Scopes []string `json:"scopes,omitempty" yaml:"scopes,omitempty"`
}

// SeedGroupSpec is a group or subgroup. Members maps usernames to roles
// (developer, maintainer, owner), inherited by subgroups and projects.
type SeedGroupSpec struct {
	ID   int64  `json:"id,omitempty" yaml:"id,omitempty"` // set by ApplySeed
	Path string `json:"path" yaml:"path"`                 // full path, e.g. "acme/platform"
	// AllowRunnerRegistrationToken is a top-level group's switch (default:
	// the version's).
	AllowRunnerRegistrationToken *bool             `json:"allow_runner_registration_token,omitempty" yaml:"allow_runner_registration_token,omitempty"`
	SharedRunnersSetting         string            `json:"shared_runners_setting,omitempty" yaml:"shared_runners_setting,omitempty"`
	RegistrationToken            string            `json:"registration_token,omitempty" yaml:"registration_token,omitempty"`
	Members                      map[string]string `json:"members,omitempty" yaml:"members,omitempty"`
}

// SeedProjectSpec is a project in a group.
type SeedProjectSpec struct {
	ID                int64             `json:"id,omitempty" yaml:"id,omitempty"` // set by ApplySeed
	Path              string            `json:"path" yaml:"path"`                 // group path + "/" + name
	RegistrationToken string            `json:"registration_token,omitempty" yaml:"registration_token,omitempty"`
	Members           map[string]string `json:"members,omitempty" yaml:"members,omitempty"`
}

// SeedRunner is a runner that exists already, created with the runner
// creation workflow (a glrt- token). Attributes are the runner attributes
// by GitLab's names (description, paused, locked, run_untagged, tag_list,
// access_level, maximum_timeout, maintenance_note); in a file they sit
// beside the other keys.
type SeedRunner struct {
	ID         int64          `json:"id,omitempty" yaml:"id,omitempty"` // set by ApplySeed
	RunnerType string         `json:"runner_type" yaml:"runner_type"`
	Group      string         `json:"group,omitempty" yaml:"group,omitempty"`       // group_type: the group's path
	Project    string         `json:"project,omitempty" yaml:"project,omitempty"`   // project_type: the owner project's path
	Projects   []string       `json:"projects,omitempty" yaml:"projects,omitempty"` // project_type: more projects it is assigned to
	Token      string         `json:"token,omitempty" yaml:"token,omitempty"`       // generated when empty
	Attributes map[string]any `json:"-" yaml:",inline"`
}

// MarshalJSON writes the attributes beside the other keys, as files have them.
func (r SeedRunner) MarshalJSON() ([]byte, error) {
	type plain SeedRunner
	b, err := json.Marshal(plain(r))
	if err != nil || len(r.Attributes) == 0 {
		return b, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	maps.Copy(m, r.Attributes)
	return json.Marshal(m)
}

// UserToken is the first token of a user ("" when there is none).
func (s *SeedSpec) UserToken(username string) string {
	for _, u := range s.Users {
		if u.Username == username && len(u.Tokens) > 0 {
			return u.Tokens[0].Token
		}
	}
	return ""
}

// GroupID is the id of the group with that full path (0 when unknown).
func (s *SeedSpec) GroupID(path string) int64 {
	for _, g := range s.Groups {
		if g.Path == path {
			return g.ID
		}
	}
	return 0
}

// ProjectID is the id of the project with that full path (0 when unknown).
func (s *SeedSpec) ProjectID(path string) int64 {
	for _, p := range s.Projects {
		if p.Path == path {
			return p.ID
		}
	}
	return 0
}

// SeedProblem is one thing wrong with a seed description: Field is where,
// as "users[1].tokens[0].scopes" (ParseSeedFile turns it into a line).
type SeedProblem struct {
	Field, Message string
}

// SeedError lists everything wrong with a seed description.
type SeedError struct {
	Problems []SeedProblem
	// line, when the description came from a file, maps a field to its line.
	file string
	line func(field string) int
}

func (e *SeedError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		where := p.Field
		if e.line != nil {
			if n := e.line(p.Field); n > 0 {
				where = fmt.Sprintf("%s:%d: %s", e.file, n, p.Field)
			}
		}
		msgs[i] = where + ": " + p.Message
	}
	return "seed: " + strings.Join(msgs, "\n  ")
}

var (
	seedVersionRe = regexp.MustCompile(`^\d+\.\d+(\.\d+)?(-[0-9A-Za-z.]+)?$`)
	seedRoles     = map[string]Role{"developer": Developer, "maintainer": Maintainer, "owner": Owner}
	seedScopes    = []string{ScopeAPI, ScopeReadAPI, ScopeCreateRunner, ScopeManageRunner}
)

// Validate checks a seed description without changing anything.
func (s *SeedSpec) Validate() error {
	var ps []SeedProblem
	add := func(field, format string, args ...any) {
		ps = append(ps, SeedProblem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if s.GitLabVersion != "" && !seedVersionRe.MatchString(s.GitLabVersion) {
		add("gitlab_version", "%q is not a GitLab version; use MAJOR.MINOR.PATCH with an optional suffix, e.g. 17.4.1-ee", s.GitLabVersion)
	}
	if in := s.Instance; in != nil {
		if in.ValidRunnerRegistrars != nil && !validRegistrars(*in.ValidRunnerRegistrars) {
			add("instance.valid_runner_registrars", "%v is not allowed; use a list of group and/or project (or [])", *in.ValidRunnerRegistrars)
		}
		for key, v := range map[string]*int64{"runner_token_expiration_interval": in.RunnerTokenExpirationInterval,
			"group_runner_token_expiration_interval": in.GroupRunnerTokenExpirationInterval, "project_runner_token_expiration_interval": in.ProjectRunnerTokenExpirationInterval} {
			if v != nil && (*v < 1 || *v > maxInt4) {
				add("instance."+key, "%d seconds is out of range; use 1 to %d, or leave it out for no expiry", *v, maxInt4)
			}
		}
	}
	users := map[string]bool{}
	tokens := map[string]string{}
	token := func(field, tok string) {
		if tok == "" {
			return
		}
		if strings.ContainsAny(tok, " \t\r\n") {
			add(field, "a token cannot contain white space")
		} else if other, dup := tokens[tok]; dup {
			add(field, "the same token is already given at %s", other)
		} else {
			tokens[tok] = field
		}
	}
	for i, u := range s.Users {
		f := fmt.Sprintf("users[%d]", i)
		switch {
		case u.Username == "":
			add(f+".username", "is missing")
		case users[u.Username]:
			add(f+".username", "%q is listed twice", u.Username)
		}
		users[u.Username] = true
		for j, t := range u.Tokens {
			tf := fmt.Sprintf("%s.tokens[%d]", f, j)
			token(tf+".token", t.Token)
			for _, sc := range t.Scopes {
				if !slices.Contains(seedScopes, sc) {
					add(tf+".scopes", "%q is not a scope the mock knows; use %s", sc, strings.Join(seedScopes, ", "))
				}
			}
		}
	}
	members := func(field string, m map[string]string) {
		for _, name := range slices.Sorted(maps.Keys(m)) {
			if !users[name] {
				add(field+"."+name, "no user %q is listed under users", name)
			}
			if _, ok := seedRoles[m[name]]; !ok {
				add(field+"."+name, "role %q is not one of developer, maintainer, owner", m[name])
			}
		}
	}
	groups := map[string]bool{}
	for _, g := range s.Groups {
		groups[g.Path] = true
	}
	seen := map[string]bool{}
	for i, g := range s.Groups {
		f := fmt.Sprintf("groups[%d]", i)
		if g.ID != 0 {
			add(f+".id", "ids are given by the mock; leave id out")
		}
		parent, _, nested := cutLast(g.Path)
		switch {
		case !validPath(g.Path):
			add(f+".path", "%q is not a group path such as acme or acme/platform", g.Path)
		case seen[g.Path]:
			add(f+".path", "%q is listed twice", g.Path)
		case nested && !groups[parent]:
			add(f+".path", "the parent group %q is not listed", parent)
		}
		seen[g.Path] = true
		if nested && g.AllowRunnerRegistrationToken != nil {
			add(f+".allow_runner_registration_token", "only top-level groups have the switch (GitLab applies the top-level group's to its subgroups)")
		}
		if g.SharedRunnersSetting != "" && !slices.Contains(SharedRunnersSettings, g.SharedRunnersSetting) {
			add(f+".shared_runners_setting", "%q is not one of %s", g.SharedRunnersSetting, strings.Join(SharedRunnersSettings, ", "))
		}
		token(f+".registration_token", g.RegistrationToken)
		members(f+".members", g.Members)
	}
	projects := map[string]bool{}
	for i, p := range s.Projects {
		f := fmt.Sprintf("projects[%d]", i)
		if p.ID != 0 {
			add(f+".id", "ids are given by the mock; leave id out")
		}
		group, _, nested := cutLast(p.Path)
		switch {
		case !validPath(p.Path) || !nested:
			add(f+".path", "%q is not a project path such as acme/app (group path, then the project's)", p.Path)
		case !groups[group]:
			add(f+".path", "the group %q is not listed under groups", group)
		case projects[p.Path]:
			add(f+".path", "%q is listed twice", p.Path)
		}
		projects[p.Path] = true
		token(f+".registration_token", p.RegistrationToken)
		members(f+".members", p.Members)
	}
	for i, r := range s.Runners {
		f := fmt.Sprintf("runners[%d]", i)
		if r.ID != 0 {
			add(f+".id", "ids are given by the mock; leave id out")
		}
		switch r.RunnerType {
		case RunnerTypeInstance:
			if r.Group != "" || r.Project != "" || len(r.Projects) > 0 {
				add(f, "an instance_type runner has no group, project or projects")
			}
		case RunnerTypeGroup:
			if !groups[r.Group] {
				add(f+".group", "%q is not listed under groups (a group_type runner needs its group's path)", r.Group)
			}
			if r.Project != "" || len(r.Projects) > 0 {
				add(f, "a group_type runner has no project or projects")
			}
		case RunnerTypeProject:
			if !projects[r.Project] {
				add(f+".project", "%q is not listed under projects (a project_type runner needs its owner project's path)", r.Project)
			}
			for j, p := range r.Projects {
				if !projects[p] || p == r.Project {
					add(fmt.Sprintf("%s.projects[%d]", f, j), "%q is not another project listed under projects", p)
				}
			}
			if r.Group != "" {
				add(f+".group", "a project_type runner has no group")
			}
		default:
			add(f+".runner_type", "%q is not one of instance_type, group_type, project_type", r.RunnerType)
		}
		token(f+".token", r.Token)
		if _, errs := seedRunnerAttributes(r.Attributes); len(errs) > 0 {
			for _, e := range errs {
				add(f+"."+e.Attribute, "%s", e.Message)
			}
		}
	}
	if ps != nil {
		return &SeedError{Problems: ps}
	}
	return nil
}

// seedRunnerAttributes reads runner attributes by name through the runner
// attribute table, and validates them as GitLab's model does.
func seedRunnerAttributes(values map[string]any) (RunnerAttributes, []FieldError) {
	a := defaultRunnerAttributes()
	var errs []FieldError
	byName := map[string]*RunnerAttribute{}
	for i := range runnerAttributeTable {
		attr := &runnerAttributeTable[i]
		if !attr.Negated {
			byName[attr.Name] = attr
		}
	}
	var ch RunnerChanges
	for _, name := range slices.Sorted(maps.Keys(values)) {
		attr, ok := byName[name]
		if !ok {
			errs = append(errs, FieldError{Attribute: name, Message: "is not a runner attribute (" + strings.Join(slices.Sorted(maps.Keys(byName)), ", ") + ")"})
			continue
		}
		v := values[name]
		bad := FieldError{Attribute: name, Message: fmt.Sprintf("%v is not a valid %s", v, map[AttributeKind]string{
			StringKind: "string", BoolKind: "boolean", IntegerKind: "whole number", StringListKind: "list of strings"}[attr.Kind])}
		switch attr.Kind {
		case StringKind:
			s, ok := v.(string)
			if !ok || (attr.Values != nil && !slices.Contains(attr.Values, s)) {
				if ok {
					bad.Message = fmt.Sprintf("%q is not one of %s", s, strings.Join(attr.Values, ", "))
				}
				errs = append(errs, bad)
				continue
			}
			ch.SetString(attr, s)
		case BoolKind:
			b, ok := v.(bool)
			if !ok {
				errs = append(errs, bad)
				continue
			}
			ch.SetBool(attr, b)
		case IntegerKind:
			n, ok := wholeNumber(v)
			if !ok && v != nil {
				errs = append(errs, bad)
				continue
			}
			if v == nil {
				ch.SetInteger(attr, nil)
			} else {
				ch.SetInteger(attr, &n)
			}
		case StringListKind:
			l, ok := stringList(v)
			if !ok {
				errs = append(errs, bad)
				continue
			}
			ch.SetStringList(attr, l)
		}
	}
	ch.apply(&a)
	errs = append(errs, (&RunnerRecord{RunnerAttributes: a}).validate()...)
	return a, errs
}

func wholeNumber(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case uint64:
		return int64(n), n <= 1<<63-1
	case float64:
		return int64(n), n == float64(int64(n))
	}
	return 0, false
}

func stringList(v any) ([]string, bool) {
	switch l := v.(type) {
	case []string:
		return l, true
	case []any:
		out := make([]string, 0, len(l))
		for _, e := range l {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

var pathSegmentRe = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

func validPath(p string) bool {
	if p == "" {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if !pathSegmentRe.MatchString(seg) {
			return false
		}
	}
	return true
}

// cutLast splits "a/b/c" into "a/b" and "c"; nested is false for "a".
func cutLast(p string) (parent, name string, nested bool) {
	i := strings.LastIndex(p, "/")
	if i < 0 {
		return "", p, false
	}
	return p[:i], p[i+1:], true
}

// ApplySeed replaces the store's content with the organisation spec
// describes and returns spec completed with ids and generated tokens. An
// invalid spec (a *SeedError) changes nothing.
func (st *Store) ApplySeed(spec SeedSpec) (SeedSpec, error) {
	if err := spec.Validate(); err != nil {
		return SeedSpec{}, err
	}
	out := cloneSeedSpec(spec)
	st.mu.Lock()
	version := st.version.Raw
	st.resetLocked()
	st.mu.Unlock()
	if out.GitLabVersion != "" {
		version = out.GitLabVersion
	}
	st.SetVersion(version)
	out.GitLabVersion = st.Version().Raw

	st.UpdateSettings(func(s *Settings) {
		s.AllowRunnerRegistrationToken = st.version.RegistrationDefault()
		in := out.Instance
		if in == nil {
			return
		}
		if in.AllowRunnerRegistrationToken != nil {
			s.AllowRunnerRegistrationToken = *in.AllowRunnerRegistrationToken
		}
		if in.ValidRunnerRegistrars != nil {
			s.ValidRunnerRegistrars = append([]string{}, *in.ValidRunnerRegistrars...)
		}
		s.RunnerTokenExpirationInterval = clonePtr(in.RunnerTokenExpirationInterval)
		s.GroupRunnerTokenExpirationInterval = clonePtr(in.GroupRunnerTokenExpirationInterval)
		s.ProjectRunnerTokenExpirationInterval = clonePtr(in.ProjectRunnerTokenExpirationInterval)
		if in.RegistrationToken != "" {
			s.RegistrationToken = in.RegistrationToken
		}
	})
	if in := out.Instance; in != nil && in.RunnerControllersLicensed != nil {
		st.SetRunnerControllersLicensed(*in.RunnerControllersLicensed)
	}
	if out.Instance == nil {
		out.Instance = &SeedInstance{}
	}
	out.Instance.RegistrationToken = st.Settings().RegistrationToken

	userIDs := map[string]int64{}
	for i := range out.Users {
		u := &out.Users[i]
		id := st.CreateUser(u.Username, u.Admin)
		userIDs[u.Username] = id
		for j := range u.Tokens {
			t := &u.Tokens[j]
			if len(t.Scopes) == 0 {
				t.Scopes = []string{ScopeAPI}
			}
			if t.Token == "" {
				t.Token = personalAccessToken()
			}
			st.mu.Lock()
			st.tokens[t.Token] = &tokenRecord{Token: t.Token, UserID: id, Scopes: append([]string(nil), t.Scopes...)}
			st.mu.Unlock()
		}
	}
	// Parents before children, whatever the order in the description.
	order := make([]int, len(out.Groups))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return strings.Count(out.Groups[order[a]].Path, "/") < strings.Count(out.Groups[order[b]].Path, "/")
	})
	groupIDs := map[string]int64{}
	for _, i := range order {
		g := &out.Groups[i]
		parent, name, _ := cutLast(g.Path)
		g.ID = st.CreateGroup(name, groupIDs[parent])
		groupIDs[g.Path] = g.ID
		st.mu.Lock()
		rec := st.groups[g.ID]
		seedNamespace(&rec.RegistrationToken, &g.RegistrationToken, rec.Members, g.Members, userIDs)
		if g.AllowRunnerRegistrationToken != nil {
			rec.AllowRegistration, rec.AllowRegistrationSet = *g.AllowRunnerRegistrationToken, true
		}
		rec.SharedRunnersSetting = g.SharedRunnersSetting
		st.mu.Unlock()
	}
	projectIDs := map[string]int64{}
	for i := range out.Projects {
		p := &out.Projects[i]
		group, name, _ := cutLast(p.Path)
		p.ID = st.CreateProject(name, groupIDs[group])
		projectIDs[p.Path] = p.ID
		st.mu.Lock()
		rec := st.projects[p.ID]
		seedNamespace(&rec.RegistrationToken, &p.RegistrationToken, rec.Members, p.Members, userIDs)
		st.mu.Unlock()
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	for i := range out.Runners {
		sr := &out.Runners[i]
		attrs, _ := seedRunnerAttributes(sr.Attributes) // validated above
		r := newRunnerRecord(sr.RunnerType)
		r.RunnerAttributes = attrs
		switch sr.RunnerType {
		case RunnerTypeGroup:
			r.GroupID = groupIDs[sr.Group]
		case RunnerTypeProject:
			r.ProjectIDs = []int64{projectIDs[sr.Project]}
			for _, p := range sr.Projects {
				r.ProjectIDs = append(r.ProjectIDs, projectIDs[p])
			}
		}
		r.CreatedAt = now
		r.Token = sr.Token
		if r.Token == "" {
			r.Token = authenticationToken(st.version, r.RunnerType)
		}
		r.TokenExpiresAt = st.tokenExpiry(r.RunnerType, now)
		st.insertRunnerLocked(r)
		sr.ID, sr.Token = r.ID, r.Token
	}
	applied := cloneSeedSpec(out)
	st.seedSpec = &applied
	return out, nil
}

// seedNamespace gives a group or project the registration token a
// description names (or reports the generated one back) and its members.
func seedNamespace(token, described *string, members map[int64]Role, roles map[string]string, userIDs map[string]int64) {
	if *described != "" {
		*token = *described
	}
	*described = *token
	for name, role := range roles {
		members[userIDs[name]] = seedRoles[role]
	}
}

// AppliedSeed is the description ApplySeed completed, or nil when the
// store holds the standard fixture (or nothing).
func (st *Store) AppliedSeed() *SeedSpec {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.seedSpec == nil {
		return nil
	}
	s := cloneSeedSpec(*st.seedSpec)
	return &s
}

// cloneSeedSpec copies a description deeply (through JSON: it is small).
func cloneSeedSpec(s SeedSpec) SeedSpec {
	b, err := json.Marshal(s)
	if err != nil {
		panic("store: seed description does not encode: " + err.Error())
	}
	var c SeedSpec
	if err := json.Unmarshal(b, &c); err != nil {
		panic("store: seed description does not decode: " + err.Error())
	}
	return c
}

// UnmarshalJSON reads the attributes from beside the other keys.
func (r *SeedRunner) UnmarshalJSON(b []byte) error {
	type plain SeedRunner
	if err := json.Unmarshal(b, (*plain)(r)); err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for _, k := range []string{"id", "runner_type", "group", "project", "projects", "token"} {
		delete(m, k)
	}
	r.Attributes = nil
	if len(m) > 0 {
		r.Attributes = m
	}
	return nil
}
