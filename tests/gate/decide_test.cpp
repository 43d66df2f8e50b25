// decide() alone: a pure function, so no fixture tree; the measurements are written out here.
#include <gtest/gtest.h>

#include "verdict.hpp"

namespace spawngate {
namespace {

PidsLevel level(std::string cgroup, std::optional<std::uint64_t> current,
                std::optional<std::uint64_t> max) {
    return {cgroup, "/sys/fs/cgroup" + (cgroup == "/" ? std::string() : cgroup), current, max};
}

// One limited level with `current` tasks of `max`, judged with a cost of `cost`.
Verdict judge_one(std::uint64_t current, std::uint64_t max, std::uint64_t cost = 0) {
    Measurement m;
    m.pids_levels = {level("/a", current, max)};
    GateSettings settings;
    settings.cost = cost;
    return decide(m, settings);
}

TEST(Decide, JustBelowSeventyPercentAllows) {
    EXPECT_EQ(judge_one(699, 1000).level, Level::Allow);
}

TEST(Decide, ExactlySeventyPercentWarns) {
    EXPECT_EQ(judge_one(700, 1000).level, Level::Warn);
}

TEST(Decide, JustBelowEightyFivePercentWarns) {
    EXPECT_EQ(judge_one(849, 1000).level, Level::Warn);
}

TEST(Decide, ExactlyEightyFivePercentBlocks) {
    EXPECT_EQ(judge_one(850, 1000).level, Level::Block);
}

TEST(Decide, ExactBoundariesHoldForOtherDenominators) {
    EXPECT_EQ(judge_one(139, 200, 1).level, Level::Warn);   // 70%
    EXPECT_EQ(judge_one(138, 200, 1).level, Level::Allow);  // 69.5%
    EXPECT_EQ(judge_one(169, 200, 1).level, Level::Block);  // 85%
    EXPECT_EQ(judge_one(16, 20, 1).level, Level::Block);    // 85%
    EXPECT_EQ(judge_one(13, 20, 1).level, Level::Warn);     // 70%
}

TEST(Decide, CostCountsTowardsTheRatio) {
    EXPECT_EQ(judge_one(600, 1000, 100).level, Level::Warn);
    EXPECT_EQ(judge_one(600, 1000, 250).level, Level::Block);
}

TEST(Decide, CustomThresholdsApply) {
    Measurement m;
    m.pids_levels = {level("/a", 50, 100)};
    GateSettings settings;
    settings.cost = 0;
    settings.thresholds.warn_ratio = 0.4;
    settings.thresholds.block_ratio = 0.5;
    EXPECT_EQ(decide(m, settings).level, Level::Block);
}

TEST(Decide, TightestLevelDecidesWhateverItsDepth) {
    Measurement m;
    m.pids_levels = {level("/a/b", 10, 1000), level("/a", 95, 100), level("/", 100, 100000)};
    const Verdict verdict = decide(m, {});
    EXPECT_EQ(verdict.level, Level::Block);
    ASSERT_TRUE(verdict.tightest_pids);
    EXPECT_EQ(verdict.tightest_pids->name, "/a");
    EXPECT_EQ(verdict.limits.size(), 3u);
    EXPECT_EQ(verdict.limits.front().name, "/a");
}

TEST(Decide, LevelsWithoutALimitAreNotJudged) {
    Measurement m;
    m.pids_levels = {level("/a", 10, std::nullopt), level("/", std::nullopt, std::nullopt)};
    m.host_limits = {{"kernel.threads-max", 10, 100000}};
    const Verdict verdict = decide(m, {});
    ASSERT_TRUE(verdict.tightest_pids);
    EXPECT_EQ(verdict.tightest_pids->kind, JudgedLimit::Kind::Host);
}

TEST(Decide, HostLimitsAreIgnoredWhenACgroupLevelHasALimit) {
    Measurement m;
    m.pids_levels = {level("/a", 10, 1000)};
    m.host_limits = {{"kernel.threads-max", 990, 1000}};
    const Verdict verdict = decide(m, {});
    EXPECT_EQ(verdict.level, Level::Allow);
    for (const auto& limit : verdict.limits) EXPECT_NE(limit.kind, JudgedLimit::Kind::Host);
}

TEST(Decide, HostLimitsDecideWhenNoCgroupIsVisible) {
    Measurement m;
    m.host_limits = {{"kernel.pid_max", 990, 1000}, {"kernel.threads-max", 990, 100000}};
    const Verdict verdict = decide(m, {});
    EXPECT_EQ(verdict.level, Level::Block);
    EXPECT_EQ(verdict.tightest_pids->name, "kernel.pid_max");
    EXPECT_FALSE(verdict.unmeasured);
}

TEST(Decide, NoLimitAtAllIsUnmeasuredAndAllowsByDefault) {
    const Verdict verdict = decide(Measurement{}, {});
    EXPECT_TRUE(verdict.unmeasured);
    EXPECT_EQ(verdict.level, Level::Allow);
}

TEST(Decide, NoLimitAtAllBlocksWhenFailClosed) {
    GateSettings settings;
    settings.fail_closed = true;
    EXPECT_EQ(decide(Measurement{}, settings).level, Level::Block);
}

TEST(Decide, AProblemWithFailClosedBlocksEvenWhenTheRestAllows) {
    Measurement m;
    m.pids_levels = {level("/a", 10, 1000)};
    m.problems = {{"/sys/fs/cgroup/pids.max", "not a number"}};
    GateSettings settings;
    EXPECT_EQ(decide(m, settings).level, Level::Allow);
    EXPECT_TRUE(decide(m, settings).incomplete);
    settings.fail_closed = true;
    EXPECT_EQ(decide(m, settings).level, Level::Block);
}

TEST(Decide, BudgetUsesTheCallerLevelCount) {
    Measurement m;
    m.pids_levels = {level("/a", 90, std::nullopt)};
    m.host_limits = {{"kernel.threads-max", 100, 100000}};
    GateSettings settings;
    settings.budget = 100;
    const Verdict verdict = decide(m, settings);
    EXPECT_EQ(verdict.level, Level::Block);
    EXPECT_EQ(verdict.tightest_pids->kind, JudgedLimit::Kind::Budget);
    EXPECT_EQ(verdict.tightest_pids->current, 90u);
}

TEST(Decide, BudgetWithoutAnyCountIsAProblemNotAnAllow) {
    GateSettings settings;
    settings.budget = 100;
    const Verdict verdict = decide(Measurement{}, settings);
    EXPECT_TRUE(verdict.unmeasured);
    ASSERT_FALSE(verdict.problems.empty());
    EXPECT_EQ(verdict.problems.back().where, "--budget");
}

TEST(Decide, ThreadsAboveTheThresholdWarnButDoNotBlock) {
    Measurement m;
    m.pids_levels = {level("/a", 10, 100000)};
    m.tasks.threads = 5000;
    const Verdict verdict = decide(m, {});
    EXPECT_EQ(verdict.level, Level::Warn);
    EXPECT_TRUE(verdict.threads_over_warn);
}

TEST(Decide, MemoryUsesItsOwnThresholds) {
    Measurement m;
    m.pids_levels = {level("/a", 10, 1000)};
    MemoryLevel memory{"/a", "/sys/fs/cgroup/a", 1000, MemoryUsage{790, 0, 100000}};
    m.memory_levels = {memory};
    EXPECT_EQ(decide(m, {}).level, Level::Allow);  // 79% is under the memory warn level of 80%
    m.memory_levels[0].usage = MemoryUsage{750, 50, 0};
    EXPECT_EQ(decide(m, {}).level, Level::Warn);
    m.memory_levels[0].usage = MemoryUsage{850, 50, 0};
    EXPECT_EQ(decide(m, {}).level, Level::Block);
}

TEST(Decide, MemoryIsNotChargedTheLaunchCost) {
    Measurement m;
    m.pids_levels = {level("/a", 10, 1000)};
    m.memory_levels = {MemoryLevel{"/a", "/sys/fs/cgroup/a", 1000, MemoryUsage{799, 0, 0}}};
    GateSettings settings;
    settings.cost = 500;
    const Verdict verdict = decide(m, settings);
    ASSERT_TRUE(verdict.tightest_memory);
    EXPECT_EQ(verdict.tightest_memory->level, Level::Allow);
}

}  // namespace
}  // namespace spawngate
