#pragma once
// The host-wide task limits that apply when no cgroup level has one: kernel.pid_max and
// kernel.threads-max against the number of tasks on the system, and RLIMIT_NPROC against the
// caller's own tasks when the caller is not root (root is exempt: setrlimit(2)).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "problem.hpp"
#include "root.hpp"

namespace spawngate {

struct HostLimit {
    std::string name;  // "kernel.pid_max", "kernel.threads-max", "RLIMIT_NPROC"
    std::uint64_t current = 0;
    std::uint64_t max = 0;
};

struct HostLimits {
    std::vector<HostLimit> limits;
    std::vector<Problem> problems;
};

// Tasks on the whole system: the 4th field of /proc/loadavg is "running/total".
std::optional<std::uint64_t> parse_loadavg_tasks(std::string_view text);

// Reads the sysctls and /proc/loadavg. RLIMIT_NPROC is counted only for a non-root caller with a
// finite limit, by walking /proc (that walk costs ~1 us per process: it is the slow case).
HostLimits read_host_limits(const Root& root);

// The number of threads owned by `uid` across /proc (stat(2) of /proc/PID/task: its link count
// is threads + 2, no file is read).
std::uint64_t count_user_tasks(const Root& root, unsigned uid);

}  // namespace spawngate
