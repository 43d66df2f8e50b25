#include "verdict_report.hpp"

#include <cstdio>

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
            return "pids.max in " + limit.directory;
        case JudgedLimit::Kind::CgroupMemory:
            return "memory limit in " + limit.directory;
        case JudgedLimit::Kind::Budget:
            return "--budget / SPAWNGATE_BUDGET / budget";
        case JudgedLimit::Kind::Host:
            return "host-wide, no cgroup level has a pids limit";
        case JudgedLimit::Kind::Context:
            return limit.directory.empty()
                       ? "latest usage in the session transcript"
                       : "latest usage in the session transcript, model " + limit.directory;
        case JudgedLimit::Kind::Workers:
            return "processes matching /" + limit.name + "/";
    }
    return {};
}

std::string limit_title(const JudgedLimit& limit) {
    switch (limit.kind) {
        case JudgedLimit::Kind::CgroupPids:
            return "pids limit of cgroup " + limit.name;
        case JudgedLimit::Kind::CgroupMemory:
            return "memory limit of cgroup " + limit.name;
        case JudgedLimit::Kind::Budget:
            return "explicit task budget";
        case JudgedLimit::Kind::Host:
            return "host limit " + limit.name;
        case JudgedLimit::Kind::Context:
            return "context window of this agent session";
        case JudgedLimit::Kind::Workers:
            return "worker cap";
    }
    return {};
}

std::string numbers(const JudgedLimit& limit) {
    if (is_memory(limit))
        return format_bytes(limit.current) + " anon+shmem of " + format_bytes(limit.max);
    if (limit.kind == JudgedLimit::Kind::Context)
        return std::to_string(limit.current) + " of " + std::to_string(limit.max) + " tokens";
    if (limit.kind == JudgedLimit::Kind::Workers)
        return std::to_string(limit.current) + " running + 1 of " + std::to_string(limit.max) +
               " workers";
    std::string text = std::to_string(limit.current);
    if (limit.reserved) text += " + " + std::to_string(limit.reserved) + " reserved";
    if (limit.added) text += " + " + std::to_string(limit.added);
    return text + " of " + std::to_string(limit.max) + " tasks";
}

}  // namespace

std::string format_percent(double ratio) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", ratio * 100.0);
    return text;
}

std::string format_bytes(std::uint64_t bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024.0 && unit < 5) {
        value /= 1024.0;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
    return text;
}

std::string describe_limit(const JudgedLimit& limit) {
    return limit_title(limit) + " (" + where_read(limit) + "): " + numbers(limit) + ", " +
           format_percent(limit.ratio());
}

SPAWNGATE_HOT_PATH std::string warning_line(const Verdict& verdict, const GateSettings& settings) {
    if (verdict.level != Level::Warn) return {};
    std::string text;
    const JudgedLimit* limit = deciding_limit(verdict);
    if (limit && limit->level == Level::Warn && limit->name == kAssumedWindowName) {
        text += "spawngate: warning: " + describe_limit(*limit) +
                " of an assumed window: the transcript names no model whose window is known, so "
                "this only warns; set --context-window (context_window_tokens) to block subagent "
                "launches at " +
                format_percent(settings.thresholds.context_block_ratio) + "\n";
    } else if (limit && limit->level == Level::Warn) {
        const double block = is_memory(*limit) ? settings.thresholds.memory_block_ratio
                                               : settings.thresholds.block_ratio;
        text += "spawngate: warning: " + describe_limit(*limit) + "; launches block at " +
                format_percent(block) + "\n";
    }
    if (verdict.threads_over_warn) {
        text += "spawngate: warning: " + std::to_string(verdict.threads.value_or(0)) +
                " threads in this cgroup (warns above " +
                std::to_string(settings.thresholds.thread_warn) +
                "; every thread counts against pids limits)\n";
    }
    if (!verdict.reaper_stale.empty()) text += "spawngate: warning: " + verdict.reaper_stale + "\n";
    return text;
}

std::string block_guidance(const Verdict& verdict, const GateSettings& settings) {
    std::string text;
    const JudgedLimit* limit = deciding_limit(verdict);
    if (!limit || limit->level != Level::Block) {
        // Blocked by --fail-closed: nothing decided on numbers.
        text =
            "spawngate: blocked: the task budget could not be fully measured and --fail-closed "
            "is set.\n";
        for (const auto& problem : verdict.problems)
            text += "  could not read: " + problem.text() + "\n";
        text +=
            "  what to do: fix the unreadable files above, or drop --fail-closed to allow "
            "launches when the budget is unknown.\n";
        return text;
    }
    if (limit->kind == JudgedLimit::Kind::Workers) {
        return "spawngate: blocked: worker cap: " + std::to_string(limit->current) +
               " workers (processes matching /" + limit->name +
               "/) already run in this cgroup, "
               "and at most " +
               std::to_string(limit->max) +
               " may run at once.\n"
               "  what to do: wait for a running worker to finish, or queue this launch; the cap "
               "(max_workers) keeps a burst of agents from exhausting the container.\n";
    }
    const double block = is_memory(*limit) ? settings.thresholds.memory_block_ratio
                         : limit->kind == JudgedLimit::Kind::Context
                             ? settings.thresholds.context_block_ratio
                             : settings.thresholds.block_ratio;
    text = "spawngate: blocked: " + describe_limit(*limit) + " is at or above the block level " +
           format_percent(block) + ".\n";
    if (limit->reserved) {
        text += "  " + std::to_string(limit->reserved) +
                " of those tasks are reserved by launches admitted moments ago (--reserve) that "
                "have not appeared yet; reservations expire after at most " +
                std::to_string(settings.reservation_ttl_s) + " s\n";
    }
    if (limit->kind == JudgedLimit::Kind::Context) {
        text +=
            "  what to do: finish or compact this session (/compact) before launching more "
            "subagents; each subagent's report lands in an already crowded context.\n";
        return text;
    }
    if (is_memory(*limit)) {
        text +=
            "  what to do: wait for running work to finish; end leaking workers "
            "(`spawnreaper --once` applies the configured rules); or raise the memory limit.\n";
        return text;
    }
    if (verdict.threads) {
        text += "  threads in this cgroup: " + std::to_string(*verdict.threads) +
                " (each counts as a task)\n";
    }
    text +=
        "  what to do: wait for running work to finish; run `spawnreaper --once` to end "
        "stale deploy processes and orphaned interpreters; or raise the limit";
    if (limit->kind == JudgedLimit::Kind::CgroupPids)
        text += " (write a larger number to " + limit->directory +
                "/pids.max, or raise the "
                "container's pids limit)";
    text += ".\n";
    return text;
}

std::string state_line(const Verdict& verdict, const GateSettings& settings) {
    const JudgedLimit* limit = deciding_limit(verdict);
    if (!limit || limit->level != Level::Block)
        return "spawngate: the task budget could not be fully measured; with --fail-closed, new "
               "launches will be blocked.\n";
    if (limit->kind == JudgedLimit::Kind::Workers)
        return "spawngate: " + std::to_string(limit->current) +
               " workers already run in this cgroup (the cap is " + std::to_string(limit->max) +
               "); new worker launches will be blocked until one finishes.\n";
    const double block = is_memory(*limit) ? settings.thresholds.memory_block_ratio
                         : limit->kind == JudgedLimit::Kind::Context
                             ? settings.thresholds.context_block_ratio
                             : settings.thresholds.block_ratio;
    std::string text = "spawngate: " + describe_limit(*limit) + " (the block level is " +
                       format_percent(block) +
                       "); new launches (subagents, background processes) will be blocked until "
                       "it drops below that.";
    if (limit->kind != JudgedLimit::Kind::Context)
        text +=
            " Commands like this one still run: `spawnreaper --once` ends stale deploy "
            "processes and orphaned interpreters.";
    return text + "\n";
}

SPAWNGATE_HOT_PATH std::string measurement_note(const Verdict& verdict,
                                                const Measurement& measurement,
                                                const GateSettings& settings) {
    const char* consequence =
        settings.fail_closed ? "blocking (--fail-closed)" : "allowing (--fail-closed would block)";
    if (verdict.unmeasured) {
        std::string why = measurement.pids_unavailable;
        for (const auto& problem : verdict.problems)
            why += (why.empty() ? "" : "; ") + problem.text();
        if (why.empty()) why = "no pids limit could be read";
        return "spawngate: could not measure the task budget: " + why + "; " + consequence + "\n";
    }
    if (verdict.incomplete) {
        std::string text = "spawngate: some limits could not be read: ";
        bool first = true;
        for (const auto& problem : verdict.problems) {
            text += (first ? "" : "; ") + problem.text();
            first = false;
        }
        return text + (settings.fail_closed ? "; blocking (--fail-closed)\n"
                                            : "; the verdict uses the levels that were read\n");
    }
    return {};
}

SPAWNGATE_HOT_PATH std::string notes_text(const std::vector<Problem>& notes) {
    std::string text;
    for (const auto& note : notes) text += "spawngate: note: " + note.text() + "\n";
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
