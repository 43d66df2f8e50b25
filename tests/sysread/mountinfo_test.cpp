#include "mountinfo.hpp"

#include <gtest/gtest.h>

namespace spawngate {
namespace {

TEST(Mountinfo, Cgroup2MountIsFound) {
    const auto mounts = parse_cgroup_mounts(
        "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
        "rw,nsdelegate\n");
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_TRUE(mounts[0].unified);
    EXPECT_EQ(mounts[0].mount_point, "/sys/fs/cgroup");
    EXPECT_EQ(mounts[0].root, "/");
}

TEST(Mountinfo, V1MountKeepsItsControllerOptions) {
    const auto mounts = parse_cgroup_mounts(
        "35 30 0:31 / /sys/fs/cgroup/pids rw,nosuid shared:13 - cgroup cgroup rw,pids\n");
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_FALSE(mounts[0].unified);
    EXPECT_EQ(mounts[0].super_options, "rw,pids");
}

TEST(Mountinfo, NonCgroupLinesAreSkipped) {
    const auto mounts = parse_cgroup_mounts(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        "23 22 0:21 / /proc rw shared:12 - proc proc rw\n"
        "35 30 0:31 / /sys/fs/cgroup/pids rw shared:13 - cgroup cgroup rw,pids\n");
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_EQ(mounts[0].mount_point, "/sys/fs/cgroup/pids");
}

TEST(Mountinfo, NoOptionalFieldsParses) {
    const auto mounts =
        parse_cgroup_mounts("35 30 0:31 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n");
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_EQ(mounts[0].super_options, "rw,pids");
}

TEST(Mountinfo, SeveralOptionalFieldsParse) {
    const auto mounts = parse_cgroup_mounts(
        "35 30 0:31 / /sys/fs/cgroup rw shared:13 master:2 propagate_from:1 unbindable - "
        "cgroup2 cgroup2 rw\n");
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_TRUE(mounts[0].unified);
}

TEST(Mountinfo, OctalEscapesInPathsAreUndone) {
    const auto mounts = parse_cgroup_mounts(
        "40 30 0:26 /docker/my\\040box /mnt/cg\\011roup\\134x rw - cgroup2 cgroup2 rw\n");
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_EQ(mounts[0].root, "/docker/my box");
    EXPECT_EQ(mounts[0].mount_point, "/mnt/cg\troup\\x");
}

TEST(Mountinfo, BindMountedSubtreeKeepsItsRoot) {
    const auto mounts = parse_cgroup_mounts(
        "40 30 0:26 /docker/abc /sys/fs/cgroup ro,nosuid - cgroup2 cgroup2 rw\n");
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_EQ(mounts[0].root, "/docker/abc");
}

TEST(Mountinfo, GarbageAndTruncatedLinesAreSkipped) {
    const auto mounts = parse_cgroup_mounts(
        "garbage\n"
        "\n"
        "1 2 3\n"
        "35 30 0:31 / /sys/fs/cgroup/pids rw shared:13 cgroup cgroup rw,pids\n"
        "35 30 0:31 / /sys/fs/cgroup/pids rw shared:13 -\n"
        "\x01\xff binary\n"
        "36 30 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_EQ(mounts[0].mount_point, "/sys/fs/cgroup/memory");
}

TEST(Mountinfo, EmptyTextHasNoMounts) {
    EXPECT_TRUE(parse_cgroup_mounts("").empty());
}

TEST(UnescapeMountPath, IncompleteEscapeIsKeptLiterally) {
    EXPECT_EQ(unescape_mount_path("a\\04"), "a\\04");
    EXPECT_EQ(unescape_mount_path("a\\9999"), "a\\9999");
    EXPECT_EQ(unescape_mount_path("\\040"), " ");
}

}  // namespace
}  // namespace spawngate
