#pragma once
// A pid reused by a stranger, made on purpose: clone3(2) with set_tid (Linux 5.5) starts a child
// with exactly the pid a test just freed, so the test can check that nothing decided about the
// old process is ever sent to the new one. Needs CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE) over
// the pid namespace; `why_not` says why it could not. The guard kills and reaps the child.

#include <sys/types.h>

#include <string>
#include <vector>

#include "pidfd.hpp"

namespace spawngate::faults {

class ChildWithPid {
  public:
    ChildWithPid() = default;
    ChildWithPid(ChildWithPid&& other) noexcept;
    ChildWithPid& operator=(ChildWithPid&& other) noexcept;
    ~ChildWithPid();

    // Starts `path` with `argv` as pid `pid` (moved into `cgroup_procs` when given), and returns
    // once it has exec'd. Invalid, with `why_not`, when the kernel refuses the pid.
    static ChildWithPid spawn(pid_t pid, const std::string& path,
                              const std::vector<std::string>& argv, const std::string& cgroup_procs,
                              std::string& why_not);

    bool valid() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }
    bool alive() const { return pidfd_.valid() && !pidfd_.wait_for_exit(0); }

  private:
    void kill_and_reap();
    pid_t pid_ = -1;
    PidFd pidfd_;
};

}  // namespace spawngate::faults
