#include "verdict.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "context_window.hpp"
#include "hot_path.hpp"

namespace spawngate {
namespace {

Level level_for(double ratio, double warn, double block) {
    if (ratio >= block) return Level::Block;
    if (ratio >= warn) return Level::Warn;
    return Level::Allow;
}

}  // namespace

double JudgedLimit::ratio() const {
    // Summed as doubles: absurd counts (a garbage pids.current, --cost 18446744073709551615) must
    // read as over the limit, never wrap to a small total (found by fuzz/fuzz_measure.cpp).
    const double total =
        static_cast<double>(current) + static_cast<double>(reserved) + static_cast<double>(added);
    if (max == 0) return total > 0 ? 1e9 : 0.0;
    return total / static_cast<double>(max);
}

const char* level_name(Level level) {
    switch (level) {
        case Level::Allow:
            return "allow";
        case Level::Warn:
            return "warn";
        case Level::Block:
            return "block";
    }
    return "allow";
}

SPAWNGATE_HOT_PATH Verdict decide(const Measurement& m, const GateSettings& settings) {
    const Thresholds& t = settings.thresholds;
    Verdict verdict;
    verdict.problems = m.problems;

    std::vector<JudgedLimit> pids;
    for (const auto& level : m.pids_levels) {
        if (!level.max || !level.current) continue;
        pids.push_back({JudgedLimit::Kind::CgroupPids, level.cgroup, level.directory,
                        *level.current, m.reserved_tasks, settings.cost, *level.max});
    }
    if (settings.budget) {
        if (const auto current = m.caller_tasks()) {
            pids.push_back({JudgedLimit::Kind::Budget,
                            "--budget",
                            {},
                            *current,
                            m.reserved_tasks,
                            settings.cost,
                            *settings.budget});
        } else {
            verdict.problems.push_back({"--budget", "no task count to compare the budget with"});
        }
    }
    // Host limits apply only where no cgroup level carries a limit of its own.
    if (!m.has_cgroup_pids_limit()) {
        for (const auto& host : m.host_limits)
            pids.push_back({JudgedLimit::Kind::Host,
                            host.name,
                            {},
                            host.current,
                            m.reserved_tasks,
                            settings.cost,
                            host.max});
    }
    for (auto& limit : pids) limit.level = level_for(limit.ratio(), t.warn_ratio, t.block_ratio);
    std::stable_sort(pids.begin(), pids.end(), [](const JudgedLimit& a, const JudgedLimit& b) {
        return a.ratio() > b.ratio();
    });
    if (!pids.empty()) verdict.tightest_pids = pids.front();

    std::vector<JudgedLimit> memory;
    for (const auto& level : m.memory_levels) {
        if (!level.limit_bytes || !level.usage) continue;
        memory.push_back({JudgedLimit::Kind::CgroupMemory, level.cgroup, level.directory,
                          level.usage->charged(), 0, 0, *level.limit_bytes});
    }
    for (auto& limit : memory)
        limit.level = level_for(limit.ratio(), t.memory_warn_ratio, t.memory_block_ratio);
    std::stable_sort(memory.begin(), memory.end(), [](const JudgedLimit& a, const JudgedLimit& b) {
        return a.ratio() > b.ratio();
    });
    if (!memory.empty()) verdict.tightest_memory = memory.front();

    if (m.context_tokens) {
        const ContextWindow window =
            context_window(m.context_model, settings.context_window_tokens);
        JudgedLimit context{JudgedLimit::Kind::Context,
                            std::string(window.known ? "context window" : kAssumedWindowName),
                            m.context_model,
                            *m.context_tokens,
                            0,
                            0,
                            window.tokens};
        // A window nobody told us of is an assumption: it may warn, never block.
        const bool full = context.ratio() >= t.context_block_ratio;
        context.level = !full ? Level::Allow : window.known ? Level::Block : Level::Warn;
        verdict.context = context;
    }

    if (m.reaper.state == HeartbeatState::Late && m.reaper.ahead_s > 0) {
        verdict.reaper_stale = fmt::format(
            "the reaper's last heartbeat is dated {} s in the future (was the clock stepped "
            "back?); a reaper that runs every {} s rewrites it within one interval, so if this "
            "persists it has stopped (check `systemctl status spawnreaper.timer` or the reaper's "
            "log)",
            m.reaper.ahead_s, m.reaper.heartbeat->interval_s);
    } else if (m.reaper.state == HeartbeatState::Late) {
        verdict.reaper_stale = fmt::format(
            "the reaper last ran {} s ago but runs every {} s: stale processes are piling up "
            "unreaped (check `systemctl status spawnreaper.timer` or the reaper's log)",
            m.reaper.age_s, m.reaper.heartbeat->interval_s);
    } else if (m.reaper.state == HeartbeatState::Missing && m.reaper_configured) {
        verdict.reaper_stale = fmt::format(
            "a reaper is configured ({}) but has not run since boot (no heartbeat); enable "
            "spawnreaper.timer or run `spawnreaper --watch 2m`",
            kReaperConfigPath);
    } else if (m.reaper.state == HeartbeatState::Malformed) {
        verdict.reaper_stale = fmt::format(
            "the reaper's heartbeat file {} is not a heartbeat; is another program writing there?",
            settings.reaper_heartbeat);
    }

    if (settings.max_workers > 0 && m.workers) {
        // At the cap means no room for this launch: current + 1 over max blocks.
        JudgedLimit workers{
            JudgedLimit::Kind::Workers, settings.worker_pattern, {}, *m.workers, 0, 1,
            settings.max_workers};
        workers.level = *m.workers >= settings.max_workers ? Level::Block : Level::Allow;
        verdict.workers = workers;
    } else if (settings.max_workers > 0) {
        verdict.problems.push_back({"--max-workers", "the workers could not be counted"});
    }

    verdict.threads = m.tasks.threads;
    verdict.threads_over_warn = m.tasks.threads && *m.tasks.threads > t.thread_warn;

    verdict.level =
        std::max({verdict.tightest_pids ? verdict.tightest_pids->level : Level::Allow,
                  verdict.tightest_memory ? verdict.tightest_memory->level : Level::Allow,
                  verdict.context ? verdict.context->level : Level::Allow,
                  verdict.workers ? verdict.workers->level : Level::Allow,
                  verdict.threads_over_warn ? Level::Warn : Level::Allow,
                  verdict.reaper_stale.empty() ? Level::Allow : Level::Warn});
    verdict.limits = std::move(pids);
    verdict.limits.insert(verdict.limits.end(), memory.begin(), memory.end());
    if (verdict.context) verdict.limits.push_back(*verdict.context);
    if (verdict.workers) verdict.limits.push_back(*verdict.workers);

    verdict.unmeasured = !verdict.tightest_pids;
    verdict.incomplete = !verdict.problems.empty();
    if ((verdict.unmeasured || verdict.incomplete) && settings.fail_closed)
        verdict.level = Level::Block;
    return verdict;
}

}  // namespace spawngate
