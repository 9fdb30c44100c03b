package userrunner

// The local journal of creates: proof, on this machine, that the process
// that sent a create is gone, so that what it left can be adopted (or
// deleted) at once instead of after its marker's life.
//
// Each provider process that creates runners appends to its own journal file
// (one JSON event a line) and holds an exclusive flock on it for as long as
// it lives; the kernel releases the lock when the process ends, however it
// ends. Events:
//
//   - sent: before each POST /user/runners, the create's marker (nonce, t,
//     life), scope and the fingerprint of the marker key;
//   - created: the runner id a POST answered (before the PUT that removes the
//     marker: an entry with an id also names a runner whose marker is gone);
//   - handed: the create returned that runner to Terraform (or, in a journal
//     taken over, it was adopted or deleted);
//   - void: the create made nothing (GitLab refused it).
//
// A journal file whose lock can be taken belongs to a process that has
// ended: its creates that were sent and never handed are unfinished. An
// apply that acts on its entries takes the file over (keeps its lock for its
// own life), so that two applies on this machine never act on the same
// entries; a plan or refresh only reads it. The directory is $GITLABRUNNER_CREATE_JOURNAL_DIR, else
// terraform-provider-gitlabrunner/creates in the user's cache directory.
// Without flock (Windows) or a usable directory there is no journal: only
// the age of a marker proves a create abandoned.

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// JournalDirEnv overrides the journal's directory.
const JournalDirEnv = "GITLABRUNNER_CREATE_JOURNAL_DIR"

// journalRetention is how long an entry of a journal is kept at most.
const journalRetention = 7 * 24 * time.Hour

const journalSuffix = ".jsonl"

// journalEvent is one line of a journal file.
type journalEvent struct {
	Ev     string `json:"ev"`               // sent, created, handed, void
	Nonce  string `json:"nonce"`            // the create's marker nonce
	Key    string `json:"key,omitempty"`    // sent: fingerprint of the marker key
	Scope  string `json:"scope,omitempty"`  // sent: the runner's scope
	Marker string `json:"marker,omitempty"` // sent: the marker as written
	At     int64  `json:"at,omitempty"`     // sent: this machine's time, unix seconds
	ID     int64  `json:"id,omitempty"`     // created, handed
}

// journalEntry is one create as a journal tells it.
type journalEntry struct {
	file    *journalFile
	nonce   string
	key     string
	scope   string
	marker  creationMarker
	at      time.Time
	created []int64
	handed  map[int64]bool
	void    bool
}

// unfinished reports whether id (0: any runner carrying the marker) may be a
// runner of this create that nobody holds.
func (e *journalEntry) unfinished(id int64) bool { return !e.void && !e.handed[id] }

// journalFile is one journal file this process holds (locked).
type journalFile struct {
	path    string
	f       *os.File
	entries map[string]*journalEntry // by nonce
}

// append writes one event; the file is opened for appending.
func (jf *journalFile) append(ev journalEvent) error {
	line, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = jf.f.Write(append(line, '\n'))
	return err
}

// journal is a provider process's (configured provider's) view of the
// journal directory.
type journal struct {
	dir string
	err error // why there is no journal

	mu    sync.Mutex
	own   *journalFile
	taken map[string]*journalFile // dead journals taken over, by path
}

// newJournal finds the journal directory; a journal that cannot be kept
// (no flock here, no cache directory) records why in err.
func newJournal() *journal {
	j := &journal{taken: map[string]*journalFile{}}
	switch dir := os.Getenv(JournalDirEnv); {
	case !journalSupported:
		j.err = errors.New("file locks are not supported on this system")
	case dir != "":
		j.dir = dir
	default:
		cache, err := os.UserCacheDir()
		if err != nil {
			j.err = fmt.Errorf("no cache directory: %w", err)
			break
		}
		j.dir = filepath.Join(cache, "terraform-provider-gitlabrunner", "creates")
	}
	return j
}

// keyFingerprint names a marker key in journals without revealing it.
func keyFingerprint(key []byte) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("journal"))
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// record appends ev to this process's own journal, creating and locking it
// on first use. A journal that cannot be written is logged, not fatal: the
// create goes on, and only the marker's age can later prove it abandoned.
func (j *journal) record(ctx context.Context, ev journalEvent) {
	if j.err != nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.own == nil {
		own, err := j.openOwn()
		if err != nil {
			j.err = err
			tflog.Warn(ctx, "cannot keep the journal of creates; an interrupted create is recognised only once its marker has expired",
				map[string]any{"dir": j.dir, "error": err.Error()})
			return
		}
		j.own = own
	}
	if err := j.own.append(ev); err != nil {
		tflog.Warn(ctx, "cannot write the journal of creates", map[string]any{"path": j.own.path, "error": err.Error()})
	}
}

// openOwn creates this process's journal file and locks it.
func (j *journal) openOwn() (*journalFile, error) {
	if err := os.MkdirAll(j.dir, 0o700); err != nil {
		return nil, err
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	path := filepath.Join(j.dir, fmt.Sprintf("%d-%s%s", os.Getpid(), hex.EncodeToString(b), journalSuffix))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	if locked, err := tryLock(f); err != nil || !locked {
		_ = f.Close()
		return nil, fmt.Errorf("locking %s: %v", path, err)
	}
	return &journalFile{path: path, f: f}, nil
}

// journalView is what a look at the journal directory found.
type journalView struct {
	// dead are the entries of journals whose process has ended.
	dead []*journalEntry
	// live are the nonces of creates of processes still running (this one
	// included): their runners are never anyone's to take.
	live map[string]bool
}

// look reads the journals of the directory without holding any: a plan
// only reads, and an apply takes over (take) the journals whose entries it
// acts on. A journal of an ended process that holds nothing more (resolved)
// is removed.
func (j *journal) look(ctx context.Context, now time.Time) journalView {
	view := journalView{live: map[string]bool{}}
	if j.err != nil {
		return view
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	names, err := os.ReadDir(j.dir)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			tflog.Warn(ctx, "cannot read the journal of creates", map[string]any{"dir": j.dir, "error": err.Error()})
		}
		return view
	}
	for _, name := range names {
		path := filepath.Join(j.dir, name.Name())
		if !strings.HasSuffix(path, journalSuffix) || j.own != nil && path == j.own.path {
			continue
		}
		if jf := j.taken[path]; jf != nil {
			view.dead = append(view.dead, jf.open()...)
			continue
		}
		jf, locked, err := openJournal(path)
		if err != nil {
			tflog.Warn(ctx, "cannot read a journal of creates", map[string]any{"path": path, "error": err.Error()})
			continue
		}
		if jf == nil {
			continue // removed meanwhile
		}
		if locked && jf.resolved(now) {
			_ = os.Remove(path) // under its lock: nobody else reads it now
		}
		_ = jf.f.Close() // releases the lock: this only reads
		if !locked {     // its process is running
			for nonce, e := range jf.entries {
				if !e.void {
					view.live[nonce] = true
				}
			}
			continue
		}
		view.dead = append(view.dead, jf.open()...)
	}
	if j.own != nil {
		for nonce := range readJournal(j.own.path, nil) {
			view.live[nonce] = true
		}
	}
	return view
}

// openJournal opens a journal file of another process and tries its lock:
// locked false when its process is running. nil when the file is gone.
func openJournal(path string) (jf *journalFile, locked bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, false, nil
		}
		return nil, false, err
	}
	if locked, err = tryLock(f); err != nil {
		_ = f.Close()
		return nil, false, err
	}
	jf = &journalFile{path: path, f: f}
	jf.entries = readJournal(path, jf)
	return jf, locked, nil
}

// take takes over the dead journal of e, read again: this process holds
// its lock from now on, so that no other process on this machine acts on
// its entries. It returns the entry as the journal tells it now, or nil when
// the journal's process runs (another apply took it over meanwhile) or the
// journal is gone.
func (j *journal) take(ctx context.Context, e *journalEntry) *journalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	jf := j.taken[e.file.path]
	if jf == nil {
		var locked bool
		var err error
		jf, locked, err = openJournal(e.file.path)
		if err != nil || jf == nil || !locked {
			if jf != nil {
				_ = jf.f.Close()
			}
			if err != nil {
				tflog.Warn(ctx, "cannot take over a journal of creates", map[string]any{"path": e.file.path, "error": err.Error()})
			}
			return nil
		}
		j.taken[jf.path] = jf
	}
	return jf.entries[e.nonce]
}

// open are the entries of a dead journal that may still matter.
func (jf *journalFile) open() []*journalEntry {
	var out []*journalEntry
	for _, e := range jf.entries {
		if !e.void {
			out = append(out, e)
		}
	}
	return out
}

// readJournal parses a journal file; lines it cannot read are skipped.
func readJournal(path string, jf *journalFile) map[string]*journalEntry {
	entries := map[string]*journalEntry{}
	f, err := os.Open(path)
	if err != nil {
		return entries
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var ev journalEvent
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Nonce == "" {
			continue
		}
		e := entries[ev.Nonce]
		if ev.Ev == "sent" {
			_, m, ok := parseMarkedDescription(ev.Marker)
			if !ok || m.Nonce != ev.Nonce {
				continue
			}
			e = &journalEntry{file: jf, nonce: ev.Nonce, key: ev.Key, scope: ev.Scope, marker: m,
				at: time.Unix(ev.At, 0).UTC(), handed: map[int64]bool{}}
			entries[ev.Nonce] = e
			continue
		}
		if e == nil {
			continue
		}
		switch ev.Ev {
		case "created":
			e.created = append(e.created, ev.ID)
		case "handed":
			e.handed[ev.ID] = true
		case "void":
			e.void = true
		}
	}
	return entries
}

// settle records in the taken-over journal of e that runner id needs
// nothing more (adopted, deleted or gone), or with id 0 that the create made
// nothing that can still appear. A journal this process does not hold is
// not written.
func (j *journal) settle(ctx context.Context, e *journalEntry, id int64) {
	if e == nil || e.file == nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	jf := j.taken[e.file.path]
	if jf == nil || jf.entries[e.nonce] != e {
		return
	}
	ev := journalEvent{Ev: "handed", Nonce: e.nonce, ID: id}
	if id == 0 {
		ev.Ev, e.void = "void", true
	} else {
		e.handed[id] = true
	}
	if err := jf.append(ev); err != nil {
		tflog.Warn(ctx, "cannot write a journal of creates", map[string]any{"path": jf.path, "error": err.Error()})
	}
}

// tidy removes the taken-over journals that hold nothing more: every entry
// void, handed, or older than journalRetention.
func (j *journal) tidy(now time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for path, jf := range j.taken {
		if jf.resolved(now) {
			_ = os.Remove(path)
			_ = jf.f.Close()
			delete(j.taken, path)
		}
	}
}

// resolved reports whether every entry of the journal is void, settled, or
// older than journalRetention.
func (jf *journalFile) resolved(now time.Time) bool {
	for _, e := range jf.entries {
		if now.Sub(e.at) < journalRetention && !e.void && !e.settled(now) {
			return false
		}
	}
	return true
}

// settled reports whether nothing of the entry can still need anything: it
// got runners, all of them handed, and no late POST can still land (its
// marker's life, on this machine's clock, is over). An entry without a
// runner is settled by the scan of its scope (void) or by its retention.
func (e *journalEntry) settled(now time.Time) bool {
	for _, id := range e.created {
		if !e.handed[id] {
			return false
		}
	}
	return len(e.created) > 0 && now.After(e.at.Add(e.marker.Life))
}
