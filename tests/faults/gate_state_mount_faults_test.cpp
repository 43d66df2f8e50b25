// Issue 5, faults: the gate's state location (/run/spawngate, the ledger directory) read-only
// or on a full filesystem. Gating goes on: the verdict is the one the budget gives, the exit
// code follows it, and stderr says the reservation could not be recorded and why. Each test
// mounts its own small tmpfs (root only; skipped with the reason elsewhere).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "gate_process_fixture.hpp"
#include "scoped_tmpfs.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;

class StateOnASmallTmpfs : public ::testing::Test, public testkit::GateProcess {
  protected:
    void SetUp() override {
        if (!tmpfs.mounted()) GTEST_SKIP() << tmpfs.skip_reason();
        v1_caller_at(50);
    }
    std::string mounted_state_dir() const { return tmpfs.path() + "/spawngate"; }
    std::string mounted_ledger() const {
        return mounted_state_dir() + "/" + std::filesystem::path(ledger_path()).filename().string();
    }
    ProcessResult gate(std::vector<std::string> arguments) const {
        arguments.push_back("--json");
        return run(std::move(arguments), {"SPAWNGATE_STATE_DIR=" + mounted_state_dir()});
    }
    static nlohmann::json json_of(const ProcessResult& result) {
        return nlohmann::json::parse(result.stdout_text);
    }
    testkit::ScopedTmpfs tmpfs;
};

TEST_F(StateOnASmallTmpfs, ReadOnlyStateLocationStillGivesTheVerdictAndSaysNothingWasRecorded) {
    ASSERT_TRUE(tmpfs.make_read_only()) << tmpfs.skip_reason();
    const ProcessResult result = gate({"--cost", "25", "--reserve"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(json_of(result)["verdict"], "allow");
    EXPECT_TRUE(json_of(result)["reservation"].is_null());
    EXPECT_TRUE(contains(result.stderr_text, "spawngate: note: " + mounted_state_dir()))
        << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "Read-only file system")) << result.stderr_text;
}

TEST_F(StateOnASmallTmpfs, ReadOnlyStateLocationStillBlocksAnOverrun) {
    ASSERT_TRUE(tmpfs.make_read_only()) << tmpfs.skip_reason();
    set_current(180);
    const ProcessResult result = gate({"--cost", "25", "--reserve"});
    EXPECT_EQ(result.exit_code, 2) << result.stderr_text;
    EXPECT_EQ(json_of(result)["verdict"], "block");
    EXPECT_TRUE(contains(result.stderr_text, "Read-only file system")) << result.stderr_text;
}

TEST_F(StateOnASmallTmpfs, LedgerOnARemountedReadOnlyLocationStillCountsItsReservations) {
    ASSERT_EQ(gate({"--cost", "25", "--reserve"}).exit_code, 0);
    ASSERT_TRUE(tmpfs.make_read_only()) << tmpfs.skip_reason();
    const ProcessResult result = gate({"--cost", "25", "--reserve"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(json_of(result)["reserved_tasks"], 25) << result.stderr_text;
    EXPECT_TRUE(json_of(result)["reservation"].is_null());
    EXPECT_TRUE(contains(result.stderr_text, "Read-only file system")) << result.stderr_text;
}

TEST_F(StateOnASmallTmpfs, FullStateLocationGivesTheVerdictKeepsTheOldLedgerAndSaysWhy) {
    ASSERT_EQ(gate({"--cost", "25", "--reserve"}).exit_code, 0);
    const std::string before = testkit::read_whole_file(mounted_ledger());
    tmpfs.fill();

    const ProcessResult result = gate({"--cost", "25", "--reserve"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(json_of(result)["verdict"], "allow");
    EXPECT_EQ(json_of(result)["reserved_tasks"], 25);
    EXPECT_TRUE(json_of(result)["reservation"].is_null()) << "claimed a reservation not written";
    EXPECT_TRUE(contains(result.stderr_text, "No space left on device")) << result.stderr_text;
    EXPECT_EQ(testkit::read_whole_file(mounted_ledger()), before) << "the old ledger was damaged";
    for (const auto& entry : std::filesystem::directory_iterator(mounted_state_dir()))
        EXPECT_FALSE(contains(entry.path().filename().string(), ".tmp")) << entry.path();

    std::filesystem::remove(tmpfs.path() + "/filler");  // space again: recording resumes
    const ProcessResult later = gate({"--cost", "25", "--reserve"});
    EXPECT_FALSE(json_of(later)["reservation"].is_null()) << later.stderr_text;
    const LedgerParse parsed = parse_ledger(testkit::read_whole_file(mounted_ledger()));
    ASSERT_TRUE(parsed.ledger.has_value()) << parsed.problem;
    EXPECT_EQ(parsed.ledger->reservations.size(), 2u);
}

TEST_F(StateOnASmallTmpfs, FullStateLocationStillBlocksAnOverrun) {
    ASSERT_EQ(gate({"--cost", "25", "--reserve"}).exit_code, 0);
    tmpfs.fill();
    set_current(160);  // 160 + 25 reserved + 25 of 200
    const ProcessResult result = gate({"--cost", "25", "--reserve"});
    EXPECT_EQ(result.exit_code, 2) << result.stderr_text;
    EXPECT_EQ(json_of(result)["verdict"], "block");
}

}  // namespace
}  // namespace spawngate
