// Issue 5, security: both tools run as root in many installations, so a symlink planted where
// they keep state must never turn into a root-owned write elsewhere. For each place (the gate's
// ledger, its lock and state directory; the reaper's log and log directory, lock, heartbeat and
// heartbeat directory) a symlink points at a victim: a file with content, a file that does not
// exist yet, or a directory. The victim is unchanged afterwards and the tool said why.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "gate_process_fixture.hpp"
#include "reaper_sandbox.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;
namespace fs = std::filesystem;

constexpr const char* kVictimText = "precious: must never be written by spawngate\n";

// --- The gate's reservation state --------------------------------------------------------------

class GateStatePlantedSymlink : public ::testing::Test, public testkit::GateProcess {
  protected:
    void SetUp() override {
        v1_caller_at(50);
        tree.make_directory("/run/spawngate");
        fs::permissions(state_dir(), fs::perms(0755));
        tree.write("/victim/file", kVictimText);
    }
    std::string ledger_name() const { return fs::path(ledger_path()).filename().string(); }
    std::string victim() const { return tree.path_of("/victim/file"); }
    std::string absent_victim() const { return tree.path_of("/victim/created-by-the-gate"); }
    ProcessResult reserve() const { return run({"--cost", "25", "--reserve", "--json"}); }
};

TEST_F(GateStatePlantedSymlink, LedgerSymlinkIsNeitherFollowedNorWrittenThrough) {
    ASSERT_EQ(::symlink(victim().c_str(), ledger_path().c_str()), 0);
    const ProcessResult result = reserve();
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, ledger_name() + ": is a symlink; refusing to follow"))
        << result.stderr_text;
    EXPECT_EQ(testkit::read_whole_file(victim()), kVictimText);
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(ledger_path())))
        << "the planted link is replaced by a real ledger, not written through";
}

TEST_F(GateStatePlantedSymlink, LedgerSymlinkIsReportedByAPlainCheck) {
    ASSERT_EQ(::symlink(victim().c_str(), ledger_path().c_str()), 0);
    const ProcessResult result = run({"--cost", "25"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stderr_text, "is a symlink; refusing to follow it; ignored"))
        << result.stderr_text;
    EXPECT_TRUE(fs::is_symlink(ledger_path()));
    EXPECT_EQ(testkit::read_whole_file(victim()), kVictimText);
}

TEST_F(GateStatePlantedSymlink, LedgerLockSymlinkDoesNotCreateItsTarget) {
    ASSERT_EQ(::symlink(absent_victim().c_str(), (ledger_path() + ".lock").c_str()), 0);
    const ProcessResult result = reserve();
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_TRUE(nlohmann::json::parse(result.stdout_text)["reservation"].is_null());
    EXPECT_TRUE(contains(result.stderr_text, ledger_name() + ".lock: is a symlink; refusing"))
        << result.stderr_text;
    EXPECT_FALSE(fs::exists(absent_victim())) << "the gate created a file through the link";
}

TEST_F(GateStatePlantedSymlink, SymlinkedStateDirectoryIsRefusedAndItsTargetStaysEmpty) {
    fs::remove(state_dir());
    tree.make_directory("/victim/dir");
    fs::permissions(tree.path_of("/victim/dir"), fs::perms(0755));
    ASSERT_EQ(::symlink(tree.path_of("/victim/dir").c_str(), state_dir().c_str()), 0);
    const ProcessResult result = reserve();
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "is a symlink or not a directory; refusing"))
        << result.stderr_text;
    EXPECT_TRUE(fs::is_empty(tree.path_of("/victim/dir")));
}

// --- The reaper's log, lock and heartbeat -------------------------------------------------------

class ReaperPlantedSymlink : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the reaper's state paths are root's; needs root";
        ASSERT_FALSE(sandbox.directory().empty());
        sandbox.write_config();
        fs::create_directories(sandbox.path("victim/dir"));
        std::ofstream(victim()) << kVictimText;
        fs::create_directories(sandbox.path("log"));
        fs::create_directories(sandbox.path("run"));
    }
    std::string victim() const { return sandbox.path("victim/file"); }
    std::string absent_victim() const { return sandbox.path("victim/created-by-the-reaper"); }
    std::string victim_dir() const { return sandbox.path("victim/dir"); }
    testkit::ReaperSandbox sandbox;
};

TEST_F(ReaperPlantedSymlink, LogSymlinkIsNotAppendedThroughAndTheFailureIsReported) {
    sandbox.start_sleeper();  // a dry run logs its decision about it
    ASSERT_EQ(::symlink(victim().c_str(), sandbox.path("log/reaper.jsonl").c_str()), 0);
    const ProcessResult result = sandbox.run({"--dry-run"});
    EXPECT_EQ(result.exit_code, 5) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "cannot open the log")) << result.stderr_text;
    EXPECT_EQ(testkit::read_text(victim()), kVictimText);
}

TEST_F(ReaperPlantedSymlink, SymlinkedLogDirectoryIsRefusedAndItsTargetStaysEmpty) {
    sandbox.start_sleeper();
    fs::remove(sandbox.path("log"));
    ASSERT_EQ(::symlink(victim_dir().c_str(), sandbox.path("log").c_str()), 0);
    const ProcessResult result = sandbox.run({"--dry-run"});
    EXPECT_EQ(result.exit_code, 5) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "is a symlink or not a directory; refusing to write"))
        << result.stderr_text;
    EXPECT_TRUE(fs::is_empty(victim_dir())) << "the log landed in the link's target";
}

TEST_F(ReaperPlantedSymlink, LockSymlinkDoesNotCreateItsTargetAndTheReaperSaysWhy) {
    ASSERT_EQ(::symlink(absent_victim().c_str(), sandbox.path("run/reaper.lock").c_str()), 0);
    const ProcessResult result = sandbox.run({});
    EXPECT_EQ(result.exit_code, 4) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "reaper.lock")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "symlink")) << result.stderr_text;
    EXPECT_FALSE(fs::exists(absent_victim()));
}

TEST_F(ReaperPlantedSymlink, SymlinkedLockDirectoryIsRefused) {
    fs::remove(sandbox.path("run"));
    ASSERT_EQ(::symlink(victim_dir().c_str(), sandbox.path("run").c_str()), 0);
    const ProcessResult result = sandbox.run({});
    EXPECT_EQ(result.exit_code, 4) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "is a symlink or not a directory; refusing"))
        << result.stderr_text;
    EXPECT_TRUE(fs::is_empty(victim_dir()));
}

TEST_F(ReaperPlantedSymlink, HeartbeatSymlinkIsReplacedNeverWrittenThrough) {
    ASSERT_EQ(::symlink(victim().c_str(), sandbox.path("run/reaper.heartbeat").c_str()), 0);
    const ProcessResult result = sandbox.run({});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(testkit::read_text(victim()), kVictimText);
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(sandbox.path("run/reaper.heartbeat"))));
}

TEST_F(ReaperPlantedSymlink, SymlinkedHeartbeatDirectoryIsRefusedAndReported) {
    ASSERT_EQ(::symlink(victim_dir().c_str(), sandbox.path("beat").c_str()), 0);
    const ProcessResult result =
        sandbox.run({"--heartbeat", sandbox.path("beat/reaper.heartbeat")});
    EXPECT_EQ(result.exit_code, 5) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "heartbeat not written")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "symlink")) << result.stderr_text;
    EXPECT_TRUE(fs::is_empty(victim_dir()));
}

}  // namespace
}  // namespace spawngate
