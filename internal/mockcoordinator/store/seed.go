package store

// Seed describes the standard fixture created by SeedDefaults. It is also
// what `mock-coordinator --print-json` prints (plus base_url and ca_file).
type Seed struct {
	AdminToken                string      `json:"admin_token"`                 // root, admin, api scope
	InstanceRegistrationToken string      `json:"instance_registration_token"` // no prefix
	Group                     SeedGroup   `json:"group"`                       // top-level group "demo"
	Subgroup                  SeedGroup   `json:"subgroup"`                    // "demo/platform"
	Project                   SeedProject `json:"project"`                     // "demo/platform/app"
	ReadAPIToken              string      `json:"read_api_token"`              // group owner's token, read_api only
	NonAdminToken             string      `json:"non_admin_token"`             // plain user, api scope, no memberships
	// Projects lists every seeded project: Project first, then
	// "demo/platform/web" (a second project in the same group, to share
	// project runners with).
	Projects []SeedProject `json:"projects"`
}

// SeedGroup describes a seeded group. The tokens (api scope) belong to users
// with that role in the group; for the subgroup they are the top-level
// group's members, whose roles are inherited.
type SeedGroup struct {
	ID                int64  `json:"id"`
	FullPath          string `json:"full_path"`
	RegistrationToken string `json:"registration_token"`
	OwnerToken        string `json:"owner_token"`
	MaintainerToken   string `json:"maintainer_token"`
	DeveloperToken    string `json:"developer_token"`
}

// SeedProject describes a seeded project; its maintainer and developer are
// direct members of that project only (the group's members have their roles
// in every project through the group).
type SeedProject struct {
	ID                int64  `json:"id"`
	PathWithNamespace string `json:"path_with_namespace"`
	RegistrationToken string `json:"registration_token"`
	MaintainerToken   string `json:"maintainer_token"`
	DeveloperToken    string `json:"developer_token"`
}

// SeedDefaults creates the standard fixture once and returns its
// description; later calls return the same Seed without creating anything.
func (st *Store) SeedDefaults() Seed {
	st.mu.RLock()
	if st.seeded {
		s := st.seed
		st.mu.RUnlock()
		return s
	}
	st.mu.RUnlock()

	root := st.CreateUser("root", true)
	owner := st.CreateUser("demo-owner", false)
	maint := st.CreateUser("demo-maintainer", false)
	dev := st.CreateUser("demo-developer", false)
	appMaint := st.CreateUser("app-maintainer", false)
	appDev := st.CreateUser("app-developer", false)
	plain := st.CreateUser("plain-user", false)
	webMaint := st.CreateUser("web-maintainer", false)
	webDev := st.CreateUser("web-developer", false)

	demo := st.CreateGroup("demo", 0)
	platform := st.CreateGroup("platform", demo)
	app := st.CreateProject("app", platform)
	web := st.CreateProject("web", platform)
	st.AddGroupMember(demo, owner, Owner)
	st.AddGroupMember(demo, maint, Maintainer)
	st.AddGroupMember(demo, dev, Developer)
	st.AddProjectMember(app, appMaint, Maintainer)
	st.AddProjectMember(app, appDev, Developer)
	st.AddProjectMember(web, webMaint, Maintainer)
	st.AddProjectMember(web, webDev, Developer)

	ownerTok := st.CreatePersonalAccessToken(owner, ScopeAPI)
	maintTok := st.CreatePersonalAccessToken(maint, ScopeAPI)
	devTok := st.CreatePersonalAccessToken(dev, ScopeAPI)

	s := Seed{
		AdminToken:    st.CreatePersonalAccessToken(root, ScopeAPI),
		ReadAPIToken:  st.CreatePersonalAccessToken(owner, ScopeReadAPI),
		NonAdminToken: st.CreatePersonalAccessToken(plain, ScopeAPI),
		Project: SeedProject{
			ID:              app,
			MaintainerToken: st.CreatePersonalAccessToken(appMaint, ScopeAPI),
			DeveloperToken:  st.CreatePersonalAccessToken(appDev, ScopeAPI),
		},
	}
	second := SeedProject{
		ID:              web,
		MaintainerToken: st.CreatePersonalAccessToken(webMaint, ScopeAPI),
		DeveloperToken:  st.CreatePersonalAccessToken(webDev, ScopeAPI),
	}

	st.mu.Lock()
	defer st.mu.Unlock()
	s.InstanceRegistrationToken = st.settings.RegistrationToken
	for _, x := range []struct {
		sg *SeedGroup
		id int64
	}{{&s.Group, demo}, {&s.Subgroup, platform}} {
		g := st.groups[x.id]
		*x.sg = SeedGroup{ID: g.ID, FullPath: st.groupFullPath(g), RegistrationToken: g.RegistrationToken,
			OwnerToken: ownerTok, MaintainerToken: maintTok, DeveloperToken: devTok}
	}
	for _, sp := range []*SeedProject{&s.Project, &second} {
		p := st.projects[sp.ID]
		sp.PathWithNamespace = st.projectFullPath(p)
		sp.RegistrationToken = p.RegistrationToken
	}
	s.Projects = []SeedProject{s.Project, second}
	st.seed, st.seeded = s, true
	return s
}

// Seed returns the fixture created by SeedDefaults (zero Seed before).
func (st *Store) Seed() Seed {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.seed
}
