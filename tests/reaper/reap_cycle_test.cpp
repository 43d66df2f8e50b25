// A whole cycle on a fixture /proc, in dry run: the read -> decide -> log path end to end, with
// garbage and vanished processes that must be skipped, never crash the cycle.

#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "fixture_tree.hpp"
#include "reap_cycle.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;

std::string stat_line(int pid, const std::string& comm, int ppid, unsigned long start_ticks) {
    return std::to_string(pid) + " (" + comm + ") S " + std::to_string(ppid) + " " +
           std::to_string(pid) + " " + std::to_string(pid) + " 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 " +
           std::to_string(start_ticks) + " 1000 100 0\n";
}

std::string status_of(const std::string& rss_lines) {
    return "Uid:\t" + std::to_string(::getuid()) + "\t0\t0\t0\nThreads:\t1\n" + rss_lines;
}

class FixtureCycleTest : public ::testing::Test {
  protected:
    FixtureTree tree;
    CycleOptions options;

    void SetUp() override {
        tree.write("/proc/uptime", "10000.00 1.00\n");
        tree.write("/proc/stat", "cpu 1 2 3\nbtime 1700000000\n");
        tree.write("/proc/1/stat", stat_line(1, "init", 0, 1));
        tree.write("/proc/1/comm", "init\n");
        options.root = tree.path();
        options.dry_run = true;
        options.log_path = tree.path_of("/var/log/reaper.jsonl");
        options.state_path.clear();
        options.summary_to_stderr = false;
    }

    ReaperConfig config(const std::string& text) const {
        const ConfigLoad load = parse_reaper_config(text, "test");
        EXPECT_TRUE(load.config) << (load.error ? load.error->text() : "");
        return *load.config;
    }

    std::vector<nlohmann::json> log_lines() const {
        std::vector<nlohmann::json> lines;
        std::ifstream in(options.log_path);
        for (std::string line; std::getline(in, line);)
            lines.push_back(nlohmann::json::parse(line));
        return lines;
    }
};

TEST_F(FixtureCycleTest, LeakingWorkerIsJudgedByAnonymousMemoryNotVmRss) {
    // 7 GiB VmRSS from mapped packfiles but a 100 MiB heap: not a leak.
    tree.write("/proc/100/stat", stat_line(100, "node", 1, 1000));
    tree.write("/proc/100/comm", "node\n");
    tree.write("/proc/100/status",
               status_of("VmRSS:\t7340032 kB\nRssAnon:\t102400 kB\nRssShmem:\t0 kB\n"));
    tree.write("/proc/100/cmdline", std::string("node\0worker.js\0", 15));
    // 3 GiB of anonymous memory: a leak.
    tree.write("/proc/101/stat", stat_line(101, "node", 1, 1000));
    tree.write("/proc/101/comm", "node\n");
    tree.write("/proc/101/status",
               status_of("VmRSS:\t3200000 kB\nRssAnon:\t3145728 kB\nRssShmem:\t0 kB\n"));
    tree.write("/proc/101/cmdline", std::string("node\0worker.js\0", 15));
    const CycleReport report =
        run_reap_cycle(config("[[rule]]\nname = \"leak\"\nprocess_name = '^node$'\ncmdline = "
                              "'worker'\nanon_memory_above = \"2GiB\"\n"),
                       options);
    ASSERT_EQ(report.records.size(), 1u);
    EXPECT_EQ(report.records[0].decision.victim.pid, 101);
    EXPECT_EQ(report.would_reap, 1u);
    const auto lines = log_lines();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["action"], "dry_run");
    EXPECT_EQ(lines[0]["anon_memory_bytes"], 3145728ull * 1024);
    EXPECT_EQ(lines[0]["anon_memory_source"], "RssAnon+RssShmem");
    EXPECT_EQ(lines[0]["cmdline"], "node worker.js");
    EXPECT_EQ(lines[0]["exe"], nullptr);
}

TEST_F(FixtureCycleTest, GarbageAndVanishedProcessesAreSkippedQuietly) {
    tree.write("/proc/200/stat", "garbage");
    tree.write("/proc/201/stat", stat_line(201, "python3", 1, 1000));
    tree.write("/proc/201/comm", "python3\n");
    tree.write("/proc/201/status", "\x01\x02 not a status file");
    tree.write("/proc/201/cmdline", "python3");
    tree.make_directory("/proc/202");  // gone between the listing and the read
    tree.write("/proc/203/stat", stat_line(203, "python3", 1, 1000));
    tree.write("/proc/203/comm", "python3\n");
    tree.write("/proc/203/status", status_of("VmRSS:\t10 kB\n"));
    tree.write("/proc/203/cmdline", std::string("python3\0-c\0x\0", 13));
    const CycleReport report = run_reap_cycle(
        config("[[rule]]\nname = \"orphans\"\nprocess_name = '^python3$'\norphan = true\n"),
        options);
    EXPECT_FALSE(report.cannot_run);
    EXPECT_TRUE(report.problems.empty());
    ASSERT_EQ(report.records.size(), 1u);  // 201 has no readable uid: never matched
    EXPECT_EQ(report.records[0].decision.victim.pid, 203);
}

TEST_F(FixtureCycleTest, UnreadableProcMeansTheCycleCannotRun) {
    tree.remove("/proc");
    const CycleReport report =
        run_reap_cycle(config("[[rule]]\nname = \"x\"\ncmdline = 'x'\n"), options);
    EXPECT_TRUE(report.cannot_run);
    EXPECT_FALSE(report.problems.empty());
}

}  // namespace
}  // namespace spawngate
