#pragma once
// Runs an executable the way a shell or an agent CLI would: given arguments, environment and
// stdin text, it captures stdout, stderr and the exit code, with a time limit so a hanging child
// fails the test instead of the whole run.

#include <chrono>
#include <string>
#include <vector>

namespace spawngate::testkit {

struct ProcessRun {
    std::vector<std::string> arguments;    // argv[1..]; argv[0] is the executable's path
    std::vector<std::string> environment;  // "NAME=VALUE", the child's whole environment
    std::string stdin_text;
    bool close_stdin = true;  // false: stdin stays open (never EOF) until the child exits
    std::chrono::milliseconds timeout{10000};
};

struct ProcessResult {
    int exit_code = -1;  // -1 when killed by a signal or the time limit
    int signal = 0;
    bool timed_out = false;
    std::string stdout_text;
    std::string stderr_text;
    std::chrono::milliseconds elapsed{0};
};

// Throws std::runtime_error when the child cannot be started at all.
ProcessResult run_process(const std::string& executable, const ProcessRun& run);

}  // namespace spawngate::testkit
