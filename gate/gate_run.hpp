#pragma once
// One judgement of a launch, start to finish: measure, count live reservations, decide, and for
// --reserve record the admitted launch. Shared by the plain check and every hook protocol.

#include <optional>
#include <string>
#include <vector>

#include "measurement.hpp"
#include "reservation_ledger.hpp"
#include "settings.hpp"
#include "verdict.hpp"

namespace spawngate {

struct GateOutcome {
    Measurement measurement;
    Verdict verdict{};
    std::optional<Reservation> recorded{};  // the reservation this launch left, with --reserve
    std::vector<Problem> notes{};           // ledger trouble, auto-reap: reported, never fatal
    std::size_t auto_reaped = 0;            // processes the in-process reaper cycle ended
};

// What the hook said about the call being judged (nothing for a plain check).
struct LaunchContext {
    std::string transcript_path;  // read for the context budget when set
    bool context_budget = false;  // a subagent launch: judged even when the hook named no
                                  // transcript (a missing one follows the failure policy)
    // Tasks counted in pids.current now that end before the launch starts (the gate, the hook
    // runner's shell): not charged to it.
    std::uint64_t passing_tasks = 0;
};

GateOutcome judge_launch(const GateSettings& settings, const LaunchContext& launch = {});

// What the gate reads for a verdict: only what the verdict (and --json) needs.
MeasureOptions gate_measure_options(const GateSettings& settings);

// Counts the live reservations of the caller's cgroup into `measurement` (without the lock:
// the ledger is only ever replaced whole); returns notes about ledger trouble.
std::vector<Problem> count_live_reservations(const GateSettings& settings, const Root& root,
                                             Measurement& measurement);

// The state directory in force: --state-dir, else /run/spawngate for root, else
// $XDG_RUNTIME_DIR/spawngate, else /tmp/spawngate-UID (checked before use like any other).
std::string state_directory(const GateSettings& settings);

}  // namespace spawngate
