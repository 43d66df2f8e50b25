#include "pids_budget.hpp"

#include <array>

#include "cgroup_levels.hpp"
#include "file_read.hpp"
#include "hot_path.hpp"
#include "text_parse.hpp"

namespace spawngate {
namespace {

Problem read_problem(const std::string& file, const ReadResult& read) {
    return {file, describe(read.status, read.error)};
}

}  // namespace

SPAWNGATE_HOT_PATH PidsBudget read_pids_budget(const Root& root, const CgroupLocation& location) {
    PidsBudget budget;
    std::array<char, 64> buffer;
    bool caller_level = true;
    for (auto& cgroup : cgroup_ancestry(location.path)) {
        PidsLevel level{cgroup, location.directory_of(cgroup), std::nullopt, std::nullopt};
        const std::string max_file = level.directory + "/pids.max";
        const bool already_read = caller_level && !location.leaf_limit_text.empty();
        caller_level = false;
        const ReadResult max_read = already_read
                                        ? ReadResult{ReadStatus::Ok, 0, location.leaf_limit_text}
                                        : read_file(root, max_file, buffer);
        if (max_read.status == ReadStatus::Missing) {
            budget.levels.push_back(std::move(level));
            continue;
        }
        if (max_read.status != ReadStatus::Ok) {
            budget.problems.push_back(read_problem(max_file, max_read));
            continue;
        }
        const auto limit = parse_limit(max_read.text);
        if (!limit) {
            budget.problems.push_back(
                {max_file, "not a number or 'max': " + quote_excerpt(max_read.text)});
            continue;
        }
        if (!limit->unlimited) level.max = limit->value;

        const std::string current_file = level.directory + "/pids.current";
        const ReadResult current_read = read_file(root, current_file, buffer);
        if (current_read.status != ReadStatus::Ok) {
            if (level.max) budget.problems.push_back(read_problem(current_file, current_read));
        } else if (auto current = parse_u64(current_read.text)) {
            level.current = *current;
        } else if (level.max) {
            budget.problems.push_back(
                {current_file, "not a number: " + quote_excerpt(current_read.text)});
        }
        // A limited level whose count could not be read is not a level we can judge.
        if (level.max && !level.current) continue;
        budget.levels.push_back(std::move(level));
    }
    return budget;
}

std::optional<std::uint64_t> read_pids_current(const Root& root, const std::string& directory) {
    std::array<char, 64> buffer;
    const ReadResult read = read_file(root, directory + "/pids.current", buffer);
    return read.ok() ? parse_u64(read.text) : std::nullopt;
}

PidsHistory read_pids_history(const Root& root, const std::string& directory) {
    PidsHistory history;
    std::array<char, 256> buffer;
    const ReadResult peak = read_file(root, directory + "/pids.peak", buffer);
    if (peak.ok()) history.peak = parse_u64(peak.text);
    const ReadResult events = read_file(root, directory + "/pids.events", buffer);
    if (events.ok()) history.max_events = flat_keyed_value(events.text, "max");
    return history;
}

}  // namespace spawngate
