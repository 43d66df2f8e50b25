#pragma once
// /proc/PID/status (proc(5)): the owner and the memory the reaper judges a process by.
//
// Anonymous memory is RssAnon + RssShmem (both since Linux 4.5). VmRSS also counts file-backed
// mapped pages: a process mapping large git packfiles shows gigabytes of VmRSS with a heap of
// ~100 MB, and a watchdog reading VmRSS restarted such a worker on every cycle (field report 004).
// VmRSS is used only where the split fields are absent, and the reading says so. A field present
// with value 0 ("RssAnon: 0" on a shmem-only worker) is a real reading, not an absent one.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "proc_read_failure.hpp"
#include "root.hpp"

namespace spawngate {

struct AnonMemory {
    std::uint64_t bytes = 0;
    bool from_vmrss_fallback = false;  // RssAnon/RssShmem were absent; this is VmRSS
};

struct ProcStatus {
    std::optional<uid_t> real_uid;         // first number of "Uid:"
    std::optional<std::uint64_t> threads;  // "Threads:"
    std::optional<std::uint64_t> rss_anon_kb;
    std::optional<std::uint64_t> rss_shmem_kb;
    std::optional<std::uint64_t> vm_rss_kb;

    // RssAnon + RssShmem when either is present (a missing one counts as 0 then), else VmRSS
    // marked as a fallback; nullopt when none is present (kernel threads, zombies).
    std::optional<AnonMemory> anon_memory() const;
};

// Parses the text of one status file. Unknown or malformed lines are skipped: a field that does
// not parse stays absent rather than becoming 0.
ProcStatus parse_proc_status(std::string_view text);

// Reads /proc/PID/status below `root`; nullopt when the process is gone or the file unreadable or
// empty, and then `failure` says which.
std::optional<ProcStatus> read_proc_status(const Root& root, pid_t pid,
                                           ProcReadError* failure = nullptr);

}  // namespace spawngate
