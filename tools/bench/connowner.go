package main

// connOwners finds, for every connection the mock accepts, the provider
// process that opened it. The mock calls accepted before it reads the
// connection's first request, so the client still holds its end: the
// client's port leads to the socket inode in /proc/net/tcp, and the inode to
// the process whose file descriptors include it. Sampling /proc instead
// missed connections of provider processes that lived between two samples.

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

type connOwners struct {
	exe string // the benchmarked provider binary

	mu       sync.Mutex
	mockPort int         // known once the mock listens
	byPID    map[int]int // connections opened by each provider process
}

func newConnOwners(providerExe string) *connOwners {
	return &connOwners{exe: providerExe, byPID: map[int]int{}}
}

func (o *connOwners) setMockPort(port int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.mockPort = port
}

// accepted is the mock's OnConnection hook. A connection whose owner is not
// a provider process (or could not be found) is not counted here; the
// report compares the attributed total with the mock's own count.
func (o *connOwners) accepted(remote net.Addr) {
	tcp, ok := remote.(*net.TCPAddr)
	if !ok {
		return
	}
	pid := o.owner(tcp.Port)
	if pid == 0 {
		return
	}
	o.mu.Lock()
	o.byPID[pid]++
	o.mu.Unlock()
}

// take returns the connections per process since the last call and starts
// counting afresh (one command at a time).
func (o *connOwners) take() map[int]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := o.byPID
	o.byPID = map[int]int{}
	return out
}

// owner returns the pid of the provider process holding the client end of a
// connection to the mock from clientPort, or 0.
func (o *connOwners) owner(clientPort int) int {
	o.mu.Lock()
	mockPort := o.mockPort
	o.mu.Unlock()
	var ino uint64
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		if ino = socketInode(table, clientPort, mockPort); ino != 0 {
			break
		}
	}
	if ino == 0 {
		return 0
	}
	want := "socket:[" + strconv.FormatUint(ino, 10) + "]"
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err != nil || exe != o.exe {
			continue
		}
		fdDir := filepath.Join("/proc", e.Name(), "fd")
		fds, err := os.ReadDir(fdDir)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			if link, err := os.Readlink(filepath.Join(fdDir, fd.Name())); err == nil && link == want {
				return pid
			}
		}
	}
	return 0
}

// withConns sets each process's connection count from byPID, adding the
// processes that opened connections but were never sampled (too short-lived
// for the sampler; their memory and CPU figures stay unknown).
func withConns(procs []procStats, byPID map[int]int) []procStats {
	seen := map[int]bool{}
	for i := range procs {
		procs[i].conns = byPID[procs[i].pid]
		seen[procs[i].pid] = true
	}
	for pid, n := range byPID {
		if !seen[pid] {
			procs = append(procs, procStats{pid: pid, conns: n})
		}
	}
	return procs
}
