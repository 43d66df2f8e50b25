#pragma once
// Every process in a cgroup subtree: cgroup.procs of the cgroup directory and of every cgroup
// below it (a cgroup.procs file lists only its own cgroup's members).

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "root.hpp"

namespace spawngate {

// Thread-group ids in the subtree at `directory` (below `root`); nullopt when the cgroup.procs
// of `directory` itself cannot be read, so an unreadable cgroup never reads as an empty one. A
// cgroup below it that vanishes during the walk is skipped: its processes are gone too.
std::optional<std::vector<pid_t>> cgroup_subtree_processes(const Root& root,
                                                           const std::string& directory);

}  // namespace spawngate
