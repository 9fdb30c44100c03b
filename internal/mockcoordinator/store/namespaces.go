package store

import (
	"net/url"
	"strconv"
	"strings"
)

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

// findGroupLocked resolves a numeric id or URL-encoded full path.
func (st *Store) findGroupLocked(ref string) *groupRecord {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return st.groups[id]
	}
	path, err := url.PathUnescape(ref)
	if err != nil {
		return nil
	}
	for _, g := range st.groups {
		if st.groupFullPath(g) == path {
			return g
		}
	}
	return nil
}

// findProjectLocked resolves a numeric id or URL-encoded full path.
func (st *Store) findProjectLocked(ref string) *projectRecord {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return st.projects[id]
	}
	path, err := url.PathUnescape(ref)
	if err != nil {
		return nil
	}
	for _, p := range st.projects {
		if st.projectFullPath(p) == path {
			return p
		}
	}
	return nil
}

func (st *Store) groupRef(g *groupRecord) GroupRef {
	return GroupRef{ID: g.ID, ParentID: g.ParentID, Name: g.Name, Path: g.Path, FullPath: st.groupFullPath(g)}
}

func (st *Store) projectRef(p *projectRecord) ProjectRef {
	return ProjectRef{ID: p.ID, Name: p.Name, Path: p.Path, FullName: st.projectFullName(p), FullPath: st.projectFullPath(p)}
}
