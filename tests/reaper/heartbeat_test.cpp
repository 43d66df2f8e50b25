// The heartbeat the gate reads to tell whether the reaper still runs.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "fixture_tree.hpp"
#include "reaper_heartbeat.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;

ReaperHeartbeat sample() {
    ReaperHeartbeat heartbeat;
    heartbeat.time_unix_s = 1'000'000;
    heartbeat.interval_s = 120;
    heartbeat.pid = 4242;
    heartbeat.cycle = 7;
    heartbeat.reaped = 2;
    return heartbeat;
}

TEST(ReaperHeartbeat, FormatThenParseRoundTrips) {
    const auto parsed = parse_heartbeat(format_heartbeat(sample()));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->time_unix_s, 1'000'000u);
    EXPECT_EQ(parsed->interval_s, 120u);
    EXPECT_EQ(parsed->pid, 4242);
    EXPECT_EQ(parsed->cycle, 7u);
    EXPECT_EQ(parsed->reaped, 2u);
}

TEST(ReaperHeartbeat, TextThatIsNotAHeartbeatIsRejected) {
    EXPECT_FALSE(parse_heartbeat(""));
    EXPECT_FALSE(parse_heartbeat("time_unix_s 5\n"));
    EXPECT_FALSE(
        parse_heartbeat("spawnreaper-heartbeat 1\ntime_unix_s x\ninterval_s 1\npid 1\ncycle 1\n"));
}

TEST(ReaperHeartbeat, HeartbeatWithinThreeIntervalsIsFresh) {
    FixtureTree tree;
    tree.write("/run/spawngate/reaper.heartbeat", format_heartbeat(sample()));
    const HeartbeatRead read = read_heartbeat(tree.root(), kDefaultHeartbeatPath, 1'000'000 + 360);
    EXPECT_EQ(read.state, HeartbeatState::Fresh);
    EXPECT_EQ(read.age_s, 360u);
}

TEST(ReaperHeartbeat, HeartbeatOlderThanThreeIntervalsIsLate) {
    FixtureTree tree;
    tree.write("/run/spawngate/reaper.heartbeat", format_heartbeat(sample()));
    EXPECT_EQ(read_heartbeat(tree.root(), kDefaultHeartbeatPath, 1'000'000 + 361).state,
              HeartbeatState::Late);
}

TEST(ReaperHeartbeat, MissingAndMalformedFilesAreTold) {
    FixtureTree tree;
    EXPECT_EQ(read_heartbeat(tree.root(), kDefaultHeartbeatPath, 5).state, HeartbeatState::Missing);
    tree.write("/run/spawngate/reaper.heartbeat", "garbage");
    EXPECT_EQ(read_heartbeat(tree.root(), kDefaultHeartbeatPath, 5).state,
              HeartbeatState::Malformed);
}

TEST(ReaperHeartbeat, WriteCreatesTheDirectoryAndReplacesAtomically) {
    FixtureTree tree;
    const std::string path = tree.path_of("/run/spawngate/reaper.heartbeat");
    ASSERT_TRUE(write_heartbeat(path, sample()).what.empty());
    ReaperHeartbeat next = sample();
    next.cycle = 8;
    ASSERT_TRUE(write_heartbeat(path, next).what.empty());
    const HeartbeatRead read = read_heartbeat(tree.root(), kDefaultHeartbeatPath, 1'000'000);
    ASSERT_TRUE(read.heartbeat);
    EXPECT_EQ(read.heartbeat->cycle, 8u);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator(tree.path_of("/run/spawngate")))
        ++files;
    EXPECT_EQ(files, 1u);  // no temporary left behind
}

TEST(ReaperHeartbeat, WorldWritableDirectoryIsRefused) {
    FixtureTree tree;
    tree.make_directory("/run/spawngate");
    ::chmod(tree.path_of("/run/spawngate").c_str(), 0777);
    const Problem problem =
        write_heartbeat(tree.path_of("/run/spawngate/reaper.heartbeat"), sample());
    EXPECT_NE(problem.what.find("writable by other users"), std::string::npos) << problem.text();
}

TEST(ReaperHeartbeat, SymlinkedDirectoryIsRefused) {
    FixtureTree tree;
    tree.make_directory("/elsewhere");
    tree.make_directory("/run");
    std::filesystem::create_directory_symlink(tree.path_of("/elsewhere"),
                                              tree.path_of("/run/spawngate"));
    const Problem problem =
        write_heartbeat(tree.path_of("/run/spawngate/reaper.heartbeat"), sample());
    EXPECT_NE(problem.what.find("symlink"), std::string::npos) << problem.text();
    EXPECT_TRUE(std::filesystem::is_empty(tree.path_of("/elsewhere")));
}

}  // namespace
}  // namespace spawngate
