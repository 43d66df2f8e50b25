// Issue 5, security: a config file that another user can change is refused. The reaper's rules
// choose what root kills; the gate's thresholds decide whether root's agents may launch. Either,
// writable by others or owned by another (non-root) user, would hand that choice to that user.
// Both built executables refuse such a file with their config-error exit code and say why.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "gate_process_fixture.hpp"
#include "reaper_sandbox.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;

constexpr uid_t kNobody = 65534;

// --- spawnreaper ------------------------------------------------------------------------------

class ReaperConfigPermissions : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
        ASSERT_FALSE(sandbox.directory().empty());
    }
    testkit::ReaperSandbox sandbox;
};

TEST_F(ReaperConfigPermissions, ConfigWritableByOtherUsersIsRefused) {
    sandbox.write_config({}, 0666);
    const ProcessResult result = sandbox.run({"--dry-run"});
    EXPECT_EQ(result.exit_code, 2) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "writable by other users")) << result.stderr_text;
}

TEST_F(ReaperConfigPermissions, ConfigOwnedByAnotherUserIsRefused) {
    const std::string config = sandbox.write_config({}, 0644);
    ASSERT_EQ(::chown(config.c_str(), kNobody, kNobody), 0);
    const ProcessResult result = sandbox.run({"--dry-run"});
    EXPECT_EQ(result.exit_code, 2) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "owned by another user")) << result.stderr_text;
}

TEST_F(ReaperConfigPermissions, ConfigOwnedByRootAndWritableOnlyByItIsUsed) {
    sandbox.write_config({}, 0644);
    const ProcessResult result = sandbox.run({"--dry-run"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
}

// --- spawngate ---------------------------------------------------------------------------------

class GateConfigPermissions : public ::testing::Test, public testkit::GateProcess {
  protected:
    void SetUp() override {
        v1_caller_at(180);  // 180 + 1 of 200 is 90.5 %: blocked at the default 85 %
        config = tree.path_of("/etc/spawngate/spawngate.toml");
        tree.write("/etc/spawngate/spawngate.toml", "block_percent = 100\nwarn_percent = 99\n");
    }
    ProcessResult gate() const { return run({}, {"SPAWNGATE_CONFIG=" + config}); }
    std::string config;
};

TEST_F(GateConfigPermissions, ConfigWritableByOtherUsersIsRefusedAndItsThresholdsNotApplied) {
    ASSERT_EQ(::chmod(config.c_str(), 0666), 0);
    const ProcessResult result = gate();
    EXPECT_EQ(result.exit_code, 64) << "a raised block level was applied: " << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, config + " is writable by other users"))
        << result.stderr_text;
}

TEST_F(GateConfigPermissions, ConfigOwnedByAnotherUserIsRefused) {
    if (::geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
    ASSERT_EQ(::chmod(config.c_str(), 0644), 0);
    ASSERT_EQ(::chown(config.c_str(), kNobody, kNobody), 0);
    const ProcessResult result = gate();
    EXPECT_EQ(result.exit_code, 64) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "owned by another user")) << result.stderr_text;
}

TEST_F(GateConfigPermissions, GroupWritableConfigOfTheCallerIsStillUsed) {
    // Only "others" and a foreign owner are refused: a root:adm 0664 file is the operators'.
    ASSERT_EQ(::chmod(config.c_str(), 0664), 0);
    const ProcessResult result = gate();
    EXPECT_EQ(result.exit_code, 0) << "its block_percent = 100 applies: " << result.stderr_text;
}

TEST_F(GateConfigPermissions, FifoPlantedAsTheConfigIsRefusedWithoutHanging) {
    tree.remove("/etc/spawngate/spawngate.toml");
    ASSERT_EQ(::mkfifo(config.c_str(), 0644), 0);
    const ProcessResult result = gate();
    EXPECT_FALSE(result.timed_out);
    EXPECT_EQ(result.exit_code, 64) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "is not a regular file")) << result.stderr_text;
}

}  // namespace
}  // namespace spawngate
