#pragma once
// Long-lived processes with a chosen command line, as a deploy tool or an agent shows in `ps`:
// each execs /bin/sleep (or a symlink to it, when its process name must look like a tool's) with
// the argv the test gives, after joining a test cgroup. Unlike the sleepers of ChildProcesses,
// they are waited for the moment they exit, as a real parent would: a process that the gate's
// auto-reap ends must leave pids.current, and a zombie stays charged to its cgroup until its
// parent reaps it (the pids controller uncharges a task when it is released). Each is held by a
// pidfd, so neither the checks nor the cleanup can ever hit a recycled pid.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pidfd.hpp"
#include "scoped_pids_cgroup.hpp"

namespace spawngate::integration {

struct MarkedProcess {
    pid_t pid = -1;
    std::string error;  // why it could not be started; empty on success
};

class MarkedProcesses {
  public:
    MarkedProcesses();
    ~MarkedProcesses();
    MarkedProcesses(const MarkedProcesses&) = delete;
    MarkedProcesses& operator=(const MarkedProcesses&) = delete;

    // Forks a child that joins `cgroup`, ignores SIGTERM when `ignore_term` is set (the ignored
    // disposition survives exec), and execs `executable` with `argv`. Returns once the exec has
    // happened, so the process already shows `argv` as its command line.
    MarkedProcess start(const ScopedPidsCgroup& cgroup, const std::vector<std::string>& argv,
                        bool ignore_term = false, const std::string& executable = "/bin/sleep");

    // True once the process started as `pid` has exited (asked through its pidfd).
    bool has_exited(pid_t pid) const;

    // Its wait status once it has exited and been reaped, waiting up to `patience` for that.
    std::optional<int> wait_status(pid_t pid, std::chrono::milliseconds patience) const;

    // Kills (SIGKILL through the pidfd) and reaps every process still running.
    void kill_all();

  private:
    struct Child {
        PidFd pidfd;
        bool reaped = false;        // waited for (by the waiter, or by someone else: ECHILD)
        std::optional<int> status;  // its wait status, when the waiter reaped it
    };

    void wait_for_exits();  // the waiter thread's body
    void wake_waiter() const;

    mutable std::mutex mutex_;
    mutable std::condition_variable reaped_;
    std::map<pid_t, Child> children_;
    bool stopping_ = false;
    int wake_pipe_[2] = {-1, -1};  // tells the waiter to look at the set of children again
    std::thread waiter_;
};

}  // namespace spawngate::integration
