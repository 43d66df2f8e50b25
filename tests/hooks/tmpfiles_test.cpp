// hooks/spawngate.tmpfiles: the directories it makes are the ones the tools write to and the
// reaper's unit declares, and the real systemd-tmpfiles makes them with the modes it states.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "fixture_tree.hpp"
#include "hooks_fixture.hpp"
#include "reap_cycle.hpp"
#include "reaper_heartbeat.hpp"
#include "reaper_lock.hpp"

namespace spawngate {
namespace {

std::string read_source(std::string_view relative) {
    return testkit::read_whole_file(testkit::source_file(relative));
}

std::string directory_of(std::string_view path) {
    return std::filesystem::path(path).parent_path().string();
}

TEST(Tmpfiles, MakesTheDirectoriesTheToolsWriteTo) {
    const std::string entries = read_source("hooks/spawngate.tmpfiles");
    for (const std::string& directory :
         {directory_of(kDefaultLockPath), directory_of(kDefaultHeartbeatPath),
          directory_of(kDefaultStatePath), directory_of(kDefaultLogPath)})
        EXPECT_NE(entries.find("d " + directory + " "), std::string::npos) << directory;
}

TEST(Tmpfiles, TheReaperUnitDeclaresTheSameDirectories) {
    const std::string unit = read_source("hooks/spawnreaper.service");
    // RuntimeDirectory= and LogsDirectory= name directories below /run and /var/log.
    EXPECT_NE(unit.find("RuntimeDirectory=" +
                        std::filesystem::path(kDefaultLockPath).parent_path().filename().string()),
              std::string::npos);
    EXPECT_NE(unit.find("LogsDirectory=" +
                        std::filesystem::path(kDefaultLogPath).parent_path().filename().string()),
              std::string::npos);
}

TEST(Tmpfiles, SystemdTmpfilesCreatesThemWithTheirModes) {
    if (::access("/usr/bin/systemd-tmpfiles", X_OK) != 0)
        GTEST_SKIP() << "systemd-tmpfiles is not installed (Debian package systemd)";
    const testkit::FixtureTree root;
    testkit::ProcessRun create;
    create.arguments = {"--create", "--root=" + root.path(),
                        testkit::source_file("hooks/spawngate.tmpfiles")};
    const testkit::ProcessResult run = testkit::run_process("/usr/bin/systemd-tmpfiles", create);
    ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
    for (const char* directory : {"/run/spawngate", "/var/log/spawngate"}) {
        struct stat info {};
        ASSERT_EQ(::stat(root.path_of(directory).c_str(), &info), 0) << directory;
        EXPECT_TRUE(S_ISDIR(info.st_mode)) << directory;
        EXPECT_EQ(info.st_mode & 07777, 0755u) << directory;
    }
}

}  // namespace
}  // namespace spawngate
