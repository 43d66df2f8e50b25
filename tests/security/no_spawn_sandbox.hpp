#pragma once
// Runs an executable under a seccomp filter that kills it (SIGSYS) the moment it tries to create
// a process (fork, vfork, clone, clone3) or to execute anything (execve, execveat). The one
// execve allowed is the sandbox's own exec of the executable: the filter admits execve only with
// the exact filename pointer the sandbox passes, an address the new program image does not reuse
// for a filename of its own. Raw BPF through prctl(PR_SET_SECCOMP); no libseccomp.

#include <string>
#include <vector>

namespace spawngate::testkit {

struct SandboxedRun {
    int exit_code = -1;  // -1 when killed by a signal
    int signal = 0;      // SIGSYS: the filter caught a process creation or an exec
    bool timed_out = false;
    std::string stdout_text;
    std::string stderr_text;
};

// Whether seccomp filters can be installed here (a kernel with CONFIG_SECCOMP_FILTER on a
// supported architecture); `why_not` says what failed otherwise.
bool seccomp_filter_available(std::string& why_not);

SandboxedRun run_without_process_creation(const std::string& executable,
                                          const std::vector<std::string>& arguments,
                                          const std::vector<std::string>& environment,
                                          const std::string& stdin_text);

}  // namespace spawngate::testkit
