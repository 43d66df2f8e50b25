#include "memory_budget.hpp"

#include <sys/stat.h>

#include <array>
#include <cerrno>

#include "cgroup_levels.hpp"
#include "file_read.hpp"
#include "hot_path.hpp"
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

namespace {

// The root of a v1 hierarchy, told by a file the kernel shows only there (cgroup-v1.rst,
// "release_agent"). A bind-mounted or namespaced subtree's top level lacks it.
SPAWNGATE_HOT_PATH bool is_v1_hierarchy_root(const Root& root, const std::string& directory) {
    struct stat info {};
    return ::stat(root.join(directory + "/release_agent").c_str(), &info) == 0;
}

// memory.stat runs to a few kilobytes: read in its own frame, so a check that finds no limit
// never pushes the stack onto the pages this buffer would take.
[[gnu::noinline]] std::optional<MemoryUsage> read_usage(const Root& root,
                                                        const std::string& stat_file, bool unified,
                                                        std::string& failure) {
    std::array<char, 8192> stat_buffer;
    const ReadResult stat_read = read_file(root, stat_file, stat_buffer);
    const bool readable = stat_read.ok() || stat_read.status == ReadStatus::Truncated;
    auto usage = readable ? parse_memory_stat(stat_read.text, unified) : std::nullopt;
    if (!usage)
        failure = readable ? "no anon/shmem fields" : describe(stat_read.status, stat_read.error);
    return usage;
}

}  // namespace

SPAWNGATE_HOT_PATH MemoryBudget read_memory_budget(const Root& root, const CgroupLocation& location,
                                                   bool usage_of_caller_level) {
    MemoryBudget budget;
    const char* limit_name = location.unified ? "/memory.max" : "/memory.limit_in_bytes";
    std::array<char, 64> small;
    bool caller_level = true;
    for (auto& cgroup : cgroup_ancestry(location.path)) {
        MemoryLevel level{cgroup, location.directory_of(cgroup), std::nullopt, std::nullopt};
        const bool want_usage_anyway = caller_level && usage_of_caller_level;
        const bool leaf_already_read = caller_level && !location.leaf_limit_text.empty();
        caller_level = false;
        const std::string limit_file = level.directory + limit_name;
        // v1 refuses a limit on the hierarchy's root (EINVAL): a stat there answers for a read.
        const bool unlimited_root =
            cgroup == "/" && !location.unified && is_v1_hierarchy_root(root, level.directory);
        const ReadResult limit_read = unlimited_root ? ReadResult{ReadStatus::Missing, ENOENT, {}}
                                      : leaf_already_read
                                          ? ReadResult{ReadStatus::Ok, 0, location.leaf_limit_text}
                                          : read_file(root, limit_file, small);
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
            std::string failure;
            level.usage = read_usage(root, stat_file, location.unified, failure);
            if (!level.usage && level.limit_bytes) {
                budget.problems.push_back({stat_file, failure});
                continue;
            }
        }
        budget.levels.push_back(std::move(level));
    }
    return budget;
}

}  // namespace spawngate
