#pragma once
// Memory as a second budget. Usage is anonymous + shmem memory from memory.stat, not
// memory.current / memory.usage_in_bytes: those include page cache the kernel reclaims on demand,
// so a process reading large files would look like a leak (field report 004: VmRSS inflated by
// file-backed pages tripped a watchdog on every cycle).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cgroup_locate.hpp"
#include "problem.hpp"
#include "root.hpp"

namespace spawngate {

struct MemoryUsage {
    std::uint64_t anon_bytes = 0;   // v2 "anon", v1 "total_rss"
    std::uint64_t shmem_bytes = 0;  // v2 "shmem", v1 "total_shmem"
    std::uint64_t file_bytes = 0;   // v2 "file", v1 "total_cache" (reported, never judged)
    // Saturating: garbage sizes read as full, never as small (found by fuzz/fuzz_memory_stat.cpp).
    std::uint64_t charged() const {
        return anon_bytes > UINT64_MAX - shmem_bytes ? UINT64_MAX : anon_bytes + shmem_bytes;
    }
};

struct MemoryLevel {
    std::string cgroup;
    std::string directory;
    std::optional<std::uint64_t> limit_bytes;  // nullopt: no limit at this level
    std::optional<MemoryUsage> usage;          // read only where a limit is set (or asked for)
};

struct MemoryBudget {
    std::vector<MemoryLevel> levels;  // the caller's level first
    std::vector<Problem> problems;
};

// Reads each level's limit, and memory.stat where a limit is set. With `usage_everywhere` the
// caller's own level gets its usage read even without a limit (for the status report).
MemoryBudget read_memory_budget(const Root& root, const CgroupLocation& location,
                                bool usage_of_caller_level = false);

// Parses memory.stat text for the given cgroup version; nullopt when the fields are missing.
std::optional<MemoryUsage> parse_memory_stat(std::string_view text, bool unified);

}  // namespace spawngate
