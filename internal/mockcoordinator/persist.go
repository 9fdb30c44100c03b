package mockcoordinator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// Persistence with --state: a request that may change the store is answered
// only once the state file holds its effect (written atomically and
// fsynced). So whatever kills the mock — SIGKILL included — every answer a
// client received is in the file, and an id a client has seen is never
// handed out again after a restart. Concurrent requests share one write
// (group commit): a write covers every change made before it started.
//
// What a kill can lose: a change whose answer had not been sent yet. Its
// client got no answer (a dropped connection), exactly as if GitLab had
// failed before committing; ids it took are handed out again, but nobody
// has seen them. Changes made outside HTTP (Store methods called by tests)
// are written by the next request's write and by Close.

// loadState restores st from path. It reports false when the file does not
// exist (the caller seeds a fresh store instead).
func loadState(st *store.Store, path string) (bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("state file %s: %w", path, err)
	}
	if err := st.Restore(data); err != nil {
		return false, fmt.Errorf("state file %s: cannot restore it (delete it to start from the default seed): %w", path, err)
	}
	return true, nil
}

// writeFileAtomic writes data to path so that readers see the old or the new
// content, never a mix: temp file in the same directory, fsync, rename, then
// fsync of the directory so the rename survives a crash.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	cleanup := func() { _ = os.Remove(tmpName) }
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close() // err is what matters: the temp file is removed
		cleanup()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		_ = tmp.Close() // err is what matters: the temp file is removed
		cleanup()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close() // err is what matters: the temp file is removed
		cleanup()
		return err
	}
	if err := tmp.Close(); err != nil {
		cleanup()
		return err
	}
	if err := os.Rename(tmpName, path); err != nil {
		cleanup()
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()  // best effort: not every filesystem supports it
		_ = d.Close() // read-only directory handle
	}
	return nil
}

// FlushState writes the store to Options.StateFile now (no-op without one).
func (s *Server) FlushState() error {
	if s.opts.StateFile == "" {
		return nil
	}
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	return s.writeStateLocked(s.changes.Load())
}

// persist makes every change counted so far durable before the caller
// answers its request. If another write started after the caller's change,
// that one covers it and persist only waits for it.
func (s *Server) persist() error {
	target := s.changes.Load()
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	if s.flushed >= target {
		return nil
	}
	return s.writeStateLocked(s.changes.Load())
}

// writeStateLocked writes the snapshot, which holds at least the changes
// counted up to seq. flushMu is held.
func (s *Server) writeStateLocked(seq int64) error {
	data, err := s.store.Snapshot()
	if err != nil {
		return fmt.Errorf("state file %s: snapshot: %w", s.opts.StateFile, err)
	}
	// The state holds tokens: readable by the owner only.
	if err := writeFileAtomic(s.opts.StateFile, data, 0o600); err != nil {
		return fmt.Errorf("state file %s: %w", s.opts.StateFile, err)
	}
	s.flushed = max(s.flushed, seq)
	return nil
}
