// A full disk or a read-only log location. The reaper's log, heartbeat, respawn state and metrics
// all live on a small tmpfs that is full, or mounted read-only: the victim must still be reaped,
// every failure must be named on stderr, the exit code must be 5 (reaping went fine, the record
// of it did not), and the log must keep whole lines only, so it parses again once there is room.

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "exit_codes.hpp"
#include "reaper_fault_scenario.hpp"
#include "scoped_tmpfs.hpp"

namespace spawngate::faults {
namespace {

using testkit::RealProcess;
using testkit::ScopedTmpfs;

class ReaperRecordsOnABadDisk : public ReaperFaultScenario {
  protected:
    // Log, heartbeat, state and metrics on `disk`; the lock stays in the test's directory (a
    // lock that cannot be taken is "cannot run", exit 4, by design).
    std::vector<std::string> arguments_on(const std::string& disk, const std::string& config) {
        auto arguments = standard_arguments(config);
        arguments[3] = disk + "/reaper.jsonl";
        arguments[7] = disk + "/reaper.heartbeat";
        arguments[9] = disk + "/state.json";
        arguments.insert(arguments.end(), {"--metrics", disk + "/reaper.prom"});
        return arguments;
    }
};

TEST_F(ReaperRecordsOnABadDisk, FullDiskStillReapsReportsExitFiveAndKeepsTheLogWhole) {
    ScopedTmpfs disk(64 * 1024);
    if (!disk.mounted()) GTEST_SKIP() << disk.skip_reason();
    // An earlier line that ends near the end of its page: the next line's first bytes still fit
    // in that page and the rest finds no room, the short write a full disk really gives.
    const std::string log = disk.path() + "/reaper.jsonl";
    const std::string earlier =
        "{\"event\":\"earlier\",\"pad\":\"" + std::string(4000, 'x') + "\"}";
    std::ofstream(log) << earlier << "\n";
    disk.fill();
    const std::string config =
        write_config("[[rule]]\nname = \"full\"\n" + scope("^full-" + token) + "grace = \"2s\"\n");
    RealProcess& victim = sleeper("full-" + token);

    const ReaperExit run = run_reaper(arguments_on(disk.path(), config));
    EXPECT_EQ(run.exit_code, kExitReportFailed) << run.stderr_text;
    EXPECT_TRUE(victim.wait_exit(2000)) << "a full disk stopped the reaping";
    EXPECT_NE(run.stderr_text.find("rule full: pid " + std::to_string(victim.pid())),
              std::string::npos)
        << run.stderr_text;
    for (const char* named : {"reaper.jsonl", "reaper.heartbeat", "state.json", "reaper.prom"})
        EXPECT_NE(run.stderr_text.find(disk.path() + "/" + named), std::string::npos)
            << named << " not reported: " << run.stderr_text;
    // (The state files' errno is the kernel's: on a full tmpfs, rename(2) itself can fail.)
    EXPECT_NE(run.stderr_text.find("short write to the log (disk full?); the partial line was "
                                   "removed"),
              std::string::npos)
        << run.stderr_text;

    // Room again: the next cycle's line is whole, and so is everything before it.
    std::filesystem::remove(disk.path() + "/filler");
    RealProcess& next = sleeper("full-" + token + "-next");
    const ReaperExit after = run_reaper(arguments_on(disk.path(), config));
    EXPECT_EQ(after.exit_code, kExitOk) << after.stderr_text;
    EXPECT_TRUE(next.wait_exit(2000));
    std::ifstream in(log);
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) {
        auto parsed = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(parsed.is_discarded()) << "a torn log line: '" << line.substr(0, 200) << "'";
        lines.push_back(std::move(parsed));
    }
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0]["event"], "earlier");
    EXPECT_EQ(lines[1]["pid"], next.pid());
    EXPECT_EQ(lines[1]["outcome"], "exited_after_signal");
}

TEST_F(ReaperRecordsOnABadDisk, ReadOnlyLocationStillReapsAndReportsEveryRecordNotWritten) {
    ScopedTmpfs disk(64 * 1024);
    if (!disk.mounted()) GTEST_SKIP() << disk.skip_reason();
    if (!disk.make_read_only()) GTEST_SKIP() << disk.skip_reason();
    const std::string config = write_config("[[rule]]\nname = \"readonly\"\n" +
                                            scope("^readonly-" + token) + "grace = \"2s\"\n");
    RealProcess& victim = sleeper("readonly-" + token);

    const ReaperExit run = run_reaper(arguments_on(disk.path(), config));
    EXPECT_EQ(run.exit_code, kExitReportFailed) << run.stderr_text;
    EXPECT_TRUE(victim.wait_exit(2000)) << "a read-only log location stopped the reaping";
    EXPECT_NE(run.stderr_text.find("rule readonly: pid " + std::to_string(victim.pid())),
              std::string::npos)
        << run.stderr_text;
    for (const char* named : {"reaper.jsonl", "reaper.heartbeat", "state.json", "reaper.prom"})
        EXPECT_NE(run.stderr_text.find(disk.path() + "/" + named), std::string::npos)
            << named << " not reported: " << run.stderr_text;
    EXPECT_NE(run.stderr_text.find("Read-only file system"), std::string::npos) << run.stderr_text;
}

}  // namespace
}  // namespace spawngate::faults
