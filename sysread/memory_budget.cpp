#include "memory_budget.hpp"

#include <array>

#include "cgroup_levels.hpp"
#include "file_read.hpp"
#include "text_parse.hpp"

namespace spawngate {

std::optional<MemoryUsage> parse_memory_stat(std::string_view text, bool unified) {
    // v1's total_* fields include descendants, like every v2 field does.
    const auto anon = flat_keyed_value(text, unified ? "anon" : "total_rss");
    const auto shmem = flat_keyed_value(text, unified ? "shmem" : "total_shmem");
    if (!anon || !shmem) return std::nullopt;
    const auto file = flat_keyed_value(text, unified ? "file" : "total_cache");
    return MemoryUsage{*anon, *shmem, file.value_or(0)};
}

MemoryBudget read_memory_budget(const Root& root, const CgroupLocation& location,
                                bool usage_of_caller_level) {
    MemoryBudget budget;
    const char* limit_name = location.unified ? "/memory.max" : "/memory.limit_in_bytes";
    std::array<char, 64> small;
    std::array<char, 8192> stat_buffer;
    bool caller_level = true;
    for (auto& cgroup : cgroup_ancestry(location.path)) {
        MemoryLevel level{cgroup, location.directory_of(cgroup), std::nullopt, std::nullopt};
        const bool want_usage_anyway = caller_level && usage_of_caller_level;
        caller_level = false;
        const std::string limit_file = level.directory + limit_name;
        const ReadResult limit_read = read_file(root, limit_file, small);
        if (limit_read.ok()) {
            const auto limit = parse_memory_limit(limit_read.text);
            if (!limit) {
                budget.problems.push_back(
                    {limit_file, "not a number or 'max': " + quote_excerpt(limit_read.text)});
                continue;
            }
            if (!limit->unlimited) level.limit_bytes = limit->value;
        } else if (limit_read.status != ReadStatus::Missing) {
            budget.problems.push_back({limit_file, describe(limit_read.status, limit_read.error)});
            continue;
        }
        if (level.limit_bytes || want_usage_anyway) {
            const std::string stat_file = level.directory + "/memory.stat";
            const ReadResult stat_read = read_file(root, stat_file, stat_buffer);
            if (stat_read.status == ReadStatus::Ok || stat_read.status == ReadStatus::Truncated)
                level.usage = parse_memory_stat(stat_read.text, location.unified);
            if (!level.usage && level.limit_bytes) {
                budget.problems.push_back(
                    {stat_file, stat_read.ok() || stat_read.status == ReadStatus::Truncated
                                    ? "no anon/shmem fields"
                                    : describe(stat_read.status, stat_read.error)});
                continue;
            }
        }
        budget.levels.push_back(std::move(level));
    }
    return budget;
}

}  // namespace spawngate
