// The per-process readers on fixture trees: hostile names, missing fields, kernel threads,
// zombies, and the anonymous-memory rules from field report 004.

#include <gtest/gtest.h>

#include "boot_time.hpp"
#include "fixture_tree.hpp"
#include "proc_cmdline.hpp"
#include "proc_scan.hpp"
#include "proc_stat.hpp"
#include "proc_status.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;

// A stat line with the given pid, comm and state; ppid 1, flags 0, 1 thread, start 5000 ticks.
std::string stat_line(int pid, const std::string& comm, char state = 'S', unsigned flags = 0) {
    return std::to_string(pid) + " (" + comm + ") " + state + " 1 " + std::to_string(pid) + " " +
           std::to_string(pid) + " 0 -1 " + std::to_string(flags) +
           " 0 0 0 0 0 0 0 0 20 0 1 0 5000 1000 100 18446744073709551615\n";
}

TEST(ProcStat, CommWithParenthesesAndSpacesParsesToLastParen) {
    const auto stat = parse_proc_stat(stat_line(42, "a) b (c"));
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->comm, "a) b (c");
    EXPECT_EQ(stat->state, 'S');
    EXPECT_EQ(stat->ppid, 1);
    EXPECT_EQ(stat->start_time_ticks, 5000u);
}

TEST(ProcStat, CommWithNewlineParses) {
    const auto stat = parse_proc_stat(stat_line(42, "evil\n1 (x) R"));
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->comm, "evil\n1 (x) R");
    EXPECT_EQ(stat->state, 'S');
}

TEST(ProcStat, FifteenByteTruncatedCommIsKeptAsIs) {
    const auto stat = parse_proc_stat(stat_line(7, "ansible-playboo"));
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->comm.size(), 15u);
}

TEST(ProcStat, KernelThreadIsRecognisedByFlag) {
    const auto stat = parse_proc_stat(stat_line(2, "kthreadd", 'S', 0x00208040u));
    ASSERT_TRUE(stat);
    EXPECT_TRUE(stat->is_kernel_thread());
}

TEST(ProcStat, ZombieIsRecognised) {
    const auto stat = parse_proc_stat(stat_line(9, "defunct", 'Z'));
    ASSERT_TRUE(stat);
    EXPECT_TRUE(stat->is_zombie());
}

TEST(ProcStat, GarbageIsRejectedNotTurnedIntoNumbers) {
    EXPECT_FALSE(parse_proc_stat(""));
    EXPECT_FALSE(parse_proc_stat("42 (x"));
    EXPECT_FALSE(parse_proc_stat("42 (x) S 1 2"));
    EXPECT_FALSE(parse_proc_stat("abc (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5000 1 1"));
    EXPECT_FALSE(
        parse_proc_stat(stat_line(42, "x").replace(stat_line(42, "x").find("5000"), 4, "50z0")));
}

TEST(ProcStatus, RssAnonZeroWithShmemIsARealReadingNotAFallback) {
    const ProcStatus status = parse_proc_status(
        "Name:\tworker\nUid:\t1000\t1000\t1000\t1000\nThreads:\t4\nVmRSS:\t 900000 kB\n"
        "RssAnon:\t       0 kB\nRssFile:\t  899488 kB\nRssShmem:\t     512 kB\n");
    const auto anon = status.anon_memory();
    ASSERT_TRUE(anon);
    EXPECT_EQ(anon->bytes, 512u * 1024);
    EXPECT_FALSE(anon->from_vmrss_fallback);
    EXPECT_EQ(status.real_uid, 1000u);
    EXPECT_EQ(status.threads, 4u);
}

TEST(ProcStatus, MissingRssAnonFallsBackToVmRssAndSaysSo) {
    const ProcStatus status = parse_proc_status("Uid:\t0\t0\t0\t0\nVmRSS:\t  2048 kB\n");
    const auto anon = status.anon_memory();
    ASSERT_TRUE(anon);
    EXPECT_EQ(anon->bytes, 2048u * 1024);
    EXPECT_TRUE(anon->from_vmrss_fallback);
}

TEST(ProcStatus, FileBackedPagesDoNotCountAsAnonymous) {
    // The git-packfile case: gigabytes of VmRSS, a small heap.
    const ProcStatus status = parse_proc_status(
        "VmRSS:\t7340032 kB\nRssAnon:\t  102400 kB\nRssFile:\t7237632 kB\nRssShmem:\t       0 "
        "kB\n");
    EXPECT_EQ(status.anon_memory()->bytes, 102400u * 1024);
}

TEST(ProcStatus, KernelThreadHasNoMemoryReading) {
    const ProcStatus status =
        parse_proc_status("Name:\tkworker/0:1\nUid:\t0\t0\t0\t0\nThreads:\t1\n");
    EXPECT_FALSE(status.anon_memory());
}

TEST(ProcStatus, MalformedValuesStayAbsent) {
    const ProcStatus status =
        parse_proc_status("Uid:\tabc\nThreads:\t-1\nRssAnon:\t12 MB\nVmRSS\n");
    EXPECT_FALSE(status.real_uid);
    EXPECT_FALSE(status.threads);
    EXPECT_FALSE(status.rss_anon_kb);
    EXPECT_FALSE(status.anon_memory());
}

TEST(ProcCmdline, ArgvIsJoinedBySpaces) {
    EXPECT_EQ(join_cmdline(std::string_view("python3\0-c\0print(1)\0", 20)), "python3 -c print(1)");
}

TEST(ProcCmdline, RenamedArgvWithoutNulsIsKept) {
    EXPECT_EQ(join_cmdline("deploy: worker [app]"), "deploy: worker [app]");
}

TEST(ProcCmdline, EmptyCmdlineOfAKernelThreadIsEmptyNotMissing) {
    FixtureTree tree;
    tree.write("/proc/2/cmdline", "");
    const auto cmdline = read_proc_cmdline(tree.root(), 2);
    ASSERT_TRUE(cmdline);
    EXPECT_EQ(*cmdline, "");
}

TEST(ProcCmdline, VanishedProcessIsMissing) {
    FixtureTree tree;
    EXPECT_FALSE(read_proc_cmdline(tree.root(), 4242));
    EXPECT_FALSE(read_proc_exe(tree.root(), 4242));
    EXPECT_FALSE(read_proc_status(tree.root(), 4242));
}

TEST(ProcScan, OnlyNumericEntriesArePids) {
    FixtureTree tree;
    tree.write("/proc/1/stat", stat_line(1, "init"));
    tree.write("/proc/300/stat", stat_line(300, "x"));
    tree.write("/proc/self/stat", "");
    tree.write("/proc/12abc/stat", "");
    tree.write("/proc/uptime", "1.0 1.0\n");
    const PidList list = list_pids(tree.root());
    EXPECT_FALSE(list.problem);
    EXPECT_EQ(list.pids, (std::vector<pid_t>{1, 300}));
}

TEST(ProcScan, MissingProcIsAProblem) {
    FixtureTree tree;
    EXPECT_TRUE(list_pids(tree.root()).problem);
}

TEST(BootClock, UptimeParsesToMilliseconds) {
    EXPECT_EQ(parse_uptime_ms("12345.67 890.12\n"), 12345670u);
    EXPECT_EQ(parse_uptime_ms("5.5 1.0"), 5500u);
    EXPECT_EQ(parse_uptime_ms("7"), 7000u);
    EXPECT_FALSE(parse_uptime_ms("x.5 1"));
    EXPECT_FALSE(parse_uptime_ms(""));
}

TEST(BootClock, AgeComesFromUptimeAndStartTicks) {
    FixtureTree tree;
    tree.write("/proc/uptime", "1000.00 10.00\n");
    tree.write("/proc/stat", "cpu  1 2 3\nbtime 1700000000\nprocesses 5\n");
    const BootClockRead read = read_boot_clock(tree.root());
    ASSERT_TRUE(read.clock);
    BootClock clock = *read.clock;
    clock.ticks_per_second = 100;
    EXPECT_EQ(clock.age_ms(40'000), 600'000u);  // started at 400 s, now 1000 s
    EXPECT_EQ(clock.start_unix_ms(40'000), 1'700'000'400'000u);
    EXPECT_EQ(clock.age_ms(200'000), 0u);  // a start after "now" is never a huge age
}

}  // namespace
}  // namespace spawngate
