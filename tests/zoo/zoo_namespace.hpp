#pragma once
// A private PID and mount namespace for the deploy zoo. spawnreaper run inside it mounts no /proc
// of its own: it reads the namespace's, which lists the zoo and nothing else, so the shipped rules
// can meet real deploy tools without any risk to the machine's own processes (pid_namespaces(7)).
//
// Layout inside: PID 1 is a reaping loop forked from the test ("zoo-init"); PID 2 is the session,
// a shell standing in for a user's login shell, which starts the zoo. No zoo process is an orphan
// unless it made itself one, and PID 1 is never a candidate, as on a real machine.
// When the test ends, PID 1 gets SIGKILL, and the kernel kills everything else inside.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "pidfd.hpp"
#include "root.hpp"

namespace spawngate::zoo {

struct Command {
    std::vector<std::string> argv;         // argv[0] is an absolute path (no PATH search)
    std::vector<std::string> environment;  // the whole environment, "NAME=VALUE"
    std::string directory;                 // working directory
    std::string output_path;               // stdout and stderr, created or truncated
};

struct CommandRun {
    int exit_code = -1;  // -1 when killed by a signal or the time limit
    int signal = 0;
    bool timed_out = false;
};

class ZooNamespace {
  public:
    // Starts PID 1 and, under it, `session`. nullptr when this machine cannot, and `why_not` then
    // says why (no CAP_SYS_ADMIN, PID namespaces disabled, /proc not mountable, session not
    // startable).
    static std::unique_ptr<ZooNamespace> start(const Command& session, std::string& why_not);
    ~ZooNamespace();
    ZooNamespace(const ZooNamespace&) = delete;
    ZooNamespace& operator=(const ZooNamespace&) = delete;

    // The namespace's "/" seen from the host (/proc/<PID 1>/root): its /proc lists the zoo under
    // the namespace's pids. Valid while PID 1 runs.
    const Root& root() const { return root_; }
    pid_t init_host_pid() const { return init_host_pid_; }

    // Runs `command` inside the namespace (both namespaces entered with setns(2), then a fork, as
    // nsenter(1) does) and waits for it up to `timeout`. Inside, its parent is outside the
    // namespace (ppid 0), like a process entered with `nsenter`.
    CommandRun run_inside(const Command& command, std::chrono::milliseconds timeout) const;

  private:
    ZooNamespace(pid_t middle_pid, pid_t init_host_pid, PidFd init);
    pid_t middle_pid_;     // our child; it unshared the namespaces, forked PID 1 and reaps it
    pid_t init_host_pid_;  // PID 1 inside, this number on the host
    PidFd init_;
    Root root_;
};

}  // namespace spawngate::zoo
