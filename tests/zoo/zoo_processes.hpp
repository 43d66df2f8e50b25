#pragma once
// The zoo's processes as its namespace's /proc shows them, read from the host through the
// namespace's root (ZooNamespace::root()). Pids are the namespace's; identity is (pid, start time
// from stat field 22), never the pid alone.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "root.hpp"

namespace spawngate::zoo {

struct SeenProcess {
    pid_t pid = 0;
    pid_t ppid = 0;
    pid_t pgid = 0;
    pid_t session = 0;
    char state = '?';
    std::uint64_t start_time_ticks = 0;
    std::string comm;               // /proc/PID/stat's name: at most 15 bytes
    std::vector<std::string> argv;  // /proc/PID/cmdline split at NULs (a rewritten title shows
                                    // as it is: one word with spaces, then empty words)
};

using ProcessTable = std::map<pid_t, SeenProcess>;

// Every process of the namespace now; one that vanishes while read is left out.
ProcessTable scan_processes(const Root& root);

// `top` and its descendants, top first, then depth first; empty when `top` is not in `table`.
std::vector<SeenProcess> tree_of(const ProcessTable& table, pid_t top);

// True while the process (pid and start time) runs: gone or a zombie is false.
bool still_runs(const Root& root, const SeenProcess& process);

// The raw cmdline with each NUL between words shown as "␀", so that a rewritten title's padding
// ("npm run deploy␀␀␀...") stays visible.
std::string shown_argv(const std::vector<std::string>& argv);

}  // namespace spawngate::zoo
