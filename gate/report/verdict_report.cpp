#include "verdict_report.hpp"

#include <fmt/format.h>

#include <iterator>

#include "context_window.hpp"
#include "hot_path.hpp"
#include "json_writer.hpp"

namespace spawngate {
namespace {

const char* kind_name(JudgedLimit::Kind kind) {
    switch (kind) {
        case JudgedLimit::Kind::CgroupPids:
            return "cgroup-pids";
        case JudgedLimit::Kind::Budget:
            return "budget";
        case JudgedLimit::Kind::Host:
            return "host";
        case JudgedLimit::Kind::CgroupMemory:
            return "cgroup-memory";
        case JudgedLimit::Kind::Context:
            return "context";
        case JudgedLimit::Kind::Workers:
            return "workers";
    }
    return "unknown";
}

bool is_memory(const JudgedLimit& limit) {
    return limit.kind == JudgedLimit::Kind::CgroupMemory;
}

// The most severe concern: pids first on a tie (it is the resource a launch spends), then
// memory, then the context window.
const JudgedLimit* deciding_limit(const Verdict& verdict) {
    const JudgedLimit* deciding = nullptr;
    for (const auto* candidate :
         {&verdict.tightest_pids, &verdict.tightest_memory, &verdict.context, &verdict.workers}) {
        if (!*candidate) continue;
        if (!deciding || (*candidate)->level > deciding->level) deciding = &**candidate;
    }
    return deciding;
}

std::string where_read(const JudgedLimit& limit) {
    switch (limit.kind) {
        case JudgedLimit::Kind::CgroupPids:
            return fmt::format("pids.max in {}", limit.directory);
        case JudgedLimit::Kind::CgroupMemory:
            return fmt::format("memory limit in {}", limit.directory);
        case JudgedLimit::Kind::Budget:
            return "--budget / SPAWNGATE_BUDGET / budget";
        case JudgedLimit::Kind::Host:
            return "host-wide, no cgroup level has a pids limit";
        case JudgedLimit::Kind::Context:
            return limit.directory.empty()
                       ? "latest usage in the session transcript"
                       : fmt::format("latest usage in the session transcript, model {}",
                                     limit.directory);
        case JudgedLimit::Kind::Workers:
            return fmt::format("processes matching /{}/", limit.name);
    }
    return {};
}

std::string limit_title(const JudgedLimit& limit) {
    switch (limit.kind) {
        case JudgedLimit::Kind::CgroupPids:
            return fmt::format("pids limit of cgroup {}", limit.name);
        case JudgedLimit::Kind::CgroupMemory:
            return fmt::format("memory limit of cgroup {}", limit.name);
        case JudgedLimit::Kind::Budget:
            return "explicit task budget";
        case JudgedLimit::Kind::Host:
            return fmt::format("host limit {}", limit.name);
        case JudgedLimit::Kind::Context:
            return "context window of this agent session";
        case JudgedLimit::Kind::Workers:
            return "worker cap";
    }
    return {};
}

using Out = std::back_insert_iterator<std::string>;

void numbers_to(Out out, const JudgedLimit& limit) {
    if (is_memory(limit)) {
        fmt::format_to(out, "{} anon+shmem of {}", format_bytes(limit.current),
                       format_bytes(limit.max));
        return;
    }
    if (limit.kind == JudgedLimit::Kind::Context) {
        fmt::format_to(out, "{} of {} tokens", limit.current, limit.max);
        return;
    }
    if (limit.kind == JudgedLimit::Kind::Workers) {
        fmt::format_to(out, "{} running + 1 of {} workers", limit.current, limit.max);
        return;
    }
    fmt::format_to(out, "{}", limit.current);
    if (limit.reserved) fmt::format_to(out, " + {} reserved", limit.reserved);
    if (limit.added) fmt::format_to(out, " + {}", limit.added);
    fmt::format_to(out, " of {} tasks", limit.max);
}

// "pids limit of cgroup /agents (pids.max in ...): 170 + 5 of 200 tasks, 87.5%"
void describe_limit_to(Out out, const JudgedLimit& limit) {
    fmt::format_to(out, "{} ({}): ", limit_title(limit), where_read(limit));
    numbers_to(out, limit);
    fmt::format_to(out, ", {:.1f}%", limit.ratio() * 100.0);
}

double block_ratio_of(const JudgedLimit& limit, const GateSettings& settings) {
    if (is_memory(limit)) return settings.thresholds.memory_block_ratio;
    if (limit.kind == JudgedLimit::Kind::Context) return settings.thresholds.context_block_ratio;
    return settings.thresholds.block_ratio;
}

}  // namespace

std::string format_percent(double ratio) {
    return fmt::format("{:.1f}%", ratio * 100.0);
}

std::string format_bytes(std::uint64_t bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024.0 && unit < 5) {
        value /= 1024.0;
        ++unit;
    }
    return unit == 0 ? fmt::format("{:.0f} {}", value, kUnits[unit])
                     : fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string describe_limit(const JudgedLimit& limit) {
    std::string text;
    describe_limit_to(std::back_inserter(text), limit);
    return text;
}

SPAWNGATE_HOT_PATH std::string warning_line(const Verdict& verdict, const GateSettings& settings) {
    if (verdict.level != Level::Warn) return {};
    std::string text;
    const Out out = std::back_inserter(text);
    const JudgedLimit* limit = deciding_limit(verdict);
    if (limit && limit->level == Level::Warn) {
        fmt::format_to(out, "spawngate: warning: ");
        describe_limit_to(out, *limit);
        if (limit->name == kAssumedWindowName)
            fmt::format_to(out,
                           " of an assumed window: the transcript names no model whose window is "
                           "known, so this only warns; set --context-window "
                           "(context_window_tokens) to block subagent launches at {:.1f}%\n",
                           settings.thresholds.context_block_ratio * 100.0);
        else
            fmt::format_to(out, "; launches block at {:.1f}%\n",
                           block_ratio_of(*limit, settings) * 100.0);
    }
    if (verdict.threads_over_warn)
        fmt::format_to(out,
                       "spawngate: warning: {} threads in this cgroup (warns above {}; every "
                       "thread counts against pids limits)\n",
                       verdict.threads.value_or(0), settings.thresholds.thread_warn);
    if (!verdict.reaper_stale.empty())
        fmt::format_to(out, "spawngate: warning: {}\n", verdict.reaper_stale);
    return text;
}

std::string block_guidance(const Verdict& verdict, const GateSettings& settings) {
    std::string text;
    const Out out = std::back_inserter(text);
    const JudgedLimit* limit = deciding_limit(verdict);
    if (!limit || limit->level != Level::Block) {
        // Blocked by --fail-closed: nothing decided on numbers.
        fmt::format_to(out,
                       "spawngate: blocked: the task budget could not be fully measured and "
                       "--fail-closed is set.\n");
        for (const auto& problem : verdict.problems)
            fmt::format_to(out, "  could not read: {}\n", problem.text());
        fmt::format_to(out,
                       "  what to do: fix the unreadable files above, or drop --fail-closed to "
                       "allow launches when the budget is unknown.\n");
        return text;
    }
    if (limit->kind == JudgedLimit::Kind::Workers) {
        fmt::format_to(out,
                       "spawngate: blocked: worker cap: {} workers (processes matching /{}/) "
                       "already run in this cgroup, and at most {} may run at once.\n"
                       "  what to do: wait for a running worker to finish, or queue this launch; "
                       "the cap (max_workers) keeps a burst of agents from exhausting the "
                       "container.\n",
                       limit->current, limit->name, limit->max);
        return text;
    }
    fmt::format_to(out, "spawngate: blocked: ");
    describe_limit_to(out, *limit);
    fmt::format_to(out, " is at or above the block level {:.1f}%.\n",
                   block_ratio_of(*limit, settings) * 100.0);
    if (limit->reserved)
        fmt::format_to(out,
                       "  {} of those tasks are reserved by launches admitted moments ago "
                       "(--reserve) that have not appeared yet; reservations expire after at "
                       "most {} s\n",
                       limit->reserved, settings.reservation_ttl_s);
    if (limit->kind == JudgedLimit::Kind::Context) {
        fmt::format_to(out,
                       "  what to do: finish or compact this session (/compact) before launching "
                       "more subagents; each subagent's report lands in an already crowded "
                       "context.\n");
        return text;
    }
    if (is_memory(*limit)) {
        fmt::format_to(out,
                       "  what to do: wait for running work to finish; end leaking workers "
                       "(`spawnreaper --once` applies the configured rules); or raise the memory "
                       "limit.\n");
        return text;
    }
    if (verdict.threads)
        fmt::format_to(out, "  threads in this cgroup: {} (each counts as a task)\n",
                       *verdict.threads);
    fmt::format_to(out,
                   "  what to do: wait for running work to finish; run `spawnreaper --once` to "
                   "end stale deploy processes and orphaned interpreters; or raise the limit");
    if (limit->kind == JudgedLimit::Kind::CgroupPids)
        fmt::format_to(out,
                       " (write a larger number to {}/pids.max, or raise the container's pids "
                       "limit)",
                       limit->directory);
    fmt::format_to(out, ".\n");
    return text;
}

std::string state_line(const Verdict& verdict, const GateSettings& settings) {
    const JudgedLimit* limit = deciding_limit(verdict);
    if (!limit || limit->level != Level::Block)
        return "spawngate: the task budget could not be fully measured; with --fail-closed, new "
               "launches will be blocked.\n";
    if (limit->kind == JudgedLimit::Kind::Workers)
        return fmt::format(
            "spawngate: {} workers already run in this cgroup (the cap is {}); new worker "
            "launches will be blocked until one finishes.\n",
            limit->current, limit->max);
    std::string text;
    const Out out = std::back_inserter(text);
    fmt::format_to(out, "spawngate: ");
    describe_limit_to(out, *limit);
    fmt::format_to(out,
                   " (the block level is {:.1f}%); new launches (subagents, background processes) "
                   "will be blocked until it drops below that.",
                   block_ratio_of(*limit, settings) * 100.0);
    if (limit->kind != JudgedLimit::Kind::Context)
        fmt::format_to(out,
                       " Commands like this one still run: `spawnreaper --once` ends stale "
                       "deploy processes and orphaned interpreters.");
    fmt::format_to(out, "\n");
    return text;
}

SPAWNGATE_HOT_PATH std::string measurement_note(const Verdict& verdict,
                                                const Measurement& measurement,
                                                const GateSettings& settings) {
    if (!verdict.unmeasured && !verdict.incomplete) return {};
    std::vector<std::string> problems;
    problems.reserve(verdict.problems.size());
    for (const auto& problem : verdict.problems) problems.push_back(problem.text());
    if (verdict.unmeasured) {
        std::string why = measurement.pids_unavailable;
        if (!problems.empty())
            why = fmt::format("{}{}{}", why, why.empty() ? "" : "; ", fmt::join(problems, "; "));
        if (why.empty()) why = "no pids limit could be read";
        return fmt::format("spawngate: could not measure the task budget: {}; {}\n", why,
                           settings.fail_closed ? "blocking (--fail-closed)"
                                                : "allowing (--fail-closed would block)");
    }
    return fmt::format("spawngate: some limits could not be read: {}; {}\n",
                       fmt::join(problems, "; "),
                       settings.fail_closed ? "blocking (--fail-closed)"
                                            : "the verdict uses the levels that were read");
}

SPAWNGATE_HOT_PATH std::string notes_text(const std::vector<Problem>& notes) {
    std::string text;
    for (const auto& note : notes)
        fmt::format_to(std::back_inserter(text), "spawngate: note: {}\n", note.text());
    return text;
}

std::string verdict_json(const Verdict& verdict, const Measurement& m, const GateSettings& settings,
                         const Reservation* recorded) {
    JsonWriter json;
    json.begin_object();
    json.field("verdict", level_name(verdict.level));
    json.field("cost", settings.cost);
    json.field("reserved_tasks", m.reserved_tasks);
    json.key("deciding");
    if (const JudgedLimit* limit = deciding_limit(verdict)) {
        json.begin_object()
            .field("kind", kind_name(limit->kind))
            .field("name", limit->name)
            .field("percent", limit->ratio() * 100.0)
            .end_object();
    } else {
        json.null();
    }
    json.key("thresholds")
        .begin_object()
        .field("warn_percent", settings.thresholds.warn_ratio * 100.0)
        .field("block_percent", settings.thresholds.block_ratio * 100.0)
        .field("thread_warn", settings.thresholds.thread_warn)
        .field("memory_warn_percent", settings.thresholds.memory_warn_ratio * 100.0)
        .field("memory_block_percent", settings.thresholds.memory_block_ratio * 100.0)
        .field("context_block_percent", settings.thresholds.context_block_ratio * 100.0)
        .end_object();
    json.key("limits").begin_array();
    for (const auto& limit : verdict.limits) {
        json.begin_object()
            .field("kind", kind_name(limit.kind))
            .field("name", limit.name)
            .field("path", limit.directory)
            .field("current", limit.current)
            .field("reserved", limit.reserved)
            .field("added", limit.added)
            .field("max", limit.max)
            .field("percent", limit.ratio() * 100.0)
            .field("level", level_name(limit.level))
            .end_object();
    }
    json.end_array();
    json.key("levels").begin_array();
    for (const auto& level : m.pids_levels) {
        json.begin_object()
            .field("cgroup", level.cgroup)
            .field("path", level.directory)
            .field("current", level.current)
            .field("max", level.max)
            .end_object();
    }
    json.end_array();
    json.field("processes", m.tasks.processes);
    json.field("threads", m.tasks.threads);
    json.field("threads_over_warn", verdict.threads_over_warn);
    json.key("memory");
    if (verdict.tightest_memory) {
        json.begin_object()
            .field("cgroup", verdict.tightest_memory->name)
            .field("charged_bytes", verdict.tightest_memory->current)
            .field("limit_bytes", verdict.tightest_memory->max)
            .field("percent", verdict.tightest_memory->ratio() * 100.0)
            .end_object();
    } else {
        json.null();
    }
    json.key("context");
    if (verdict.context) {
        json.begin_object()
            .field("tokens", verdict.context->current)
            .field("window_tokens", verdict.context->max)
            .field("percent", verdict.context->ratio() * 100.0)
            .end_object();
    } else {
        json.null();
    }
    json.key("reservation");
    if (recorded) {
        json.begin_object()
            .field("tasks", recorded->tasks)
            .field("baseline", recorded->baseline)
            .field("expires_in_s", (recorded->expires_ms - recorded->created_ms) / 1000)
            .end_object();
    } else {
        json.null();
    }
    json.field("unmeasured", verdict.unmeasured);
    json.key("problems").begin_array();
    for (const auto& problem : verdict.problems) json.value(problem.text());
    json.end_array();
    json.end_object();
    return json.text();
}

}  // namespace spawngate
