#pragma once
// Every process in a cgroup subtree: cgroup.procs of the cgroup directory and of every cgroup
// below it (a cgroup.procs file lists only its own cgroup's members).

#include <sys/types.h>

#include <string>
#include <vector>

#include "root.hpp"

namespace spawngate {

// Thread-group ids in the subtree at `directory` (below `root`); empty when it cannot be read.
std::vector<pid_t> cgroup_subtree_processes(const Root& root, const std::string& directory);

}  // namespace spawngate
