#pragma once
// cgroup filesystems from /proc/PID/mountinfo (proc(5), "/proc/[pid]/mountinfo"):
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//   (1)(2)(3)   (4)   (5)     (6)      (7)     (8) (9)   (10)        (11)
// Field 7 is zero or more optional tags ended by "-". Paths escape space, tab, newline and
// backslash as octal (\040). The kernel renders this file on every read (~38 us here), so the
// gate only parses it when the standard mount points do not hold.

#include <string>
#include <string_view>
#include <vector>

namespace spawngate {

struct CgroupMount {
    std::string mount_point;    // where it is mounted, e.g. "/sys/fs/cgroup/pids"
    std::string root;           // the cgroup shown at the mount point, "/" unless bind-mounted
    bool unified = false;       // cgroup2
    std::string super_options;  // v1: names the controllers, e.g. "rw,pids"
};

// Every cgroup and cgroup2 mount listed; lines that are not well formed are skipped.
std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo);

// Undoes mountinfo's octal escapes ("\040" -> ' ').
std::string unescape_mount_path(std::string_view escaped);

}  // namespace spawngate
