#pragma once
// The ledger on disk: one small file per cgroup under the state directory (/run/spawngate for
// root, $XDG_RUNTIME_DIR/spawngate otherwise), named for the cgroup's identity (device and inode
// of its directory), so agents in different cgroups never share reservations.
//
// Updates happen under flock(2) on a sibling lock file and replace the ledger atomically
// (rename), so a crash mid-update leaves the old ledger or the new one, and a lock held by a
// killed process is released by the kernel. Plain checks read without the lock.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cgroup_locate.hpp"
#include "problem.hpp"
#include "reservation_ledger.hpp"
#include "root.hpp"
#include "state_dir.hpp"

namespace spawngate {

// CLOCK_BOOTTIME in milliseconds.
std::uint64_t boottime_ms();

// "ledger-<dev>-<ino>" for the caller's pids cgroup directory, or "ledger-host" when there is
// no pids cgroup (the budget is then host-wide). nullopt when the directory cannot be stat'ed.
std::optional<std::string> ledger_name(const Root& root, const std::optional<CgroupLocation>& pids);

struct ReservationsRead {
    Ledger ledger;               // live reservations only
    std::vector<Problem> notes;  // a discarded ledger, an unreadable directory: said, not fatal
};

// Reads the ledger without locking (it is only ever replaced whole).
ReservationsRead read_reservations(const std::string& state_dir, const std::string& name,
                                   std::uint64_t now_ms);

// Holds the ledger's lock for an update; released (and the descriptors closed) on destruction.
class LedgerLock {
  public:
    // Waits at most `timeout_ms` for the lock: a stuck holder never blocks a launch for long.
    static LedgerLock acquire(const std::string& state_dir, const std::string& name,
                              int timeout_ms);

    bool held() const { return lock_fd_.valid(); }
    const Problem& problem() const { return problem_; }
    // Reads, then later replaces, the ledger while the lock is held.
    ReservationsRead read(std::uint64_t now_ms) const;
    Problem write(const Ledger& ledger) const;

  private:
    StateDir dir_;
    UniqueFd lock_fd_;
    std::string name_;
    Problem problem_;
};

}  // namespace spawngate
