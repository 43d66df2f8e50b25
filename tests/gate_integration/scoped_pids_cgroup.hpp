#pragma once
// A real pids cgroup for integration tests and the in-process bench, created with libcgroup (the
// library operators use; the gate itself never links it on the hot path) and removed again by
// the destructor, after killing whatever is still inside. Only cgroups this process created are
// ever touched: their names carry the creator's pid and a counter.
//
// Deliberately free of GoogleTest so the bench can compile it too.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct cgroup;  // libcgroup's handle, kept out of this header

namespace spawngate::integration {

// Empty when libcgroup is initialised and a pids controller is mounted; else why not, phrased
// for a skip message. cgroup_init() runs once per process.
std::string pids_cgroups_unavailable();

// "<prefix>-<pid>-<n>": unique per process and call, so parallel ctest runs never collide and
// no one else's cgroup is touched.
std::string unique_cgroup_name(std::string_view prefix);

// The directory of this process's own pids cgroup ("/sys/fs/cgroup/pids" at the top), or ""
// when libcgroup cannot tell.
std::string own_pids_cgroup_directory();

class ScopedPidsCgroup;

struct CgroupCreation {
    std::unique_ptr<ScopedPidsCgroup> cgroup;  // null on failure
    std::string error;                         // what failed, with libcgroup's reason
};

// Creates the cgroup `name` (relative to the pids mount root; "a/b" nests under an existing
// "a") with pids.max set to `max`, or left at "max" when nullopt.
CgroupCreation create_pids_cgroup(const std::string& name, std::optional<std::int64_t> max);

class ScopedPidsCgroup {
  public:
    ~ScopedPidsCgroup();
    ScopedPidsCgroup(const ScopedPidsCgroup&) = delete;
    ScopedPidsCgroup& operator=(const ScopedPidsCgroup&) = delete;

    // The cgroup as the gate names it: its path relative to the mount root ("/spawngate-...").
    const std::string& path() const { return path_; }
    // Its directory in the filesystem ("/sys/fs/cgroup/pids/spawngate-...").
    const std::string& directory() const { return directory_; }
    std::string procs_file() const { return directory_ + "/cgroup.procs"; }

    // Moves process `pid` (all of it while it has a single thread) into this cgroup with
    // cgroup_attach_task_pid(); empty on success, else libcgroup's reason.
    std::string attach(int pid) const;

    // pids.current now: every task (thread) in this cgroup and its descendants.
    std::optional<std::uint64_t> pids_current() const;

    // Polls pids.current until it equals `expected` (tasks take a moment to appear or vanish
    // on a loaded machine). Returns the last value seen; the caller compares it.
    std::optional<std::uint64_t> wait_for_pids_current(
        std::uint64_t expected,
        std::chrono::milliseconds patience = std::chrono::seconds(30)) const;

  private:
    ScopedPidsCgroup(::cgroup* handle, std::string path, std::string directory);
    friend CgroupCreation create_pids_cgroup(const std::string&, std::optional<std::int64_t>);

    void kill_everything_inside() const;

    ::cgroup* handle_;
    std::string path_;
    std::string directory_;
};

}  // namespace spawngate::integration
