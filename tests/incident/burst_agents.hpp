#pragma once
// Simulated agents for the incident replay: each agent is a process in a pids cgroup that, once
// launched, grows to a fixed number of tasks (itself, child processes and threads), as a coding
// agent with its tools does, and then idles until the test ends. Every task it fails to create
// (fork or pthread_create refused with EAGAIN at the pids limit) is counted and reported.

#include <string>
#include <vector>

#include "scoped_pids_cgroup.hpp"

namespace spawngate::incident {

struct AgentReport {
    bool launched = false;    // the gate admitted it (or no gate was asked)
    int tasks_created = 0;    // tasks it holds, itself included
    int fork_failures = 0;    // fork/clone attempts the kernel refused
    std::string gate_stderr;  // what the gate said, when it was asked
    int gate_exit = -1;
};

struct BurstOptions {
    int agents = 6;
    int tasks_per_agent = 25;
    // When set, each launcher asks the built gate first ("--cost N --reserve") and launches the
    // agent only on exit 0; when empty, every agent launches unchecked.
    std::string gate_path;
    std::vector<std::string> gate_arguments;
};

// Starts all agents within a fraction of a second, each launcher joining `cgroup` first, waits
// until every agent has reported, and returns the reports. The agents keep running (holding
// their tasks) until `stop_all` or the destructor.
class Burst {
  public:
    Burst() = default;
    ~Burst() { stop_all(); }
    Burst(const Burst&) = delete;
    Burst& operator=(const Burst&) = delete;

    std::vector<AgentReport> launch(const integration::ScopedPidsCgroup& cgroup,
                                    const BurstOptions& options);
    void stop_all();

  private:
    std::vector<int> launchers_;
};

}  // namespace spawngate::incident
