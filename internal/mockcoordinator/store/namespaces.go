package store

import "strings"

// Names and paths of groups and projects. Callers hold st.mu.

func (st *Store) groupFullPath(g *groupRecord) string {
	parts := []string{g.Path}
	for p := st.groups[g.ParentID]; p != nil; p = st.groups[p.ParentID] {
		parts = append(parts, p.Path)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

func (st *Store) groupFullName(g *groupRecord) string {
	parts := []string{g.Name}
	for p := st.groups[g.ParentID]; p != nil; p = st.groups[p.ParentID] {
		parts = append(parts, p.Name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, " / ")
}

func (st *Store) projectFullPath(p *projectRecord) string {
	if g := st.groups[p.GroupID]; g != nil {
		return st.groupFullPath(g) + "/" + p.Path
	}
	return p.Path
}

func (st *Store) projectFullName(p *projectRecord) string {
	if g := st.groups[p.GroupID]; g != nil {
		return st.groupFullName(g) + " / " + p.Name
	}
	return p.Name
}

// NamespaceID identifies a group or project as the :id of GitLab's API
// does: by numeric ID, or by FullPath ("demo/platform") when that is set.
type NamespaceID struct {
	ID       int64
	FullPath string
}

// findGroupLocked resolves a group; nil when there is none.
func (st *Store) findGroupLocked(ref NamespaceID) *groupRecord {
	if ref.FullPath == "" {
		return st.groups[ref.ID]
	}
	for _, g := range st.groups {
		if st.groupFullPath(g) == ref.FullPath {
			return g
		}
	}
	return nil
}

// findProjectLocked resolves a project; nil when there is none.
func (st *Store) findProjectLocked(ref NamespaceID) *projectRecord {
	if ref.FullPath == "" {
		return st.projects[ref.ID]
	}
	for _, p := range st.projects {
		if st.projectFullPath(p) == ref.FullPath {
			return p
		}
	}
	return nil
}

func (st *Store) groupSummary(g *groupRecord) GroupSummary {
	return GroupSummary{ID: g.ID, ParentID: g.ParentID, Name: g.Name, Path: g.Path, FullPath: st.groupFullPath(g)}
}

func (st *Store) projectSummary(p *projectRecord) ProjectSummary {
	return ProjectSummary{ID: p.ID, Name: p.Name, Path: p.Path, FullName: st.projectFullName(p), FullPath: st.projectFullPath(p)}
}
