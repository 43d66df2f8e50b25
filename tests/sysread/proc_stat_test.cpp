#include "proc_stat.hpp"

#include <gtest/gtest.h>

#include "fixture_tree.hpp"

namespace spawngate {
namespace {

// A /proc/PID/stat line with the given pid, comm, state and flags (fields as in proc(5)).
std::string stat_line(std::string_view pid, std::string_view comm, char state = 'S',
                      std::string_view flags = "4194560", std::string_view threads = "3") {
    return std::string(pid) + " (" + std::string(comm) + ") " + state + " 1 1234 1234 34816 1234 " +
           std::string(flags) + " 1022 0 0 0 5 2 0 0 20 0 " + std::string(threads) +
           " 0 987654 12345678 512 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 "
           "0\n";
}

TEST(ParseProcStat, OrdinaryLineParsesEveryField) {
    const auto stat = parse_proc_stat(stat_line("4321", "bash"));
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->pid, 4321);
    EXPECT_EQ(stat->comm, "bash");
    EXPECT_EQ(stat->state, 'S');
    EXPECT_EQ(stat->ppid, 1);
    EXPECT_EQ(stat->pgrp, 1234);
    EXPECT_EQ(stat->session, 1234);
    EXPECT_EQ(stat->threads, 3u);
    EXPECT_EQ(stat->start_time_ticks, 987654u);
    EXPECT_FALSE(stat->is_kernel_thread());
    EXPECT_FALSE(stat->is_zombie());
}

TEST(ParseProcStat, CommWithParenthesesParsesToLastParen) {
    const auto stat = parse_proc_stat(stat_line("7", "a) b (c"));
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->comm, "a) b (c");
    EXPECT_EQ(stat->state, 'S');
    EXPECT_EQ(stat->ppid, 1);
}

TEST(ParseProcStat, CommThatLooksLikeFieldsDoesNotShiftThem) {
    const auto stat = parse_proc_stat(stat_line("7", "x) Z 99 99 99"));
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->state, 'S');
    EXPECT_EQ(stat->ppid, 1);
}

TEST(ParseProcStat, CommWithNewlineAndSpacesParses) {
    const auto stat = parse_proc_stat(stat_line("7", "two\nlines  x"));
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->comm, "two\nlines  x");
    EXPECT_EQ(stat->threads, 3u);
}

TEST(ParseProcStat, EmptyCommParses) {
    const auto stat = parse_proc_stat(stat_line("7", ""));
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->comm, "");
}

TEST(ParseProcStat, FifteenByteTruncatedCommIsKeptAsIs) {
    const auto stat = parse_proc_stat(stat_line("7", "python3.11-work"));
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->comm, "python3.11-work");
    EXPECT_EQ(stat->comm.size(), 15u);
}

TEST(ParseProcStat, KernelThreadFlagIsRecognised) {
    const auto stat = parse_proc_stat(stat_line("2", "kthreadd", 'S', "2129984", "1"));
    ASSERT_TRUE(stat);
    EXPECT_TRUE(stat->is_kernel_thread());
}

TEST(ParseProcStat, ZombieIsRecognised) {
    const auto stat = parse_proc_stat(stat_line("9", "defunct", 'Z'));
    ASSERT_TRUE(stat);
    EXPECT_TRUE(stat->is_zombie());
}

TEST(ParseProcStat, GarbageIsRejected) {
    EXPECT_FALSE(parse_proc_stat(""));
    EXPECT_FALSE(parse_proc_stat("garbage"));
    EXPECT_FALSE(parse_proc_stat("12 (x"));
    EXPECT_FALSE(parse_proc_stat("12 x) S 1"));
    EXPECT_FALSE(parse_proc_stat(stat_line("abc", "x")));
    EXPECT_FALSE(parse_proc_stat(stat_line("0", "x")));
    EXPECT_FALSE(parse_proc_stat(stat_line("-5", "x")));
}

TEST(ParseProcStat, TruncatedLineIsRejected) {
    const std::string line = stat_line("7", "bash");
    EXPECT_FALSE(parse_proc_stat(line.substr(0, 60)));
}

TEST(ParseProcStat, NonNumericFieldIsRejected) {
    EXPECT_FALSE(parse_proc_stat(stat_line("7", "bash", 'S', "4194560", "three")));
    EXPECT_FALSE(parse_proc_stat(stat_line("7", "bash", 'S', "-1")));
}

TEST(ReadProcStat, ReadsThePidsStatBelowTheRoot) {
    testkit::FixtureTree tree;
    tree.write("/proc/4321/stat", stat_line("4321", "sleep) (x"));
    const auto stat = read_proc_stat(tree.root(), 4321);
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->comm, "sleep) (x");
}

TEST(ReadProcStat, VanishedProcessIsNoValue) {
    testkit::FixtureTree tree;
    EXPECT_FALSE(read_proc_stat(tree.root(), 4321));
}

}  // namespace
}  // namespace spawngate
