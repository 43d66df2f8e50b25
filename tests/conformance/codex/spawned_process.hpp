#pragma once
// A long-running child of the test (the Codex CLI, the mock model server) in its own process
// group, optionally born inside a pids cgroup, with stdin from /dev/null and stdout and stderr in
// files. The destructor kills the whole group: on Node < 23.11 the npm wrapper `codex` stays the
// native binary's parent, and killing only the wrapper would leave the CLI running.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace spawngate::conformance {

struct ProcessSpec {
    std::vector<std::string> argv;         // argv[0] is the executable's path
    std::vector<std::string> environment;  // "NAME=VALUE", the child's whole environment
    std::string working_directory;
    std::string stdout_file;
    std::string stderr_file;
    std::string cgroup_procs_file;  // the child joins this cgroup before exec; "" for none
};

class SpawnedProcess {
  public:
    SpawnedProcess() = default;
    ~SpawnedProcess() { kill_group(); }
    SpawnedProcess(const SpawnedProcess&) = delete;
    SpawnedProcess& operator=(const SpawnedProcess&) = delete;

    // Starts the child. Empty on success, else what failed (a child that cannot join the
    // cgroup or exec exits 126 or 127 with the reason in its stderr file).
    std::string start(const ProcessSpec& spec);

    bool running();
    // Waits until the child exits or `limit` passes. The exit status (128 + signal when it was
    // killed), or nullopt when it is still running.
    std::optional<int> wait_for_exit(std::chrono::milliseconds limit);
    // SIGKILL to the whole process group, then reaps the child.
    void kill_group();

  private:
    pid_t pid_ = -1;
    std::optional<int> exit_status_;
};

}  // namespace spawngate::conformance
