package mockcoordinator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// DefaultStateFlushDelay is how long after a mutating request the state file
// is rewritten (several changes within the delay give one write).
const DefaultStateFlushDelay = time.Second

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
	data, err := s.store.Snapshot()
	if err != nil {
		return fmt.Errorf("state file %s: snapshot: %w", s.opts.StateFile, err)
	}
	// The state holds tokens: readable by the owner only.
	if err := writeFileAtomic(s.opts.StateFile, data, 0o600); err != nil {
		return fmt.Errorf("state file %s: %w", s.opts.StateFile, err)
	}
	return nil
}

// markDirty schedules a state flush after the flush delay, unless one is
// already pending. No timer runs while the server is idle.
func (s *Server) markDirty() {
	if s.opts.StateFile == "" {
		return
	}
	s.dirtyMu.Lock()
	defer s.dirtyMu.Unlock()
	if s.flushTimer != nil || s.closed {
		return
	}
	s.flushTimer = time.AfterFunc(s.flushDelay(), func() {
		s.dirtyMu.Lock()
		s.flushTimer = nil
		s.dirtyMu.Unlock()
		if err := s.FlushState(); err != nil {
			s.logf("mock-coordinator: %v", err)
		}
	})
}

func (s *Server) flushDelay() time.Duration {
	if s.opts.StateFlushDelay > 0 {
		return s.opts.StateFlushDelay
	}
	return DefaultStateFlushDelay
}
