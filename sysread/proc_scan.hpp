#pragma once
// Which processes exist: the numeric entries of /proc. A process can appear or vanish right after
// the listing; readers treat a missing file as "gone", never as an error.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "problem.hpp"
#include "proc_read_failure.hpp"
#include "proc_stat.hpp"
#include "root.hpp"
#include "unique_fd.hpp"

namespace spawngate {

struct PidList {
    std::vector<pid_t> pids;         // ascending
    std::optional<Problem> problem;  // /proc could not be listed at all
};

PidList list_pids(const Root& root);

// /proc opened once for a whole scan: each stat is then one openat relative to it and one read,
// with no path built per process (a scan of 5,000 processes reads 5,000 stat files, so the
// syscalls per file decide the cycle's cost).
class ProcDirectory {
  public:
    explicit ProcDirectory(const Root& root);
    bool valid() const { return fd_.valid(); }

    // /proc/PID/stat parsed (see proc_stat.hpp); nullopt when the process is gone or the file is
    // unreadable, empty, not well formed or names another pid, and then `failure` says which.
    std::optional<ProcStat> read_stat(pid_t pid, ProcReadError* failure = nullptr) const;

    // /proc/PID/comm without its newline: the same 15-byte name as in stat, and about half the
    // kernel's cost of stat (measured: 7 us against 12 us a file), so a scan whose every rule
    // names a process can rule most processes out on it.
    std::optional<std::string> read_comm(pid_t pid, ProcReadError* failure = nullptr) const;

  private:
    UniqueFd fd_;
};

}  // namespace spawngate
