#include "rule_listing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "column_text.hpp"
#include "quantities.hpp"

namespace spawngate {

std::string describe_matchers(const Rule& rule) {
    std::vector<std::string> parts;
    if (rule.older_than_ms)
        parts.push_back(fmt::format("older than {}", format_duration(*rule.older_than_ms)));
    if (rule.orphan) parts.emplace_back("orphan");
    if (rule.skip_session_leaders) parts.emplace_back("not a session leader");
    if (rule.user) parts.push_back(fmt::format("user {}", rule.user_name));
    if (rule.cgroup)
        parts.push_back(rule.cgroup->own_subtree ? std::string("in the reaper's cgroup subtree")
                                                 : fmt::format("in cgroup {}", rule.cgroup->path));
    if (rule.anon_memory_above_bytes)
        parts.push_back(
            fmt::format("anonymous memory > {} MiB", *rule.anon_memory_above_bytes >> 20));
    if (rule.threads_above) parts.push_back(fmt::format("threads > {}", *rule.threads_above));
    if (rule.process_name) parts.push_back(fmt::format("name /{}/", rule.process_name->source()));
    if (rule.exe) parts.push_back(fmt::format("exe /{}/", rule.exe->source()));
    if (rule.program) parts.push_back(fmt::format("program /{}/", rule.program->source()));
    if (rule.cmdline) parts.push_back(fmt::format("cmdline /{}/", rule.cmdline->source()));
    return fmt::format("{}", fmt::join(parts, ", "));
}

std::string format_rule_table(const ReaperConfig& config) {
    struct Row {
        std::string name;
        std::string signal;
        std::string grace;
        std::string descendants;
        std::string matches;
    };
    std::vector<Row> rows;
    rows.reserve(config.rules.size());
    for (const Rule& rule : config.rules)
        rows.push_back({column_text(rule.name, kRuleNameCap), signal_name(rule.signal),
                        format_duration(rule.grace_ms), rule.descendants ? "yes" : "no",
                        column_text(describe_matchers(rule), kRuleMatchesCap)});
    std::size_t name_width = 4;  // "NAME"
    std::size_t grace_width = 5;
    for (const Row& row : rows) {
        name_width = std::max(name_width, column_width(row.name));
        grace_width = std::max(grace_width, column_width(row.grace));
    }

    fmt::memory_buffer out;
    fmt::format_to(std::back_inserter(out), "{} rule{} from {}\n", rows.size(),
                   rows.size() == 1 ? "" : "s", column_text(config.source, 0));
    // fmt pads UTF-8 by display width, so a cut name (its marker is one column) lines up.
    const auto put_row = [&](const Row& row) {
        fmt::format_to(std::back_inserter(out), "{:<{}}  {:<6}  {:<{}}  {:<11}  {}\n", row.name,
                       name_width, row.signal, row.grace, grace_width, row.descendants,
                       row.matches);
    };
    put_row({"NAME", "SIGNAL", "GRACE", "DESCENDANTS", "MATCHES"});
    for (const Row& row : rows) put_row(row);
    return fmt::to_string(out);
}

std::string format_rule_names(const ReaperConfig& config) {
    fmt::memory_buffer out;
    for (const Rule& rule : config.rules)
        fmt::format_to(std::back_inserter(out), "{}\n", column_text(rule.name, 0));
    return fmt::to_string(out);
}

}  // namespace spawngate
