#include "cgroup_membership.hpp"

#include <gtest/gtest.h>

namespace spawngate {
namespace {

TEST(CgroupMembership, V2LineGivesTheUnifiedPath) {
    const auto parsed = parse_cgroup_membership("0::/user.slice/session-3.scope\n");
    ASSERT_TRUE(parsed.membership);
    EXPECT_EQ(parsed.membership->unified, "/user.slice/session-3.scope");
    EXPECT_TRUE(parsed.membership->v1.empty());
}

TEST(CgroupMembership, NamespacedContainerSeesRoot) {
    const auto parsed = parse_cgroup_membership("0::/\n");
    ASSERT_TRUE(parsed.membership);
    EXPECT_EQ(parsed.membership->unified, "/");
}

TEST(CgroupMembership, HybridLinesFindThePidsHierarchy) {
    const auto parsed = parse_cgroup_membership(
        "12:pids:/agents/a1\n4:cpu,cpuacct:/\n1:name=systemd:/user.slice\n0::/user.slice\n");
    ASSERT_TRUE(parsed.membership);
    const auto* pids = parsed.membership->v1_for("pids");
    ASSERT_NE(pids, nullptr);
    EXPECT_EQ(pids->path, "/agents/a1");
    ASSERT_NE(parsed.membership->v1_for("cpuacct"), nullptr);
    EXPECT_EQ(parsed.membership->v1_for("cpuacct")->controllers, "cpu,cpuacct");
    EXPECT_EQ(parsed.membership->v1_for("memory"), nullptr);
    EXPECT_EQ(parsed.membership->unified, "/user.slice");
}

TEST(CgroupMembership, NamedHierarchyIsNotAController) {
    const auto parsed = parse_cgroup_membership("1:name=systemd:/\n");
    ASSERT_TRUE(parsed.membership);
    EXPECT_EQ(parsed.membership->v1_for("systemd"), nullptr);
}

TEST(CgroupMembership, PathWithColonsIsKeptWhole) {
    const auto parsed = parse_cgroup_membership("0::/a:b:c\n");
    ASSERT_TRUE(parsed.membership);
    EXPECT_EQ(parsed.membership->unified, "/a:b:c");
}

TEST(CgroupMembership, LastLineWithoutNewlineIsRead) {
    const auto parsed = parse_cgroup_membership("12:pids:/x");
    ASSERT_TRUE(parsed.membership);
    ASSERT_NE(parsed.membership->v1_for("pids"), nullptr);
    EXPECT_EQ(parsed.membership->v1_for("pids")->path, "/x");
}

TEST(CgroupMembership, EmptyFileIsAProblem) {
    const auto parsed = parse_cgroup_membership("");
    EXPECT_FALSE(parsed.membership);
    EXPECT_NE(parsed.problem.text().find("empty"), std::string::npos);
}

TEST(CgroupMembership, LineWithoutColonsIsAProblemNamingTheLine) {
    const auto parsed = parse_cgroup_membership("0::/\ngarbage\n");
    EXPECT_FALSE(parsed.membership);
    EXPECT_EQ(parsed.problem.where, "line 2");
    EXPECT_NE(parsed.problem.what.find("'garbage'"), std::string::npos);
}

TEST(CgroupMembership, RelativeOrEmptyPathIsAProblem) {
    EXPECT_FALSE(parse_cgroup_membership("0::relative\n").membership);
    EXPECT_FALSE(parse_cgroup_membership("0::\n").membership);
    EXPECT_FALSE(parse_cgroup_membership("12:pids\n").membership);
}

TEST(CgroupMembership, BinaryGarbageIsAProblemWithAnEscapedExcerpt) {
    const auto parsed = parse_cgroup_membership(std::string("\x01\xff\x00zz", 5));
    EXPECT_FALSE(parsed.membership);
    EXPECT_NE(parsed.problem.what.find("\\x01\\xff\\x00"), std::string::npos);
}

TEST(CommaListContains, MatchesWholeItemsOnly) {
    EXPECT_TRUE(comma_list_contains("rw,nosuid,pids", "pids"));
    EXPECT_TRUE(comma_list_contains("pids", "pids"));
    EXPECT_FALSE(comma_list_contains("rw,pidsx", "pids"));
    EXPECT_FALSE(comma_list_contains("", "pids"));
}

}  // namespace
}  // namespace spawngate
