#include "host_limits.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "cgroup_fixture.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;

TEST(LoadavgTasks, FourthFieldGivesTheTotalTasks) {
    EXPECT_EQ(parse_loadavg_tasks("0.31 0.08 0.03 1/79 1975\n"), 79u);
}

TEST(LoadavgTasks, LineWithoutLastPidParses) {
    EXPECT_EQ(parse_loadavg_tasks("0.31 0.08 0.03 3/1200"), 1200u);
}

TEST(LoadavgTasks, GarbageIsNoValue) {
    EXPECT_FALSE(parse_loadavg_tasks(""));
    EXPECT_FALSE(parse_loadavg_tasks("0.31 0.08 0.03"));
    EXPECT_FALSE(parse_loadavg_tasks("0.31 0.08 0.03 79 1975"));
    EXPECT_FALSE(parse_loadavg_tasks("0.31 0.08 0.03 1/x 1975"));
    EXPECT_FALSE(parse_loadavg_tasks("0.31 0.08 0.03 1/ 1975"));
    EXPECT_FALSE(parse_loadavg_tasks("a b c 1975 4/5"));
}

TEST(HostLimits, PidMaxAndThreadsMaxAreJudgedAgainstTheSystemTaskCount) {
    if (::geteuid() != 0) GTEST_SKIP() << "RLIMIT_NPROC adds a limit for non-root callers";
    FixtureTree tree;
    testkit::write_host_limits(tree, 900, 4194304, 1000);
    const HostLimits host = read_host_limits(tree.root());
    EXPECT_TRUE(host.problems.empty());
    ASSERT_EQ(host.limits.size(), 2u);
    EXPECT_EQ(host.limits[0].name, "kernel.pid_max");
    EXPECT_EQ(host.limits[0].current, 900u);
    EXPECT_EQ(host.limits[0].max, 4194304u);
    EXPECT_EQ(host.limits[1].name, "kernel.threads-max");
    EXPECT_EQ(host.limits[1].max, 1000u);
}

TEST(HostLimits, MissingFilesAreProblemsNotLimits) {
    FixtureTree tree;
    const HostLimits host = read_host_limits(tree.root());
    EXPECT_EQ(host.problems.size(), 3u);
    for (const auto& limit : host.limits) EXPECT_EQ(limit.name, "RLIMIT_NPROC");
}

TEST(HostLimits, GarbageSysctlIsAProblemNamingTheFile) {
    FixtureTree tree;
    testkit::write_host_limits(tree, 900, 4194304, 1000);
    tree.write("/proc/sys/kernel/threads-max", "lots\n");
    const HostLimits host = read_host_limits(tree.root());
    ASSERT_EQ(host.problems.size(), 1u);
    EXPECT_EQ(host.problems[0].where, "/proc/sys/kernel/threads-max");
    EXPECT_NE(host.problems[0].what.find("'lots"), std::string::npos);
    for (const auto& limit : host.limits) EXPECT_NE(limit.name, "kernel.threads-max");
}

TEST(HostLimits, GarbageLoadavgIsAProblem) {
    FixtureTree tree;
    testkit::write_host_limits(tree, 900, 4194304, 1000);
    tree.write("/proc/loadavg", "nonsense\n");
    const HostLimits host = read_host_limits(tree.root());
    ASSERT_FALSE(host.problems.empty());
    EXPECT_EQ(host.problems[0].where, "/proc/loadavg");
    for (const auto& limit : host.limits) EXPECT_EQ(limit.name, "RLIMIT_NPROC");
}

}  // namespace
}  // namespace spawngate
