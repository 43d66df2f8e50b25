#include "match_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "column_text.hpp"

namespace spawngate {
namespace {

// A process's cells, each already printable and cut to its column.
struct MatchRow {
    std::string pid;
    std::string age;
    std::string name;
    std::string program;
    std::string cgroup;
    std::string command;
};

std::string cell(const std::optional<std::string>& raw, std::size_t cap,
                 KeepEnd keep = KeepEnd::Start) {
    return raw ? column_text(*raw, cap, keep) : std::string("-");
}

MatchRow row_of(const ProcessInfo& process) {
    return {fmt::format("{}", process.pid),
            format_age(process.age_ms),
            column_text(process.name, kMatchNameCap),
            cell(process.program, kMatchProgramCap),
            cell(process.cgroup, kMatchCgroupCap, KeepEnd::Finish),
            cell(process.cmdline, kMatchCommandCap)};
}

struct Widths {
    std::size_t pid = 3;  // "PID"
    std::size_t age = 3;
    std::size_t name = 4;
    std::size_t program = 7;
    std::size_t cgroup = 6;
};

Widths widths_of(const std::vector<MatchRow>& rows) {
    Widths widths;
    for (const MatchRow& row : rows) {
        widths.pid = std::max(widths.pid, column_width(row.pid));
        widths.age = std::max(widths.age, column_width(row.age));
        widths.name = std::max(widths.name, column_width(row.name));
        widths.program = std::max(widths.program, column_width(row.program));
        widths.cgroup = std::max(widths.cgroup, column_width(row.cgroup));
    }
    return widths;
}

template <typename... Args>
void put(fmt::memory_buffer& out, fmt::format_string<Args...> format, Args&&... arguments) {
    fmt::format_to(std::back_inserter(out), format, std::forward<Args>(arguments)...);
}

}  // namespace

std::string format_match_report(const Rule& rule, const std::vector<Decision>& matches) {
    fmt::memory_buffer out;
    put(out, "rule {} matches {} process{} now\n", column_text(rule.name, 0), matches.size(),
        matches.size() == 1 ? "" : "es");
    if (matches.empty()) return fmt::to_string(out);

    std::vector<MatchRow> rows;
    rows.reserve(matches.size());
    for (const Decision& match : matches) rows.push_back(row_of(match.victim));
    const Widths widths = widths_of(rows);
    // Detail lines start under AGE, so the PIDs stand out down the left edge.
    const std::size_t indent = 2 + widths.pid + 2;

    // fmt pads UTF-8 by display width, so a cut cell (its marker is three bytes, one column)
    // lines up like any other.
    const auto put_row = [&](const MatchRow& row) {
        put(out, "  {:>{}}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", row.pid, widths.pid, row.age,
            widths.age, row.name, widths.name, row.program, widths.program, row.cgroup,
            widths.cgroup, row.command);
    };
    put_row({"PID", "AGE", "NAME", "PROGRAM", "CGROUP", "COMMAND"});
    for (std::size_t i = 0; i < matches.size(); ++i) {
        const Decision& match = matches[i];
        put_row(rows[i]);
        put(out, "{:{}}why: {}\n", "", indent, column_text(match.reason, 0));
        if (match.kind == DecisionKind::Spared)
            put(out, "{:{}}spared: {}\n", "", indent, describe(match.spared_by));
        if (!match.descendants.empty())
            put(out, "{:{}}with {} descendant{}\n", "", indent, match.descendants.size(),
                match.descendants.size() == 1 ? "" : "s");
        for (const SparedProcess& spared : match.spared_descendants)
            put(out, "{:{}}sparing descendant pid {} ({}): {}\n", "", indent, spared.process.pid,
                column_text(spared.process.name, kMatchNameCap), describe(spared.spared_by));
    }
    return fmt::to_string(out);
}

}  // namespace spawngate
