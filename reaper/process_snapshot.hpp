#pragma once
// One cycle's view of the processes: stat for every process, and status/cmdline/exe only for the
// few a rule could still match (reading three more files for each of 5,000 processes is what
// makes `pgrep -f` slow). Reading is separate from deciding, so decisions are tested on plain
// structs.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "boot_time.hpp"
#include "pattern.hpp"
#include "problem.hpp"
#include "proc_status.hpp"
#include "process_step_observer.hpp"
#include "root.hpp"

namespace spawngate {

struct ProcessInfo {
    // From stat, for every process read in full (stat_read); a process ruled out by its name
    // alone has only pid and name.
    bool stat_read = false;
    pid_t pid = 0;
    pid_t ppid = 0;
    pid_t session = 0;
    pid_t process_group = 0;
    std::string name;  // comm, at most 15 bytes
    char state = '?';
    bool kernel_thread = false;
    std::uint64_t start_time_ticks = 0;
    std::uint64_t start_unix_ms = 0;
    std::uint64_t age_ms = 0;
    std::uint64_t threads = 0;

    // Details, read only for candidates, each at most once; absent when unreadable.
    bool status_read = false;
    bool cmdline_read = false;
    bool exe_read = false;
    bool cgroup_read = false;
    std::optional<uid_t> uid;
    std::optional<AnonMemory> anon_memory;
    std::optional<std::string> cmdline;
    std::optional<std::string> program;  // from the same read as cmdline (program_name.hpp)
    std::optional<std::string> exe;
    std::optional<std::string> cgroup;  // in the pids hierarchy (v1 "pids", else v2), for the log

    // Read failures, which keep the process out of every decision: it exited mid-scan (an
    // ordinary outcome), or a file the decision needs (status, cmdline) could not be read, was
    // empty or did not parse: never judged, and so never signalled, on partial data.
    bool vanished = false;
    std::optional<Problem> unreadable;

    bool zombie() const { return state == 'Z' || state == 'X'; }
};

struct Snapshot {
    std::vector<ProcessInfo> processes;            // ascending pid
    std::unordered_map<pid_t, std::size_t> index;  // pid -> position
    std::optional<Problem> problem;                // /proc unreadable: the cycle cannot run
    bool complete = true;                          // every process's stat was read
    std::vector<pid_t> vanished;      // left out: exited between the listing and the stat
    std::vector<Problem> unreadable;  // left out: comm or stat unreadable, empty or garbage

    const ProcessInfo* find(pid_t pid) const;
    ProcessInfo* find(pid_t pid);
    // Re-parented: its parent is PID 1 of the namespace, or a process named in `subreapers`
    // (container inits, `systemd --user`) that adopts orphans in its place.
    bool is_orphan(const ProcessInfo& process, const std::vector<std::string>& subreapers) const;
};

// Reads stat for every process below `root`. Processes that vanish mid-scan, or whose stat cannot
// be read or parsed, are left out and listed (vanished, unreadable).
//
// With `name_filter`, the scan first reads each process's comm (half the cost of stat) and reads
// stat only where the name matches one of the patterns; the others keep pid and name, and the
// snapshot is not `complete`. Use it only when every rule has a process_name pattern.
//
// `observer` (tests only) is told before each per-process read, here and below.
Snapshot scan_processes(const Root& root, const BootClock& clock,
                        const std::vector<const Pattern*>* name_filter = nullptr,
                        ProcessStepObserver* observer = nullptr);

// Reads the stat of one process of the snapshot if not read yet; false when it is gone.
bool ensure_stat(const Root& root, const BootClock& clock, Snapshot& snapshot, pid_t pid,
                 ProcessStepObserver* observer = nullptr);

// Reads every stat not read yet (descendants need every process's parent).
void complete_scan(const Root& root, const BootClock& clock, Snapshot& snapshot,
                   ProcessStepObserver* observer = nullptr);

// Each reads one file of one process, once; a process that vanished keeps the detail absent and
// is marked vanished, one whose cmdline or status cannot be read is marked unreadable.
void read_cmdline(const Root& root, ProcessInfo& process, ProcessStepObserver* observer = nullptr);
// exe is only ever matched, never needed to protect a process: an unreadable one (another user's
// process is EACCES to a non-root reaper) simply matches no exe pattern.
void read_exe(const Root& root, ProcessInfo& process, ProcessStepObserver* observer = nullptr);
// The process's cgroup in the pids hierarchy; only ever logged or compared with a rule's scope,
// so an unreadable one stays absent (and is outside every scope).
void read_cgroup(const Root& root, ProcessInfo& process, ProcessStepObserver* observer = nullptr);
// status (user, memory, threads), cmdline, exe and cgroup: everything a decision and its log line
// need.
void read_details(const Root& root, ProcessInfo& process, ProcessStepObserver* observer = nullptr);

}  // namespace spawngate
