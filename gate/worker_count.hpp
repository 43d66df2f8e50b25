#pragma once
// The worker cap's count: live processes in the caller's pids cgroup subtree (the whole host
// when there is none) whose command line matches the worker pattern. It reads one cmdline per
// process (about 10 us each), so it runs only when a cap is set.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "cgroup_locate.hpp"
#include "root.hpp"

namespace spawngate {

// nullopt when the pattern does not compile (settings reject such a pattern before this).
std::optional<std::uint64_t> count_workers(const Root& root,
                                           const std::optional<CgroupLocation>& pids,
                                           const std::string& pattern, pid_t self);

}  // namespace spawngate
