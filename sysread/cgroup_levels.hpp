#pragma once
// Walking a cgroup from the caller's level up to the root of its mount. Limits are hierarchical
// (cgroup-v2.rst, "PID" and "Memory"): a level's limit caps all of its descendants, so an
// ancestor's tighter limit decides even when the caller's own cgroup has none.

#include <string>
#include <string_view>
#include <vector>

namespace spawngate {

// "/a/b/c" -> {"/a/b/c", "/a/b", "/a", "/"}: the caller's level first, the mount root last.
std::vector<std::string> cgroup_ancestry(std::string_view path);

}  // namespace spawngate
