#include "worker_count.hpp"

#include "cgroup_processes.hpp"
#include "pattern.hpp"
#include "proc_cmdline.hpp"
#include "proc_scan.hpp"

namespace spawngate {

std::optional<std::uint64_t> count_workers(const Root& root,
                                           const std::optional<CgroupLocation>& pids,
                                           const std::string& pattern, pid_t self) {
    std::string error;
    const auto workers = Pattern::compile(pattern, error);
    if (!workers) return std::nullopt;
    // A listing that failed is no count at all, never zero workers (which would admit anything).
    std::optional<std::vector<pid_t>> candidates;
    if (pids) {
        candidates = cgroup_subtree_processes(root, pids->directory());
    } else if (PidList listed = list_pids(root); !listed.problem) {
        candidates = std::move(listed.pids);
    }
    if (!candidates) return std::nullopt;
    std::uint64_t count = 0;
    for (const pid_t pid : *candidates) {
        if (pid == self) continue;
        // A process that exited since the listing has no cmdline: it is not a live worker.
        const auto cmdline = read_proc_cmdline(root, pid);
        if (cmdline && !cmdline->empty() && workers->matches(*cmdline)) ++count;
    }
    return count;
}

}  // namespace spawngate
