#pragma once
// Where a process's cgroup for one controller (pids, memory) lives in the filesystem.
//
// v1, v2 and hybrid hosts differ: the pids controller may sit on a v1 hierarchy
// (/sys/fs/cgroup/pids) or on the unified one (/sys/fs/cgroup, or /sys/fs/cgroup/unified on
// hybrid hosts). The standard mount points are tried first with one statfs each; mountinfo,
// which the kernel renders on every read, is parsed only when they do not hold.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cgroup_membership.hpp"
#include "mountinfo.hpp"
#include "root.hpp"

namespace spawngate {

struct CgroupLocation {
    bool unified = false;     // cgroup2
    std::string mount_point;  // e.g. "/sys/fs/cgroup/pids"
    std::string path;         // the cgroup relative to the mount's root, "/" for the root itself
    // What names this cgroup for as long as it exists (st_dev, st_ino): its limit file when
    // locating opened that, else its directory; 0 when locating did not look. Keys the gate's
    // reservation ledger without another syscall. (Which of the two is fixed for a given cgroup.)
    unsigned long long identity_device = 0;
    unsigned long long identity_inode = 0;
    // The caller level's limit file (e.g. pids.max) as read while locating it, so the budget
    // readers need not open it again; empty when locating did not read it.
    std::string leaf_limit_text{};

    // The directory of `cgroup_path` (a path relative to the mount root) below the mount point.
    std::string directory_of(std::string_view cgroup_path) const;
    std::string directory() const { return directory_of(path); }
};

// Reads and parses /proc/self/mountinfo at most once, on first use.
class CgroupMountTable {
  public:
    CgroupMountTable(const Root& root, std::string mountinfo_path = "/proc/self/mountinfo")
        : root_(root), mountinfo_path_(std::move(mountinfo_path)) {}
    const std::vector<CgroupMount>& mounts();
    bool loaded() const { return loaded_; }

  private:
    const Root& root_;
    std::string mountinfo_path_;
    std::vector<CgroupMount> mounts_;
    bool loaded_ = false;
};

struct LocateResult {
    std::optional<CgroupLocation> location;
    std::string why_not;  // when there is no location: why, for the report
};

// Finds where `controller` is for a process with `membership`. With `limit_file` (the file
// every non-root cgroup of the controller has, e.g. "pids.max"), the standard mount points are
// tried by opening that file at the caller's level: one open that proves the location, names
// the cgroup and reads its limit, instead of a statfs and a stat before the first read.
LocateResult locate_controller(const Root& root, const CgroupMembership& membership,
                               std::string_view controller, CgroupMountTable& mounts,
                               std::string_view limit_file = {});

}  // namespace spawngate
