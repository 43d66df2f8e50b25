#pragma once
// The fault scenarios' common ground: real processes marked with a random token (and put in a
// pids cgroup made for the test where cgroupfs is writable), a temporary directory for config,
// log, lock and state, and the built spawnreaper run as a child (optionally under a seccomp
// filter) or started and left running so the test can kill it mid-cycle. Every process is killed
// and reaped by its guard when the test ends, passed or failed.

#include <sys/types.h>

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "real_process.hpp"

namespace spawngate::faults {

struct ReaperExit {
    int exit_code = -1;  // -1 when it was ended by a signal
    int signal = 0;
    std::string stderr_text;
};

// Seccomp: which syscalls fail, with which errno, in the reaper's process (0: no filter).
struct PidfdBlock {
    int error = 0;  // ENOSYS (a kernel before 5.3) or EPERM (an old container profile)
};

class ReaperFaultScenario : public ::testing::Test {
  protected:
    std::string token;
    std::string directory;
    std::unique_ptr<testkit::TestCgroup> cgroup;  // destroyed after the processes below
    std::deque<testkit::RealProcess> processes;   // a deque: references stay valid

    void SetUp() override;
    void TearDown() override;

    std::string procs_file() const;
    // `cmdline = '...'` and, with the test cgroup, `cgroup = "..."`: nothing else can match.
    std::string scope(const std::string& cmdline_pattern) const;
    testkit::RealProcess& keep(testkit::RealProcess process);
    testkit::RealProcess& sleeper(const std::string& argv0, bool ignore_term = false);
    std::string write_config(const std::string& body,
                             const std::string& name = "reaper.toml") const;

    std::string log_path() const { return directory + "/reaper.jsonl"; }
    std::string run_directory() const { return directory + "/run"; }
    // --config, --log, --lock, --heartbeat, --state in the test's directory, and --once.
    std::vector<std::string> standard_arguments(const std::string& config) const;

    // Starts spawnreaper with `arguments` (stderr to a file); returns its pid.
    pid_t start_reaper(const std::vector<std::string>& arguments, PidfdBlock block = {}) const;
    // Waits for a started reaper (at most `timeout_ms`, then kills it) and collects its result.
    ReaperExit wait_reaper(pid_t pid, int timeout_ms = 20000) const;
    ReaperExit run_reaper(const std::vector<std::string>& arguments, PidfdBlock block = {}) const {
        return wait_reaper(start_reaper(arguments, block));
    }

    // Every log line, each of which must parse as one JSON object (a torn line fails the test).
    std::vector<nlohmann::json> log_lines() const;
    std::vector<nlohmann::json> decisions_for(pid_t pid) const;
};

std::string read_text(const std::string& path);

}  // namespace spawngate::faults
