#pragma once
// /proc/PID/stat (proc(5)). The name field is "(comm)" and comm may hold spaces, parentheses and
// newlines ("a) b (c"), so the fields after it are found from the LAST ')' — reading it with
// scanf("%d %s %c") misparses such names and has sent signals to the wrong process elsewhere.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "root.hpp"

namespace spawngate {

struct ProcStat {
    pid_t pid = 0;
    std::string comm;  // at most 15 bytes: the kernel truncates TASK_COMM_LEN
    char state = '?';  // R, S, D, Z, T, t, X, I, ...
    pid_t ppid = 0;
    pid_t pgrp = 0;
    pid_t session = 0;
    unsigned flags = 0;                  // PF_* flags; PF_KTHREAD marks a kernel thread
    std::uint64_t threads = 0;           // num_threads
    std::uint64_t start_time_ticks = 0;  // since boot, in clock ticks (sysconf(_SC_CLK_TCK))

    bool is_kernel_thread() const { return (flags & 0x00200000u) != 0; }  // PF_KTHREAD
    bool is_zombie() const { return state == 'Z' || state == 'X'; }
};

// Parses the text of one stat file; nullopt when it is not well formed.
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// Reads and parses /proc/PID/stat below `root`; nullopt when the process is gone or the file is
// malformed (a process that exits mid-read is an ordinary outcome).
std::optional<ProcStat> read_proc_stat(const Root& root, pid_t pid);

}  // namespace spawngate
