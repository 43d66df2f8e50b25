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
#include "problem.hpp"
#include "proc_status.hpp"
#include "root.hpp"

namespace spawngate {

struct ProcessInfo {
    // From stat, for every process.
    pid_t pid = 0;
    pid_t ppid = 0;
    pid_t session = 0;
    std::string name;  // comm, at most 15 bytes
    char state = '?';
    bool kernel_thread = false;
    std::uint64_t start_time_ticks = 0;
    std::uint64_t start_unix_ms = 0;
    std::uint64_t age_ms = 0;
    std::uint64_t threads = 0;

    // Details, read only for candidates; absent when not read or unreadable.
    bool details_read = false;
    std::optional<uid_t> uid;
    std::optional<AnonMemory> anon_memory;
    std::optional<std::string> cmdline;
    std::optional<std::string> exe;

    bool zombie() const { return state == 'Z' || state == 'X'; }
};

struct Snapshot {
    std::vector<ProcessInfo> processes;  // ascending pid
    std::unordered_map<pid_t, std::size_t> index;  // pid -> position
    std::optional<Problem> problem;  // /proc unreadable: the cycle cannot run

    const ProcessInfo* find(pid_t pid) const;
    ProcessInfo* find(pid_t pid);
};

// Reads stat for every process below `root`. Processes that vanish mid-scan are left out.
Snapshot scan_processes(const Root& root, const BootClock& clock);

struct DetailsWanted {
    bool cmdline = false;
    bool exe = false;
};

// Reads status (always), and cmdline/exe when wanted, for one process. A process that vanished
// keeps details_read = false.
void read_details(const Root& root, ProcessInfo& process, DetailsWanted wanted);

}  // namespace spawngate
