// The cgroup readers on fixture trees: locating a controller, walking its levels, and reading
// the pids, memory and task files at each.
#include <gtest/gtest.h>

#include "cgroup_fixture.hpp"
#include "cgroup_levels.hpp"
#include "cgroup_locate.hpp"
#include "memory_budget.hpp"
#include "pids_budget.hpp"
#include "task_counts.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;

LocateResult locate(const FixtureTree& tree, std::string_view cgroup_file,
                    std::string_view controller) {
    const auto parsed = parse_cgroup_membership(cgroup_file);
    EXPECT_TRUE(parsed.membership) << parsed.problem.text();
    CgroupMountTable mounts(tree.root());
    return locate_controller(tree.root(), *parsed.membership, controller, mounts);
}

CgroupLocation v2_location(std::string path) {
    return {true, "/sys/fs/cgroup", std::move(path)};
}

TEST(CgroupAncestry, WalksFromTheCallerToTheMountRoot) {
    EXPECT_EQ(cgroup_ancestry("/a/b/c"), (std::vector<std::string>{"/a/b/c", "/a/b", "/a", "/"}));
}

TEST(CgroupAncestry, RootIsOneLevel) {
    EXPECT_EQ(cgroup_ancestry("/"), std::vector<std::string>{"/"});
}

TEST(CgroupAncestry, TrailingSlashIsIgnored) {
    EXPECT_EQ(cgroup_ancestry("/a/"), (std::vector<std::string>{"/a", "/"}));
}

TEST(LocateController, V2PidsIsOnTheUnifiedMount) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/agents");
    const LocateResult found = locate(tree, "0::/agents\n", "pids");
    ASSERT_TRUE(found.location) << found.why_not;
    EXPECT_TRUE(found.location->unified);
    EXPECT_EQ(found.location->directory(), "/sys/fs/cgroup/agents");
}

TEST(LocateController, V2WithoutPidsInCgroupControllersHasNoPidsLocation) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/agents", "cpu memory");
    const LocateResult found = locate(tree, "0::/agents\n", "pids");
    EXPECT_FALSE(found.location);
    EXPECT_NE(found.why_not.find("pids"), std::string::npos);
}

TEST(LocateController, V1PidsIsOnItsOwnHierarchy) {
    FixtureTree tree;
    testkit::lay_out_v1(tree, "/agents");
    const LocateResult found = locate(tree, "12:pids:/agents\n5:memory:/agents\n", "pids");
    ASSERT_TRUE(found.location) << found.why_not;
    EXPECT_FALSE(found.location->unified);
    EXPECT_EQ(found.location->directory(), "/sys/fs/cgroup/pids/agents");
}

TEST(LocateController, V1PidsNotMountedSaysSo) {
    FixtureTree tree;
    tree.write("/proc/self/mountinfo", testkit::ordinary_mount_lines());
    const LocateResult found = locate(tree, "12:pids:/agents\n", "pids");
    EXPECT_FALSE(found.location);
    EXPECT_NE(found.why_not.find("not mounted"), std::string::npos);
}

TEST(LocateController, BindMountedSubtreeGivesAPathRelativeToItsRoot) {
    FixtureTree tree;
    tree.write("/proc/self/mountinfo",
               testkit::cgroup2_mount_line("/sys/fs/cgroup", "/docker/abc"));
    tree.write("/sys/fs/cgroup/cgroup.controllers", "memory pids\n");
    const LocateResult found = locate(tree, "0::/docker/abc/x\n", "pids");
    ASSERT_TRUE(found.location) << found.why_not;
    EXPECT_EQ(found.location->path, "/x");
    EXPECT_EQ(found.location->directory(), "/sys/fs/cgroup/x");
}

TEST(LocateController, MountShowingAnotherSubtreeIsNotUsed) {
    FixtureTree tree;
    tree.write("/proc/self/mountinfo",
               testkit::cgroup2_mount_line("/sys/fs/cgroup", "/docker/abc"));
    tree.write("/sys/fs/cgroup/cgroup.controllers", "pids\n");
    EXPECT_FALSE(locate(tree, "0::/docker/abcdef\n", "pids").location);
}

TEST(LocateController, MountinfoLongerThanOneReadIsParsedWhole) {
    FixtureTree tree;
    std::string mountinfo;
    for (int i = 0; i < 2000; ++i)
        mountinfo += std::to_string(100 + i) + " 22 0:99 / /var/lib/docker/overlay/" +
                     std::to_string(i) + " rw shared:9 - overlay overlay rw\n";
    tree.write("/proc/self/mountinfo", mountinfo + testkit::cgroup2_mount_line("/sys/fs/cgroup"));
    tree.write("/sys/fs/cgroup/cgroup.controllers", "pids\n");
    const LocateResult found = locate(tree, "0::/a\n", "pids");
    ASSERT_TRUE(found.location) << found.why_not;
    EXPECT_EQ(found.location->directory(), "/sys/fs/cgroup/a");
}

TEST(LocateController, MissingMountinfoMeansNoLocation) {
    FixtureTree tree;
    EXPECT_FALSE(locate(tree, "0::/\n", "pids").location);
}

TEST(PidsBudget, ReadsEveryLevelUpToTheMountRoot) {
    FixtureTree tree;
    testkit::write_pids(tree, "/sys/fs/cgroup/a/b", "max", "12");
    testkit::write_pids(tree, "/sys/fs/cgroup/a", "100", "40");
    const PidsBudget budget = read_pids_budget(tree.root(), v2_location("/a/b"));
    EXPECT_TRUE(budget.problems.empty());
    ASSERT_EQ(budget.levels.size(), 3u);
    EXPECT_EQ(budget.levels[0].cgroup, "/a/b");
    EXPECT_FALSE(budget.levels[0].max);
    EXPECT_EQ(budget.levels[0].current, 12u);
    EXPECT_EQ(budget.levels[1].max, 100u);
    EXPECT_EQ(budget.levels[1].current, 40u);
    EXPECT_EQ(budget.levels[2].cgroup, "/");
    EXPECT_FALSE(budget.levels[2].max);
}

TEST(PidsBudget, GarbageMaxIsAProblemNamingTheFile) {
    FixtureTree tree;
    testkit::write_pids(tree, "/sys/fs/cgroup/a", "lots", "40");
    const PidsBudget budget = read_pids_budget(tree.root(), v2_location("/a"));
    ASSERT_EQ(budget.problems.size(), 1u);
    EXPECT_EQ(budget.problems[0].where, "/sys/fs/cgroup/a/pids.max");
    EXPECT_NE(budget.problems[0].what.find("'lots\\x0a'"), std::string::npos);
}

TEST(PidsBudget, OversizedMaxIsAProblem) {
    FixtureTree tree;
    testkit::write_pids(tree, "/sys/fs/cgroup/a", std::string(200, '9'), "40");
    const PidsBudget budget = read_pids_budget(tree.root(), v2_location("/a"));
    ASSERT_EQ(budget.problems.size(), 1u);
    EXPECT_EQ(budget.problems[0].where, "/sys/fs/cgroup/a/pids.max");
}

TEST(PidsBudget, LimitedLevelWithUnreadableCurrentIsAProblemNotALevel) {
    FixtureTree tree;
    testkit::write_pids(tree, "/sys/fs/cgroup/a", "100", "");
    const PidsBudget budget = read_pids_budget(tree.root(), v2_location("/a"));
    ASSERT_EQ(budget.problems.size(), 1u);
    EXPECT_EQ(budget.problems[0].where, "/sys/fs/cgroup/a/pids.current");
    for (const auto& level : budget.levels) EXPECT_FALSE(level.max);
}

TEST(PidsHistory, PeakAndMaxEventsAreReadWhereTheKernelHasThem) {
    FixtureTree tree;
    tree.write("/sys/fs/cgroup/a/pids.peak", "187\n");
    tree.write("/sys/fs/cgroup/a/pids.events", "max 3\n");
    const PidsHistory history = read_pids_history(tree.root(), "/sys/fs/cgroup/a");
    EXPECT_EQ(history.peak, 187u);
    EXPECT_EQ(history.max_events, 3u);
    const PidsHistory none = read_pids_history(tree.root(), "/sys/fs/cgroup/b");
    EXPECT_FALSE(none.peak);
    EXPECT_FALSE(none.max_events);
}

TEST(MemoryStat, V2AnonAndShmemAreCharged) {
    const auto usage = parse_memory_stat("anon 1000\nfile 900000\nshmem 24\n", true);
    ASSERT_TRUE(usage);
    EXPECT_EQ(usage->charged(), 1024u);
    EXPECT_EQ(usage->file_bytes, 900000u);
}

TEST(MemoryStat, V1TotalRssAndTotalShmemAreCharged) {
    const auto usage = parse_memory_stat(
        "cache 5\nrss 7\nshmem 1\ntotal_cache 800000\ntotal_rss 2000\ntotal_shmem 48\n", false);
    ASSERT_TRUE(usage);
    EXPECT_EQ(usage->anon_bytes, 2000u);
    EXPECT_EQ(usage->shmem_bytes, 48u);
    EXPECT_EQ(usage->file_bytes, 800000u);
}

TEST(MemoryStat, MissingFieldsAreNoValue) {
    EXPECT_FALSE(parse_memory_stat("file 5\n", true));
    EXPECT_FALSE(parse_memory_stat("rss 5\nshmem 1\n", false));
}

TEST(MemoryBudget, GarbageLimitIsAProblem) {
    FixtureTree tree;
    tree.write("/sys/fs/cgroup/a/memory.max", "huge\n");
    const MemoryBudget budget = read_memory_budget(tree.root(), v2_location("/a"));
    ASSERT_EQ(budget.problems.size(), 1u);
    EXPECT_EQ(budget.problems[0].where, "/sys/fs/cgroup/a/memory.max");
}

TEST(MemoryBudget, LimitWithoutMemoryStatIsAProblem) {
    FixtureTree tree;
    tree.write("/sys/fs/cgroup/a/memory.max", "1000\n");
    const MemoryBudget budget = read_memory_budget(tree.root(), v2_location("/a"));
    ASSERT_EQ(budget.problems.size(), 1u);
    EXPECT_EQ(budget.problems[0].where, "/sys/fs/cgroup/a/memory.stat");
}

CgroupLocation v1_memory_location(std::string path) {
    return {false, "/sys/fs/cgroup/memory", std::move(path)};
}

TEST(MemoryBudget, V1HierarchyRootIsNeverALimitEvenIfItsFileSaysOne) {
    // v1 refuses a limit on a hierarchy's root; a value there would be a fixture's or a
    // kernel's oddity, and the walk answers the root from release_agent without reading it.
    FixtureTree tree;
    tree.write("/sys/fs/cgroup/memory/release_agent", "");
    tree.write("/sys/fs/cgroup/memory/memory.limit_in_bytes", "1000\n");
    tree.write("/sys/fs/cgroup/memory/a/memory.limit_in_bytes", "9223372036854771712\n");
    const MemoryBudget budget = read_memory_budget(tree.root(), v1_memory_location("/a"));
    EXPECT_TRUE(budget.problems.empty());
    ASSERT_EQ(budget.levels.size(), 2u);
    EXPECT_FALSE(budget.levels[1].limit_bytes);
}

TEST(MemoryBudget, V1NamespacedTopLevelWithoutReleaseAgentIsRead) {
    // A cgroup namespace or bind mount shows a non-root cgroup as "/": its limit is real.
    FixtureTree tree;
    tree.write("/sys/fs/cgroup/memory/memory.limit_in_bytes", "1000\n");
    tree.write("/sys/fs/cgroup/memory/memory.stat", "total_rss 600\ntotal_shmem 100\n");
    const MemoryBudget budget = read_memory_budget(tree.root(), v1_memory_location("/"));
    ASSERT_EQ(budget.levels.size(), 1u);
    EXPECT_EQ(budget.levels[0].limit_bytes, 1000u);
    ASSERT_TRUE(budget.levels[0].usage);
    EXPECT_EQ(budget.levels[0].usage->charged(), 700u);
}

TEST(PidsBudget, CallerLimitReadWhileLocatingIsNotReadAgain) {
    // The file on disk says 50; the text locating read says 40: the reader must use the latter.
    FixtureTree tree;
    tree.write("/sys/fs/cgroup/a/pids.max", "50\n");
    tree.write("/sys/fs/cgroup/a/pids.current", "10\n");
    CgroupLocation location = v2_location("/a");
    location.leaf_limit_text = "40\n";
    const PidsBudget budget = read_pids_budget(tree.root(), location);
    ASSERT_FALSE(budget.levels.empty());
    EXPECT_EQ(budget.levels[0].max, 40u);
    EXPECT_EQ(budget.levels[0].current, 10u);
}

TEST(TaskCounts, V2CountsProcsAndThreads) {
    FixtureTree tree;
    testkit::write_tasks(tree, "/sys/fs/cgroup/a", 3, 45, true);
    const TaskCounts counts = read_task_counts(tree.root(), v2_location("/a"));
    EXPECT_EQ(counts.processes, 3u);
    EXPECT_EQ(counts.threads, 45u);
    EXPECT_FALSE(counts.problem);
}

TEST(TaskCounts, V1CountsTheTasksFile) {
    FixtureTree tree;
    testkit::write_tasks(tree, "/sys/fs/cgroup/pids/a", 2, 9, false);
    const TaskCounts counts = read_task_counts(tree.root(), {false, "/sys/fs/cgroup/pids", "/a"});
    EXPECT_EQ(counts.processes, 2u);
    EXPECT_EQ(counts.threads, 9u);
}

TEST(TaskCounts, MissingFilesAreAProblem) {
    FixtureTree tree;
    const TaskCounts counts = read_task_counts(tree.root(), v2_location("/a"));
    EXPECT_FALSE(counts.processes);
    EXPECT_FALSE(counts.threads);
    ASSERT_TRUE(counts.problem);
    EXPECT_EQ(counts.problem->where, "/sys/fs/cgroup/a/cgroup.procs");
}

}  // namespace
}  // namespace spawngate
