#pragma once
// Real processes that occupy a pids cgroup for a test: sleeping single-threaded processes, and
// one process holding many threads (pids.current counts threads, not processes). Every child
// dies with its parent (PR_SET_PDEATHSIG), and the destructor kills and reaps them all, also
// when a test fails half-way.

#include <string>
#include <vector>

#include "scoped_pids_cgroup.hpp"

namespace spawngate::integration {

class ChildProcesses {
  public:
    ChildProcesses() = default;
    ~ChildProcesses() { kill_all(); }
    ChildProcesses(const ChildProcesses&) = delete;
    ChildProcesses& operator=(const ChildProcesses&) = delete;

    // Forks `count` sleeping processes and moves each into `cgroup`. Empty on success, else
    // what failed.
    std::string add_sleepers(const ScopedPidsCgroup& cgroup, int count);

    // Forks one process, moves it into `cgroup`, then lets it start threads until it holds
    // `tasks` tasks (its main thread included). Empty on success, else what failed.
    std::string add_thread_holder(const ScopedPidsCgroup& cgroup, int tasks);

    void kill_all();

  private:
    std::vector<int> pids_;
};

}  // namespace spawngate::integration
