// The words the gate says: numbers formatted for people.
#include "verdict_report.hpp"

#include <gtest/gtest.h>

namespace spawngate {
namespace {

TEST(FormatBytes, PicksTheLargestWholeUnit) {
    EXPECT_EQ(format_bytes(512), "512 B");
    EXPECT_EQ(format_bytes(1536), "1.5 KiB");
    EXPECT_EQ(format_bytes(1073741824), "1.0 GiB");
}

TEST(FormatPercent, ShowsOneDecimal) {
    EXPECT_EQ(format_percent(0.85), "85.0%");
    EXPECT_EQ(format_percent(0.725), "72.5%");
}

TEST(DescribeLimit, NamesTheCgroupTheFileTheNumbersAndThePercent) {
    JudgedLimit limit;
    limit.kind = JudgedLimit::Kind::CgroupPids;
    limit.name = "/agents";
    limit.directory = "/sys/fs/cgroup/agents";
    limit.current = 170;
    limit.added = 5;
    limit.max = 200;
    EXPECT_EQ(describe_limit(limit),
              "pids limit of cgroup /agents (pids.max in /sys/fs/cgroup/agents): 170 + 5 of 200 "
              "tasks, 87.5%");
}

}  // namespace
}  // namespace spawngate
