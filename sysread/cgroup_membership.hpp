#pragma once
// Which cgroups a process belongs to, from /proc/PID/cgroup (cgroups(7), "/proc/[pid]/cgroup").
// Each line is "hierarchy-ID:controller-list:path"; cgroup v2 is the line "0::path". Inside a
// cgroup namespace the paths are relative to the namespace root, so a container sees "/".

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "problem.hpp"

namespace spawngate {

struct CgroupMembership {
    struct V1Line {
        std::string controllers;  // as listed, e.g. "cpu,cpuacct" or "name=systemd"
        std::string path;
    };
    std::vector<V1Line> v1;
    std::optional<std::string> unified;  // the v2 path, when the "0::" line is present

    // The v1 path of the hierarchy that carries `controller`, if any.
    const V1Line* v1_for(std::string_view controller) const;
};

// Parses the file's text. Malformed lines are a Problem: guessing would pick the wrong cgroup.
struct MembershipParse {
    std::optional<CgroupMembership> membership;
    Problem problem;
};
MembershipParse parse_cgroup_membership(std::string_view text);

// The path in the pids hierarchy: the v1 line that carries "pids", else the v2 path (where the
// pids controller lives on a unified or hybrid host). nullopt when neither line is there.
std::optional<std::string> pids_cgroup_path(const CgroupMembership& membership);

// True when `list` (comma-separated, as in "cpu,cpuacct" or mount options) names `item`.
bool comma_list_contains(std::string_view list, std::string_view item);

}  // namespace spawngate
