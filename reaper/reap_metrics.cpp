#include "reap_metrics.hpp"

#include <fmt/format.h>

#include <iterator>

#include "state_dir.hpp"
#include "text_parse.hpp"

namespace spawngate {
namespace {

constexpr std::string_view kDecisions = "spawnreaper_decisions_total{";
constexpr std::string_view kCycles = "spawnreaper_cycles_total ";

// Prometheus label values escape backslash, double quote and newline.
std::string escape_label(std::string_view value) {
    std::string escaped;
    for (const char c : value) {
        if (c == '\n') {
            escaped += "\\n";
            continue;
        }
        if (c == '\\' || c == '"') escaped += '\\';
        escaped += c;
    }
    return escaped;
}

// Reads `name="value"` at the start of `text`, unescaping; advances past it.
std::optional<std::string> read_label(std::string_view& text, std::string_view name) {
    const std::string opening = fmt::format("{}=\"", name);
    if (!text.starts_with(opening)) return std::nullopt;
    text.remove_prefix(opening.size());
    std::string value;
    while (!text.empty()) {
        const char c = text.front();
        text.remove_prefix(1);
        if (c == '"') return value;
        if (c == '\\' && !text.empty()) {
            value += text.front() == 'n' ? '\n' : text.front();
            text.remove_prefix(1);
            continue;
        }
        value += c;
    }
    return std::nullopt;
}

std::string outcome_label(const DecisionRecord& record) {
    switch (record.action) {
        case Action::Spared:
            return "spared";
        case Action::Suppressed:
            return "suppressed";
        case Action::DryRun:
            return "dry_run";
        case Action::Reap:
            break;
    }
    const TargetResult* victim = record.victim_result();
    return victim ? outcome_name(victim->outcome) : "unknown";
}

}  // namespace

ReapTotals parse_metrics_totals(std::string_view text) {
    ReapTotals totals;
    while (auto line = next_line(text)) {
        if (line->starts_with(kCycles)) {
            totals.cycles = parse_u64(line->substr(kCycles.size())).value_or(0);
            continue;
        }
        if (!line->starts_with(kDecisions)) continue;
        std::string_view rest = line->substr(kDecisions.size());
        auto rule = read_label(rest, "rule");
        if (!rule || !rest.starts_with(",")) continue;
        rest.remove_prefix(1);
        auto outcome = read_label(rest, "outcome");
        if (!outcome || !rest.starts_with("} ")) continue;
        if (const auto count = parse_u64(rest.substr(2)))
            totals.decisions[{std::move(*rule), std::move(*outcome)}] = *count;
    }
    return totals;
}

void add_cycle(ReapTotals& totals, const CycleReport& report) {
    ++totals.cycles;
    for (const DecisionRecord& record : report.records)
        ++totals.decisions[{record.decision.rule_name, outcome_label(record)}];
}

std::string format_metrics(const ReapTotals& totals, const CycleReport& report,
                           std::uint64_t now_unix_s) {
    fmt::memory_buffer out;
    const auto put = std::back_inserter(out);
    fmt::format_to(put,
                   "# HELP spawnreaper_decisions_total Decisions by rule and outcome.\n"
                   "# TYPE spawnreaper_decisions_total counter\n");
    for (const auto& [key, count] : totals.decisions)
        fmt::format_to(put, "{}rule=\"{}\",outcome=\"{}\"}} {}\n", kDecisions,
                       escape_label(key.first), escape_label(key.second), count);
    fmt::format_to(put,
                   "# HELP spawnreaper_cycles_total Reap cycles run.\n"
                   "# TYPE spawnreaper_cycles_total counter\n"
                   "{}{}\n",
                   kCycles, totals.cycles);
    const auto gauge = [&put](std::string_view name, std::string_view help, const auto& value) {
        fmt::format_to(put, "# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, value);
    };
    gauge("spawnreaper_last_cycle_timestamp_seconds", "When the last cycle ended (Unix time).",
          now_unix_s);
    gauge("spawnreaper_last_cycle_duration_seconds", "How long the last cycle took.",
          fmt::format("{:.6f}", static_cast<double>(report.duration_us) / 1e6));
    gauge("spawnreaper_last_cycle_processes", "Processes the last cycle scanned.",
          report.processes_scanned);
    gauge("spawnreaper_last_cycle_failed", "Kills that failed in the last cycle.", report.failed);
    return fmt::to_string(out);
}

Problem write_metrics(const std::string& path, const CycleReport& report,
                      std::uint64_t now_unix_s) {
    const SplitPath split = split_path(path);
    const StateDir dir = open_state_dir(split.directory, false);
    if (!dir.fd) return dir.problem;
    std::string previous;
    ReapTotals totals;
    if (read_small_file(dir, split.name, previous)) totals = parse_metrics_totals(previous);
    add_cycle(totals, report);
    return write_file_atomically(dir, split.name, format_metrics(totals, report, now_unix_s));
}

}  // namespace spawngate
