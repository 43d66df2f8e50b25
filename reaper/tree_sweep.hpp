#pragma once
// Finding what a tree started while it was being reaped. Pure: two snapshots in, newcomers out,
// so every way of tying a process to a tree is tested on plain structs.
//
// A newcomer is a process that did not exist at the cycle's snapshot (a pid it had not, or a pid
// reused since: another start time), started no earlier than the snapshot, and is either
//   - a child of a tree member still alive (a loop's next child, a supervisor's restart), or
//   - an orphan (its parent is PID 1 or a subreaper) in the process group of a member, or in the
//     session that a member leads: the child of a member that died during the action.
// A process the tree started in a session and group of its own, and whose parent then died, is
// out of reach: nothing in /proc ties it to the tree any more (setsid is how daemons leave).

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "process_snapshot.hpp"

namespace spawngate {

// A process of a tree being reaped, as the sweep needs it.
struct SweepMember {
    pid_t pid = 0;
    std::uint64_t start_time_ticks = 0;
    pid_t process_group = 0;
    pid_t session = 0;
    std::size_t tree = 0;  // which tree of the batch
    bool alive = true;     // not yet seen to exit
};

struct Newcomer {
    pid_t pid = 0;
    std::size_t tree = 0;
    std::string because;  // "child of pid 42 (bash)", for the log
};

// The snapshot's time in clock ticks since boot: a newcomer starts no earlier.
std::uint64_t snapshot_ticks(const BootClock& clock);

// The newcomers in `now`. `judged` holds the pids already judged by an earlier sweep (members
// and spared newcomers), which are not returned again.
std::vector<Newcomer> find_newcomers(const Snapshot& now, const Snapshot& before,
                                     std::uint64_t started_after_ticks,
                                     const std::vector<SweepMember>& members,
                                     const std::vector<std::string>& subreapers,
                                     const std::unordered_set<pid_t>& judged);

}  // namespace spawngate
