#pragma once
// Real processes for the integration tests, each owned by a guard that kills it (through a pidfd,
// so never a stranger) and reaps it when the test ends, passes or fails.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "pidfd.hpp"

namespace spawngate::testkit {

class RealProcess {
  public:
    RealProcess() = default;
    RealProcess(RealProcess&& other) noexcept;
    RealProcess& operator=(RealProcess&& other) noexcept;
    ~RealProcess();

    // Forks and execs `path` with `argv` (argv[0] may be any name). When `ignore_term` is set,
    // SIGTERM is ignored across the exec. When `cgroup_procs` is set, the child moves itself into
    // that cgroup (a cgroup.procs path) before exec.
    static RealProcess spawn(const std::string& path, const std::vector<std::string>& argv,
                             bool ignore_term = false, const std::string& cgroup_procs = "");

    // An orphan: forks a middle process that forks the real one and exits at once, so the real
    // one is re-parented to PID 1 (or the nearest subreaper).
    static RealProcess spawn_orphan(const std::string& path, const std::vector<std::string>& argv,
                                    const std::string& cgroup_procs = "");

    // Adopts an existing process (e.g. a child of a spawned shell) so it is cleaned up too.
    static RealProcess adopt(pid_t pid);

    pid_t pid() const { return pid_; }
    bool valid() const { return pid_ > 0; }
    // True while the process runs (a zombie has exited).
    bool alive() const;
    // Waits up to `timeout_ms` for the process to exit; true when it has.
    bool wait_exit(int timeout_ms) const;
    // For a direct child: reaps it and returns its wait status.
    std::optional<int> reap();

  private:
    void kill_and_reap();
    pid_t pid_ = -1;
    bool is_child_ = false;
    PidFd pidfd_;
};

// Direct children of `pid`, from /proc (polls up to `timeout_ms` until at least `expected` exist).
std::vector<pid_t> children_of(pid_t pid, std::size_t expected, int timeout_ms);

// A pids cgroup made for one test and removed (after its processes are gone) when it ends.
class TestCgroup {
  public:
    explicit TestCgroup(const std::string& name);
    ~TestCgroup();
    TestCgroup(const TestCgroup&) = delete;
    TestCgroup& operator=(const TestCgroup&) = delete;

    bool created() const { return created_; }
    const std::string& name() const { return name_; }  // "/spawnreaper-test-..."
    std::string procs_file() const { return directory_ + "/cgroup.procs"; }
    const std::string& why_not() const { return why_not_; }

  private:
    std::string name_;
    std::string directory_;
    bool created_ = false;
    std::string why_not_;
};

// A random token for argv and names, so test rules match only this test's processes.
std::string random_token();

}  // namespace spawngate::testkit
