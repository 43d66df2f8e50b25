#include "gate_run.hpp"

#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <cstdlib>

#include "auto_reap.hpp"
#include "context_window.hpp"
#include "hot_path.hpp"
#include "reservation_store.hpp"
#include "transcript_tail.hpp"
#include "worker_count.hpp"

namespace spawngate {
namespace {

constexpr int kLedgerLockTimeoutMs = 500;

// Takes the tasks that end before the launch starts out of every level's count (each level
// counts its whole subtree, so they are in all of them).
void discount(std::optional<std::uint64_t>& current, std::uint64_t passing_tasks) {
    if (current) *current -= std::min(*current, passing_tasks);
}

// Re-reads the caller's own pids.current (one small read) for a decision taken under the lock.
void refresh_caller_count(const Root& root, Measurement& measurement, std::uint64_t passing_tasks) {
    if (measurement.pids_levels.empty() || !measurement.pids_levels.front().current) return;
    if (const auto fresh = read_pids_current(root, measurement.pids_levels.front().directory)) {
        measurement.pids_levels.front().current = fresh;
        discount(measurement.pids_levels.front().current, passing_tasks);
    }
}

}  // namespace

SPAWNGATE_HOT_PATH std::string state_directory(const GateSettings& settings) {
    if (!settings.state_dir.empty()) return settings.state_dir;
    if (::geteuid() == 0) return "/run/spawngate";
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime == '/')
        return std::string(runtime) + "/spawngate";
    return "/tmp/spawngate-" + std::to_string(::geteuid());
}

SPAWNGATE_HOT_PATH MeasureOptions gate_measure_options(const GateSettings& settings) {
    MeasureOptions options;
    options.reaper_heartbeat = settings.reaper_heartbeat;
    // --json reports the counts; a plain check or a hook reads only what can change the verdict.
    options.count_processes = settings.json;
    if (!settings.json) options.threads_needed_above = settings.thresholds.thread_warn;
    return options;
}

SPAWNGATE_HOT_PATH std::vector<Problem> count_live_reservations(const GateSettings& settings,
                                                                const Root& root,
                                                                Measurement& measurement) {
    const std::string directory = state_directory(settings);
    const std::optional<std::string> name = ledger_name(root, measurement.pids_location);
    if (!name) return {{"reservations", "the caller's cgroup directory cannot be identified"}};
    ReservationsRead read = read_reservations(directory, *name, boottime_ms());
    measurement.reserved_tasks =
        outstanding_tasks(read.ledger, measurement.caller_tasks().value_or(0));
    return std::move(read.notes);
}

namespace {

SPAWNGATE_HOT_PATH GateOutcome judge_once(const GateSettings& settings,
                                          const LaunchContext& launch) {
    const Root root(settings.root);
    GateOutcome out{measure(root, gate_measure_options(settings))};
    for (PidsLevel& level : out.measurement.pids_levels)
        discount(level.current, launch.passing_tasks);
    if (settings.max_workers > 0)
        out.measurement.workers =
            count_workers(root, out.measurement.pids_location, settings.worker_pattern, ::getpid());
    if (launch.context_budget || !launch.transcript_path.empty()) {
        ContextReading context = read_context_tokens(launch.transcript_path);
        out.measurement.context_tokens = context.tokens;
        out.measurement.context_model =
            std::string(session_model_id(context.session_model, context.model));
        if (context.problem) {
            context.problem->what = "cannot read the session transcript: " + context.problem->what;
            out.measurement.problems.push_back(std::move(*context.problem));
        }
    }
    if (!settings.reserve || settings.cost == 0) {
        out.notes = count_live_reservations(settings, root, out.measurement);
        out.verdict = decide(out.measurement, settings);
        return out;
    }

    const std::optional<std::string> name = ledger_name(root, out.measurement.pids_location);
    const std::string directory = state_directory(settings);
    if (!name) {
        out.notes.push_back({"reservations",
                             "the caller's cgroup directory cannot be identified; "
                             "nothing was recorded"});
    } else {
        // Read, decide and record under one lock, so concurrent launches see each other.
        const LedgerLock lock = LedgerLock::acquire(directory, *name, kLedgerLockTimeoutMs);
        // The clock and the caller's count are read under the lock: a launch that waited for
        // it must not record an older time or baseline than the one that wrote before it.
        const std::uint64_t now = boottime_ms();
        refresh_caller_count(root, out.measurement, launch.passing_tasks);
        const std::optional<std::uint64_t> caller_tasks = out.measurement.caller_tasks();
        ReservationsRead read =
            lock.held() ? lock.read(now) : read_reservations(directory, *name, now);
        if (!lock.held()) out.notes.push_back(lock.problem());
        out.measurement.reserved_tasks = outstanding_tasks(read.ledger, caller_tasks.value_or(0));
        for (auto& note : read.notes) out.notes.push_back(std::move(note));
        out.verdict = decide(out.measurement, settings);
        if (lock.held() && out.verdict.level != Level::Block && caller_tasks) {
            forget_absorbed(read.ledger, *caller_tasks);
            const Reservation reservation{now, now + settings.reservation_ttl_s * 1000,
                                          settings.cost, *caller_tasks};
            read.ledger.reservations.push_back(reservation);
            if (Problem failed = lock.write(read.ledger); !failed.what.empty()) {
                out.notes.push_back(std::move(failed));
            } else {
                out.recorded = reservation;
            }
        }
        return out;
    }
    out.verdict = decide(out.measurement, settings);
    return out;
}

// Blocks that ending processes can lift: a pids or memory limit, or the worker cap. A full
// context window or an unmeasurable budget is not the reaper's business.
bool reaping_can_help(const Verdict& verdict) {
    for (const auto* limit : {&verdict.tightest_pids, &verdict.tightest_memory, &verdict.workers})
        if (*limit && (*limit)->level == Level::Block) return true;
    return false;
}

}  // namespace

SPAWNGATE_HOT_PATH GateOutcome judge_launch(const GateSettings& settings,
                                            const LaunchContext& launch) {
    GateOutcome out = judge_once(settings, launch);
    if (!settings.auto_reap || out.verdict.level != Level::Block || !reaping_can_help(out.verdict))
        return out;
    AutoReapResult reaped = auto_reap(settings);
    out.auto_reaped = reaped.reaped;
    if (reaped.reaped == 0) {
        for (auto& note : reaped.notes) out.notes.push_back(std::move(note));
        return out;
    }
    // Ended processes leave pids.current once their parents have reaped them: give that a few
    // moments before judging again.
    GateOutcome again;
    for (int attempt = 0; attempt < 10; ++attempt) {
        again = judge_once(settings, launch);
        if (again.verdict.level != Level::Block) break;
        const timespec pause{0, 20'000'000};
        ::nanosleep(&pause, nullptr);
    }
    again.auto_reaped = reaped.reaped;
    for (auto& note : reaped.notes) again.notes.push_back(std::move(note));
    return again;
}

}  // namespace spawngate
