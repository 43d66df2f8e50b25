#pragma once
// The reaper's heartbeat: written at the end of every cycle, read by the gate to warn when a
// configured reaper has stopped running ("supervise the supervisor": a reaper that silently
// stopped is the next incident). The file is a few "key value" lines:
//
//   spawnreaper-heartbeat 1
//   time_unix_s 1795617354
//   interval_s 120
//   pid 4242
//   cycle 17
//   reaped 2
//   failed 0
//
// The default location is /run/spawngate/reaper.heartbeat. It is replaced atomically, so a reader
// never sees half of one.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "problem.hpp"
#include "root.hpp"

namespace spawngate {

inline constexpr std::string_view kDefaultHeartbeatPath = "/run/spawngate/reaper.heartbeat";

struct ReaperHeartbeat {
    std::uint64_t time_unix_s = 0;  // when the cycle ended (wall clock)
    std::uint64_t interval_s = 0;   // how often a cycle is expected (the timer or --watch period)
    pid_t pid = 0;                  // the reaper that wrote it
    std::uint64_t cycle = 0;        // cycles run by that reaper (1 for every --once run)
    std::uint64_t reaped = 0;       // processes reaped in that cycle
    std::uint64_t failed = 0;       // kills that failed in that cycle
};

std::string format_heartbeat(const ReaperHeartbeat& heartbeat);

// nullopt when the text is not a heartbeat (wrong first line, missing or non-numeric fields).
std::optional<ReaperHeartbeat> parse_heartbeat(std::string_view text);

enum class HeartbeatState {
    Fresh,      // a cycle ran within `missed_cycles` intervals
    Late,       // the last cycle is older than `missed_cycles` intervals: the reaper stopped
    Missing,    // no heartbeat file: the reaper never ran (or runs elsewhere)
    Malformed,  // a file that is not a heartbeat
};

struct HeartbeatRead {
    HeartbeatState state = HeartbeatState::Missing;
    std::optional<ReaperHeartbeat> heartbeat;
    std::uint64_t age_s = 0;    // now - time_unix_s, when there is a heartbeat
    std::uint64_t ahead_s = 0;  // time_unix_s - now, when the heartbeat is dated in the future
};

// Reads the heartbeat at `path` below `root` and judges it against `now_unix_s`: Late when more
// than `missed_cycles` intervals have passed (the gate warns after three), or when it is dated
// more than that far in the future (see judge_heartbeat_age). Small, allocation-light
// and without JSON, so the gate can call it on its hot path.
HeartbeatRead read_heartbeat(const Root& root, std::string_view path, std::uint64_t now_unix_s,
                             std::uint64_t missed_cycles = 3);

// The judgement alone: `heartbeat` read at wall-clock time `now_unix_s`. The heartbeat carries
// wall-clock time (the gate and the reaper share no other clock across processes and boots),
// so a step of the clock shows here. Stepped back, the heartbeat is dated in the future: within
// the allowed window it reads Fresh, beyond it Late (a reaper still running rewrites it within
// one interval; one that stopped must not read as fresh until the clock catches up, possibly
// days later). Stepped forward, it reads Late until the next cycle rewrites it. Either way a
// step costs at most one interval of warning, never a block and never lasting silence.
HeartbeatRead judge_heartbeat_age(const ReaperHeartbeat& heartbeat, std::uint64_t now_unix_s,
                                  std::uint64_t missed_cycles = 3);

// Writes the heartbeat to `path` (its directory is checked as a StateDir and created if missing).
// Returns an empty Problem on success.
Problem write_heartbeat(std::string_view path, const ReaperHeartbeat& heartbeat);

}  // namespace spawngate
