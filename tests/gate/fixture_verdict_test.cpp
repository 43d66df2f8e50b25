// measure() + decide() on fixture trees laid out like real hosts: v2, v1, hybrid, nested,
// namespaced, bind-mounted, all-max, missing and garbage files, memory.
#include <gtest/gtest.h>

#include <algorithm>

#include "cgroup_fixture.hpp"
#include "measurement.hpp"
#include "verdict.hpp"
#include "verdict_report.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;

struct Judged {
    Measurement measurement;
    Verdict verdict;
    std::string said;  // what the gate prints on stderr for this verdict
};

Judged judge(const FixtureTree& tree, const GateSettings& settings = {}) {
    Judged judged{measure(tree.root(), {}), {}, {}};
    judged.verdict = decide(judged.measurement, settings);
    if (judged.verdict.level == Level::Block)
        judged.said += block_guidance(judged.verdict, settings);
    if (judged.verdict.level == Level::Warn) judged.said += warning_line(judged.verdict, settings);
    judged.said += measurement_note(judged.verdict, judged.measurement, settings);
    return judged;
}

bool says(const Judged& judged, std::string_view text) {
    return judged.said.find(text) != std::string::npos;
}

// A v2 host with the caller in /agents, whose own limit is `max` with `current` tasks.
void v2_agents(const FixtureTree& tree, std::string_view max, std::string_view current) {
    testkit::lay_out_v2(tree, "/agents");
    testkit::write_pids(tree, "/sys/fs/cgroup/agents", max, current);
    testkit::write_tasks(tree, "/sys/fs/cgroup/agents", 5, 20, true);
}

TEST(FixtureVerdict, V2BelowWarnAllowsSilently) {
    FixtureTree tree;
    v2_agents(tree, "200", "100");
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Allow);
    EXPECT_EQ(judged.said, "");
    ASSERT_TRUE(judged.verdict.tightest_pids);
    EXPECT_EQ(judged.verdict.tightest_pids->directory, "/sys/fs/cgroup/agents");
}

TEST(FixtureVerdict, V2AtSeventyPercentWarnsNamingTheLimit) {
    FixtureTree tree;
    v2_agents(tree, "200", "139");
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Warn);
    EXPECT_TRUE(says(judged, "spawngate: warning: pids limit of cgroup /agents"));
    EXPECT_TRUE(says(judged, "139 + 1 of 200 tasks, 70.0%"));
    EXPECT_EQ(std::count(judged.said.begin(), judged.said.end(), '\n'), 1);
}

TEST(FixtureVerdict, V2AtEightyFivePercentBlocksWithGuidance) {
    FixtureTree tree;
    v2_agents(tree, "200", "169");
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    EXPECT_TRUE(says(judged, "spawngate: blocked: pids limit of cgroup /agents"));
    EXPECT_TRUE(says(judged, "169 + 1 of 200 tasks, 85.0%"));
    EXPECT_TRUE(says(judged, "spawnreaper --once"));
    EXPECT_TRUE(says(judged, "/sys/fs/cgroup/agents/pids.max"));
}

TEST(FixtureVerdict, V2WithoutPidsControllerFallsBackToHostLimits) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/agents", "cpu memory");
    testkit::write_host_limits(tree, 500, 4194304, 1000);
    const Judged judged = judge(tree);
    EXPECT_FALSE(judged.measurement.pids_location);
    ASSERT_TRUE(judged.verdict.tightest_pids);
    EXPECT_EQ(judged.verdict.tightest_pids->kind, JudgedLimit::Kind::Host);
    EXPECT_EQ(judged.verdict.tightest_pids->name, "kernel.threads-max");
}

TEST(FixtureVerdict, V1PidsHierarchyDecides) {
    FixtureTree tree;
    testkit::lay_out_v1(tree, "/agents");
    testkit::write_pids(tree, "/sys/fs/cgroup/pids/agents", "200", "180");
    testkit::write_tasks(tree, "/sys/fs/cgroup/pids/agents", 4, 180, false);
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    EXPECT_TRUE(says(judged, "pids.max in /sys/fs/cgroup/pids/agents"));
    EXPECT_EQ(judged.measurement.tasks.threads, 180u);
    EXPECT_EQ(judged.measurement.tasks.processes, 4u);
}

// The development machines: v1 pids, v2 mounted at /sys/fs/cgroup/unified without pids.
TEST(FixtureVerdict, HybridWithPidsOnV1ReadsTheV1Hierarchy) {
    FixtureTree tree;
    tree.write("/proc/self/cgroup", "12:pids:/agents\n0::/user.slice\n");
    tree.write("/proc/self/mountinfo",
               testkit::ordinary_mount_lines() +
                   testkit::cgroup2_mount_line("/sys/fs/cgroup/unified") +
                   testkit::cgroup1_mount_line("/sys/fs/cgroup/pids", "pids"));
    tree.write("/sys/fs/cgroup/unified/cgroup.controllers", "\n");
    testkit::write_pids(tree, "/sys/fs/cgroup/pids/agents", "100", "75");
    testkit::write_tasks(tree, "/sys/fs/cgroup/pids/agents", 3, 75, false);
    const Judged judged = judge(tree);
    ASSERT_TRUE(judged.measurement.pids_location);
    EXPECT_FALSE(judged.measurement.pids_location->unified);
    EXPECT_EQ(judged.verdict.level, Level::Warn);
    EXPECT_TRUE(says(judged, "pids.max in /sys/fs/cgroup/pids/agents"));
}

TEST(FixtureVerdict, HybridWithPidsOnV2ReadsTheUnifiedHierarchy) {
    FixtureTree tree;
    tree.write("/proc/self/cgroup", "4:cpu,cpuacct:/\n0::/agents\n");
    tree.write("/proc/self/mountinfo",
               testkit::ordinary_mount_lines() +
                   testkit::cgroup1_mount_line("/sys/fs/cgroup/cpu,cpuacct", "cpu,cpuacct") +
                   testkit::cgroup2_mount_line("/sys/fs/cgroup/unified"));
    tree.write("/sys/fs/cgroup/unified/cgroup.controllers", "pids\n");
    testkit::write_pids(tree, "/sys/fs/cgroup/unified/agents", "100", "90");
    testkit::write_tasks(tree, "/sys/fs/cgroup/unified/agents", 3, 90, true);
    const Judged judged = judge(tree);
    ASSERT_TRUE(judged.measurement.pids_location);
    EXPECT_TRUE(judged.measurement.pids_location->unified);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    EXPECT_TRUE(says(judged, "pids.max in /sys/fs/cgroup/unified/agents"));
}

TEST(FixtureVerdict, TightestAncestorDecidesVerdict) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/team/agents");
    testkit::write_pids(tree, "/sys/fs/cgroup/team/agents", "1000", "50");
    testkit::write_pids(tree, "/sys/fs/cgroup/team", "200", "180");
    testkit::write_tasks(tree, "/sys/fs/cgroup/team/agents", 2, 50, true);
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    ASSERT_TRUE(judged.verdict.tightest_pids);
    EXPECT_EQ(judged.verdict.tightest_pids->name, "/team");
    EXPECT_TRUE(says(judged, "pids limit of cgroup /team (pids.max in /sys/fs/cgroup/team)"));
    EXPECT_TRUE(says(judged, "180 + 1 of 200 tasks"));
}

TEST(FixtureVerdict, NamespacedContainerReadsTheLimitAtItsRoot) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/");
    testkit::write_pids(tree, "/sys/fs/cgroup", "200", "160");
    testkit::write_tasks(tree, "/sys/fs/cgroup", 30, 160, true);
    const Judged judged = judge(tree);
    ASSERT_TRUE(judged.verdict.tightest_pids);
    EXPECT_EQ(judged.verdict.tightest_pids->directory, "/sys/fs/cgroup");
    EXPECT_EQ(judged.verdict.level, Level::Warn);
}

TEST(FixtureVerdict, BindMountedContainerWithoutNamespaceReadsThroughItsMountRoot) {
    FixtureTree tree;
    tree.write("/proc/self/cgroup", "0::/docker/abc/x\n");
    tree.write("/proc/self/mountinfo",
               testkit::ordinary_mount_lines() +
                   testkit::cgroup2_mount_line("/sys/fs/cgroup", "/docker/abc"));
    tree.write("/sys/fs/cgroup/cgroup.controllers", "memory pids\n");
    testkit::write_pids(tree, "/sys/fs/cgroup/x", "max", "10");
    testkit::write_pids(tree, "/sys/fs/cgroup", "50", "45");
    testkit::write_tasks(tree, "/sys/fs/cgroup/x", 2, 10, true);
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    ASSERT_TRUE(judged.verdict.tightest_pids);
    EXPECT_EQ(judged.verdict.tightest_pids->directory, "/sys/fs/cgroup");
    EXPECT_TRUE(says(judged, "45 + 1 of 50 tasks"));
}

TEST(FixtureVerdict, AllMaxFallsBackToHostLimitsAndSaysWhichDecided) {
    FixtureTree tree;
    v2_agents(tree, "max", "100");
    testkit::write_host_limits(tree, 900, 4194304, 1000);
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    ASSERT_TRUE(judged.verdict.tightest_pids);
    EXPECT_EQ(judged.verdict.tightest_pids->kind, JudgedLimit::Kind::Host);
    EXPECT_TRUE(says(judged, "host limit kernel.threads-max"));
    EXPECT_TRUE(says(judged, "900 + 1 of 1000 tasks"));
    EXPECT_TRUE(says(judged, "no cgroup level has a pids limit"));
}

TEST(FixtureVerdict, AllMaxOnARoomyHostAllowsWithoutProblems) {
    FixtureTree tree;
    v2_agents(tree, "max", "100");
    testkit::write_host_limits(tree, 300, 4194304, 60000);
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Allow);
    EXPECT_TRUE(judged.verdict.problems.empty());
    EXPECT_EQ(judged.said, "");
}

TEST(FixtureVerdict, PidMaxDecidesWhenItIsTheTighterHostLimit) {
    FixtureTree tree;
    v2_agents(tree, "max", "100");
    testkit::write_host_limits(tree, 900, 1000, 100000);
    const Judged judged = judge(tree);
    ASSERT_TRUE(judged.verdict.tightest_pids);
    EXPECT_EQ(judged.verdict.tightest_pids->name, "kernel.pid_max");
}

TEST(FixtureVerdict, MissingPidsMaxOnTheRootCgroupIsNoLimit) {
    FixtureTree tree;
    v2_agents(tree, "100", "10");
    // The root cgroup has no pids.max or pids.current at all.
    const Judged judged = judge(tree);
    EXPECT_TRUE(judged.verdict.problems.empty());
    EXPECT_EQ(judged.verdict.level, Level::Allow);
    ASSERT_EQ(judged.measurement.pids_levels.size(), 2u);
    EXPECT_FALSE(judged.measurement.pids_levels[1].max);
}

TEST(FixtureVerdict, GarbagePidsMaxIsReportedNotSilentlyAllowed) {
    FixtureTree tree;
    v2_agents(tree, "two hundred", "190");
    const Judged judged = judge(tree);
    EXPECT_TRUE(judged.verdict.unmeasured || judged.verdict.incomplete);
    EXPECT_TRUE(says(judged, "/sys/fs/cgroup/agents/pids.max"));
    EXPECT_TRUE(says(judged, "'two hundred"));
}

TEST(FixtureVerdict, GarbagePidsMaxWithFailClosedBlocks) {
    FixtureTree tree;
    v2_agents(tree, "two hundred", "190");
    GateSettings settings;
    settings.fail_closed = true;
    const Judged judged = judge(tree, settings);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    EXPECT_TRUE(says(judged, "--fail-closed"));
    EXPECT_TRUE(says(judged, "/sys/fs/cgroup/agents/pids.max"));
}

TEST(FixtureVerdict, EmptyPidsMaxIsReported) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/agents");
    tree.write("/sys/fs/cgroup/agents/pids.max", "");
    tree.write("/sys/fs/cgroup/agents/pids.current", "190\n");
    const Judged judged = judge(tree);
    EXPECT_TRUE(says(judged, "/sys/fs/cgroup/agents/pids.max"));
}

TEST(FixtureVerdict, PidsMaxWithoutTrailingNewlineIsRead) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/agents");
    tree.write("/sys/fs/cgroup/agents/pids.max", "20");
    tree.write("/sys/fs/cgroup/agents/pids.current", "19");
    testkit::write_tasks(tree, "/sys/fs/cgroup/agents", 3, 19, true);
    const Judged judged = judge(tree);
    EXPECT_TRUE(judged.verdict.problems.empty());
    EXPECT_EQ(judged.verdict.level, Level::Block);
}

TEST(FixtureVerdict, TruncatedPidsMaxIsReported) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/agents");
    tree.write("/sys/fs/cgroup/agents/pids.max", std::string(100, '2'));
    tree.write("/sys/fs/cgroup/agents/pids.current", "19\n");
    const Judged judged = judge(tree);
    EXPECT_TRUE(says(judged, "/sys/fs/cgroup/agents/pids.max: larger than expected"));
    EXPECT_TRUE(judged.verdict.incomplete || judged.verdict.unmeasured);
}

TEST(FixtureVerdict, GarbagePidsCurrentOnALimitedLevelIsReportedAndFailsClosed) {
    FixtureTree tree;
    v2_agents(tree, "200", "lots");
    const Judged open = judge(tree);
    EXPECT_TRUE(says(open, "/sys/fs/cgroup/agents/pids.current"));
    EXPECT_TRUE(says(open, "'lots"));
    GateSettings settings;
    settings.fail_closed = true;
    EXPECT_EQ(judge(tree, settings).verdict.level, Level::Block);
}

TEST(FixtureVerdict, EmptyPidsCurrentOnALimitedLevelIsReported) {
    FixtureTree tree;
    v2_agents(tree, "200", "");
    const Judged judged = judge(tree);
    EXPECT_TRUE(says(judged, "/sys/fs/cgroup/agents/pids.current"));
}

TEST(FixtureVerdict, TrailingWhitespaceInLimitFilesIsTolerated) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/agents");
    tree.write("/sys/fs/cgroup/agents/pids.max", "200\n\n");
    tree.write("/sys/fs/cgroup/agents/pids.current", "170 \n");
    testkit::write_tasks(tree, "/sys/fs/cgroup/agents", 3, 170, true);
    const Judged judged = judge(tree);
    EXPECT_TRUE(judged.verdict.problems.empty());
    EXPECT_EQ(judged.verdict.level, Level::Block);
}

TEST(FixtureVerdict, CurrentAboveMaxBlocks) {
    FixtureTree tree;
    v2_agents(tree, "100", "130");
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    EXPECT_TRUE(says(judged, "130 + 1 of 100 tasks, 131.0%"));
}

TEST(FixtureVerdict, ZeroPidsMaxBlocks) {
    FixtureTree tree;
    v2_agents(tree, "0", "0");
    EXPECT_EQ(judge(tree).verdict.level, Level::Block);
}

TEST(FixtureVerdict, MissingCgroupFileIsUnmeasuredAndSaysWhy) {
    FixtureTree tree;
    testkit::write_host_limits(tree, 10, 4194304, 60000);
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Allow);
    EXPECT_TRUE(says(judged, "/proc/self/cgroup"));
}

TEST(FixtureVerdict, NothingReadableIsUnmeasuredAndFailsOpenByDefault) {
    FixtureTree tree;
    const Judged judged = judge(tree);
    EXPECT_TRUE(judged.verdict.unmeasured);
    EXPECT_EQ(judged.verdict.level, Level::Allow);
    EXPECT_TRUE(says(judged, "could not measure the task budget"));
    EXPECT_TRUE(says(judged, "--fail-closed would block"));
}

TEST(FixtureVerdict, NothingReadableWithFailClosedBlocks) {
    FixtureTree tree;
    GateSettings settings;
    settings.fail_closed = true;
    const Judged judged = judge(tree, settings);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    EXPECT_TRUE(says(judged, "blocking (--fail-closed)"));
}

TEST(FixtureVerdict, MalformedCgroupFileIsReportedWithItsLine) {
    FixtureTree tree;
    tree.write("/proc/self/cgroup", "0::/\nnot a cgroup line\n");
    testkit::write_host_limits(tree, 10, 4194304, 60000);
    const Judged judged = judge(tree);
    EXPECT_TRUE(says(judged, "/proc/self/cgroup line 2"));
}

TEST(FixtureVerdict, BudgetIsJudgedAsOneMoreLevel) {
    FixtureTree tree;
    v2_agents(tree, "max", "90");
    testkit::write_host_limits(tree, 300, 4194304, 60000);
    GateSettings settings;
    settings.budget = 100;
    const Judged judged = judge(tree, settings);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    ASSERT_TRUE(judged.verdict.tightest_pids);
    EXPECT_EQ(judged.verdict.tightest_pids->kind, JudgedLimit::Kind::Budget);
    EXPECT_TRUE(says(judged, "explicit task budget"));
    EXPECT_TRUE(says(judged, "90 + 1 of 100 tasks"));
}

TEST(FixtureVerdict, BudgetLooserThanTheCgroupLimitDoesNotDecide) {
    FixtureTree tree;
    v2_agents(tree, "100", "90");
    GateSettings settings;
    settings.budget = 1000;
    const Judged judged = judge(tree, settings);
    ASSERT_TRUE(judged.verdict.tightest_pids);
    EXPECT_EQ(judged.verdict.tightest_pids->kind, JudgedLimit::Kind::CgroupPids);
}

TEST(FixtureVerdict, CostIsAddedToTheCurrentCount) {
    FixtureTree tree;
    v2_agents(tree, "200", "100");
    GateSettings settings;
    settings.cost = 70;
    const Judged judged = judge(tree, settings);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    EXPECT_TRUE(says(judged, "100 + 70 of 200 tasks, 85.0%"));
}

TEST(FixtureVerdict, ThreadsOverTheThresholdWarn) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/agents");
    testkit::write_pids(tree, "/sys/fs/cgroup/agents", "10000", "401");
    testkit::write_tasks(tree, "/sys/fs/cgroup/agents", 3, 401, true);
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Warn);
    EXPECT_TRUE(says(judged, "401 threads in this cgroup (warns above 400"));
}

TEST(FixtureVerdict, ThreadsAtTheThresholdDoNotWarn) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/agents");
    testkit::write_pids(tree, "/sys/fs/cgroup/agents", "10000", "400");
    testkit::write_tasks(tree, "/sys/fs/cgroup/agents", 3, 400, true);
    EXPECT_EQ(judge(tree).verdict.level, Level::Allow);
}

TEST(FixtureVerdict, MissingThreadListIsReportedNotSilentlyIgnored) {
    FixtureTree tree;
    testkit::lay_out_v2(tree, "/agents");
    testkit::write_pids(tree, "/sys/fs/cgroup/agents", "10000", "900");
    tree.write("/sys/fs/cgroup/agents/cgroup.procs", "1000\n");
    const Judged judged = judge(tree);
    EXPECT_TRUE(judged.verdict.incomplete);
    EXPECT_TRUE(says(judged, "/sys/fs/cgroup/agents/cgroup.threads: missing"));
}

TEST(FixtureVerdict, V1ThreadsAreCountedFromTheTasksFile) {
    FixtureTree tree;
    testkit::lay_out_v1(tree, "/agents");
    testkit::write_pids(tree, "/sys/fs/cgroup/pids/agents", "10000", "450");
    testkit::write_tasks(tree, "/sys/fs/cgroup/pids/agents", 3, 450, false);
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Warn);
    EXPECT_TRUE(says(judged, "450 threads"));
}

// A v2 host with a memory limit on /agents and the given memory.stat there.
void v2_memory(const FixtureTree& tree, std::string_view memory_max, std::string_view stat) {
    v2_agents(tree, "1000", "10");
    tree.write("/sys/fs/cgroup/agents/memory.max", std::string(memory_max) + "\n");
    tree.write("/sys/fs/cgroup/agents/memory.stat", stat);
}

TEST(FixtureVerdict, LargePageCacheWithSmallAnonDoesNotWarn) {
    FixtureTree tree;
    v2_memory(tree, "1073741824",
              "anon 104857600\nfile 1000000000\nkernel 100\nshmem 1048576\nfile_mapped 5\n");
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Allow);
    ASSERT_TRUE(judged.verdict.tightest_memory);
    EXPECT_EQ(judged.verdict.tightest_memory->current, 104857600u + 1048576u);
}

TEST(FixtureVerdict, MemoryNearItsLimitWarnsAtItsOwnThreshold) {
    FixtureTree tree;
    v2_memory(tree, "1000000", "anon 750000\nfile 0\nshmem 60000\n");
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Warn);
    EXPECT_TRUE(says(judged, "memory limit of cgroup /agents"));
    EXPECT_TRUE(says(judged, "anon+shmem"));
    EXPECT_TRUE(says(judged, "81.0%"));
}

TEST(FixtureVerdict, MemoryAtSeventyFivePercentIsBelowTheMemoryWarnLevel) {
    FixtureTree tree;
    v2_memory(tree, "1000000", "anon 750000\nfile 0\nshmem 0\n");
    EXPECT_EQ(judge(tree).verdict.level, Level::Allow);
}

TEST(FixtureVerdict, MemoryAtItsBlockThresholdBlocks) {
    FixtureTree tree;
    v2_memory(tree, "1000000", "anon 880000\nfile 0\nshmem 20000\n");
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    EXPECT_TRUE(says(judged, "spawngate: blocked: memory limit of cgroup /agents"));
    EXPECT_TRUE(says(judged, "raise the memory limit"));
}

TEST(FixtureVerdict, MemoryBlockOutranksAPidsWarning) {
    FixtureTree tree;
    v2_memory(tree, "1000000", "anon 950000\nfile 0\nshmem 0\n");
    testkit::write_pids(tree, "/sys/fs/cgroup/agents", "100", "75");
    const Judged judged = judge(tree);
    EXPECT_EQ(judged.verdict.level, Level::Block);
    EXPECT_TRUE(says(judged, "blocked: memory limit of cgroup /agents"));
}

TEST(FixtureVerdict, TighterMemoryLimitOnAnAncestorDecides) {
    FixtureTree tree;
    v2_memory(tree, "100000000", "anon 1000000\nfile 0\nshmem 0\n");
    tree.write("/sys/fs/cgroup/memory.max", "1100000\n");
    tree.write("/sys/fs/cgroup/memory.stat", "anon 1000000\nfile 0\nshmem 50000\n");
    const Judged judged = judge(tree);
    ASSERT_TRUE(judged.verdict.tightest_memory);
    EXPECT_EQ(judged.verdict.tightest_memory->name, "/");
    EXPECT_EQ(judged.verdict.level, Level::Block);
}

TEST(FixtureVerdict, V2MemoryMaxIsNoLimit) {
    FixtureTree tree;
    v2_memory(tree, "max", "anon 999999999999\nfile 0\nshmem 0\n");
    const Judged judged = judge(tree);
    EXPECT_FALSE(judged.verdict.tightest_memory);
    EXPECT_EQ(judged.verdict.level, Level::Allow);
}

TEST(FixtureVerdict, V1UnlimitedMemoryIsNoLimit) {
    FixtureTree tree;
    testkit::lay_out_v1(tree, "/agents");
    testkit::write_pids(tree, "/sys/fs/cgroup/pids/agents", "1000", "10");
    testkit::write_tasks(tree, "/sys/fs/cgroup/pids/agents", 1, 10, false);
    tree.write("/sys/fs/cgroup/memory/agents/memory.limit_in_bytes", "9223372036854771712\n");
    tree.write("/sys/fs/cgroup/memory/agents/memory.stat", "total_rss 999999999\ntotal_shmem 0\n");
    tree.write("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
    const Judged judged = judge(tree);
    EXPECT_FALSE(judged.verdict.tightest_memory);
    EXPECT_TRUE(judged.verdict.problems.empty());
    EXPECT_EQ(judged.verdict.level, Level::Allow);
}

TEST(FixtureVerdict, V1MemoryChargesTotalRssAndTotalShmem) {
    FixtureTree tree;
    testkit::lay_out_v1(tree, "/agents");
    testkit::write_pids(tree, "/sys/fs/cgroup/pids/agents", "1000", "10");
    testkit::write_tasks(tree, "/sys/fs/cgroup/pids/agents", 1, 10, false);
    tree.write("/sys/fs/cgroup/memory/agents/memory.limit_in_bytes", "1000000\n");
    tree.write("/sys/fs/cgroup/memory/agents/memory.stat",
               "cache 1\nrss 1\nshmem 1\ntotal_cache 5000000\ntotal_rss 800000\n"
               "total_shmem 100000\n");
    const Judged judged = judge(tree);
    ASSERT_TRUE(judged.verdict.tightest_memory);
    EXPECT_EQ(judged.verdict.tightest_memory->current, 900000u);
    EXPECT_EQ(judged.verdict.level, Level::Block);
}

TEST(FixtureVerdict, GarbageMemoryMaxIsReported) {
    FixtureTree tree;
    v2_memory(tree, "lots", "anon 1\nfile 0\nshmem 0\n");
    const Judged judged = judge(tree);
    EXPECT_TRUE(judged.verdict.incomplete);
    EXPECT_TRUE(says(judged, "/sys/fs/cgroup/agents/memory.max"));
}

}  // namespace
}  // namespace spawngate
