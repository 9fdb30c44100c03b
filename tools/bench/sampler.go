package main

// The sampler watches /proc while a Terraform command runs. It finds the
// provider processes Terraform starts (their executable is the benchmarked
// binary), and for each records
//   - VmHWM, the kernel's RSS high-water mark (exact up to the last sample
//     before the process exits, since it only grows);
//   - every TCP socket it holds to the mock's port (socket inodes from
//     /proc/PID/fd matched against /proc/net/tcp).
// Pooled keep-alive connections live until the process exits, so sampling
// every few milliseconds sees them all; the report compares the attributed
// total with the mock's own count of accepted connections.

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sampleInterval trades accuracy for load: on a 2-core machine the sampler
// must not steal CPU from Terraform.
const sampleInterval = 20 * time.Millisecond

type procStats struct {
	pid   int
	hwmKB int64
	cpu   time.Duration // user + system CPU time, at the last sample
	conns int           // distinct connections to the mock seen in this process
}

type sampler struct {
	exe, tfExe string
	mockPort   int

	done chan struct{}
	wg   sync.WaitGroup

	procs   map[int]*procState
	notProv map[int]bool
	// Socket inodes looked up in /proc/net/tcp without a match: unix
	// sockets (the plugin's gRPC), other peers. Twice unmatched (a socket
	// may not be connected yet the first time) means not a mock connection.
	unmatched map[uint64]int
}

type procState struct {
	hwmKB   int64
	cpu     time.Duration
	sockets map[uint64]bool // inodes of connections to the mock
}

func startSampler(providerExe, tfExe string, mockPort int) *sampler {
	s := &sampler{exe: providerExe, tfExe: tfExe, mockPort: mockPort, done: make(chan struct{}),
		procs: map[int]*procState{}, notProv: map[int]bool{}, unmatched: map[uint64]int{}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(sampleInterval)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// stop ends sampling and returns the provider processes seen, by pid.
func (s *sampler) stop() []procStats {
	close(s.done)
	s.wg.Wait()
	out := make([]procStats, 0, len(s.procs))
	for pid, p := range s.procs {
		out = append(out, procStats{pid: pid, hwmKB: p.hwmKB, cpu: p.cpu, conns: len(p.sockets)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pid < out[j].pid })
	return out
}

func (s *sampler) sample() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	var live []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || s.notProv[pid] {
			continue
		}
		if _, ok := s.procs[pid]; !ok {
			exe, err := os.Readlink("/proc/" + e.Name() + "/exe")
			if err != nil {
				continue // gone, or not ours: look again next time
			}
			if exe != s.exe {
				// Between fork and exec a plugin still shows Terraform's
				// executable: look at it again later.
				if exe != s.tfExe {
					s.notProv[pid] = true
				}
				continue
			}
			s.procs[pid] = &procState{sockets: map[uint64]bool{}}
		}
		live = append(live, pid)
	}

	inodes := map[uint64]int{} // socket inodes not classified yet -> pid
	for _, pid := range live {
		p := s.procs[pid]
		if hwm := readHWM(pid); hwm > p.hwmKB {
			p.hwmKB = hwm
		}
		if cpu := readCPU(pid); cpu > p.cpu {
			p.cpu = cpu
		}
		fds, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
		if err != nil {
			continue
		}
		for _, fd := range fds {
			link, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "fd", fd.Name()))
			if err != nil || !strings.HasPrefix(link, "socket:[") {
				continue
			}
			ino, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]"), 10, 64)
			if err != nil || p.sockets[ino] || s.unmatched[ino] >= 2 {
				continue
			}
			inodes[ino] = pid
		}
	}
	if len(inodes) == 0 {
		return
	}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		for _, ino := range socketsToPort(table, s.mockPort) {
			if pid, ok := inodes[ino]; ok {
				s.procs[pid].sockets[ino] = true
				delete(inodes, ino)
			}
		}
	}
	for ino := range inodes {
		s.unmatched[ino]++
	}
}

// readHWM returns VmHWM in kB (0 if unknown).
func readHWM(pid int) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				v, _ := strconv.ParseInt(f[1], 10, 64)
				return v
			}
		}
	}
	return 0
}

// clockTick is USER_HZ, the unit of /proc/PID/stat times (100 on Linux).
const clockTick = 10 * time.Millisecond

// readCPU returns the user + system CPU time of a process (0 if unknown).
func readCPU(pid int) time.Duration {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may contain spaces: count from its ')'.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * clockTick
}

// socketsToPort returns the inodes of the sockets in a /proc/net/tcp table
// whose remote port is port (client ends of connections to the mock).
func socketsToPort(table string, port int) []uint64 {
	f, err := os.Open(table)
	if err != nil {
		return nil
	}
	defer func() { _ = f.Close() }() // read-only
	var out []uint64
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 {
			continue
		}
		rem := fields[2]
		i := strings.LastIndexByte(rem, ':')
		if i < 0 {
			continue
		}
		p, err := strconv.ParseUint(rem[i+1:], 16, 32)
		if err != nil || int(p) != port {
			continue
		}
		if ino, err := strconv.ParseUint(fields[9], 10, 64); err == nil && ino != 0 {
			out = append(out, ino)
		}
	}
	return out
}
