#pragma once
// Which processes are in a rule's cgroup scope: the reaper's own cgroup subtree, or a named
// cgroup and its subtree, in the pids hierarchy. Listed once per cycle with libcgroup (walk the
// subtree, read each cgroup's tasks), so a rule scoped to "/agents" can never reach a process
// elsewhere, whatever its name says.

#include <sys/types.h>

#include <optional>
#include <string>
#include <unordered_set>

#include "problem.hpp"
#include "reap_config.hpp"
#include "root.hpp"

namespace spawngate {

struct ScopeMembers {
    std::optional<std::unordered_set<pid_t>> pids;  // every task id in the subtree
    std::optional<std::string> path;  // the subtree's top, as /proc/PID/cgroup shows paths
    Problem problem;                  // when pids is absent
};

// `root` must be the system root: libcgroup reads the real mounts.
ScopeMembers list_scope_members(const CgroupScope& scope, const Root& root);

// The reaper's own cgroup in the pids hierarchy (v1 "pids" line, else the v2 "0::" line).
std::optional<std::string> own_pids_cgroup(const Root& root);

}  // namespace spawngate
