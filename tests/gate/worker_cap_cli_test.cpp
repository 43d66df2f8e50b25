// The worker cap's and auto-reap's settings as a user meets them: the built gate refuses a worker
// pattern that does not compile or that would count every process, wherever it was set (flag,
// environment, config file), with exit 64 and a message naming the culprit.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixture_tree.hpp"
#include "run_process.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;
using testkit::ProcessResult;
using testkit::ProcessRun;

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

class WorkerCapSettings : public ::testing::Test {
  protected:
    void SetUp() override { tree.write("/etc/spawngate.toml", ""); }

    ProcessResult run(std::vector<std::string> arguments,
                      std::vector<std::string> environment = {}) {
        arguments.insert(arguments.begin(), {"--config", tree.path_of("/etc/spawngate.toml")});
        ProcessRun process;
        process.arguments = std::move(arguments);
        process.environment = std::move(environment);
        return testkit::run_process(SPAWNGATE_PATH, process);
    }

    FixtureTree tree;
};

TEST_F(WorkerCapSettings, PatternThatDoesNotCompileIsAUsageErrorNamingTheFlag) {
    const ProcessResult result = run({"--max-workers", "3", "--worker-pattern", "(claude"});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "--worker-pattern = '(claude'")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "not a valid extended regex")) << result.stderr_text;
}

TEST_F(WorkerCapSettings, PatternThatMatchesEveryCommandLineIsAUsageError) {
    for (const std::string pattern : {".*", ".", "^", "(x|)"}) {
        const ProcessResult result = run({"--max-workers", "3", "--worker-pattern", pattern});
        EXPECT_EQ(result.exit_code, 64) << pattern;
        EXPECT_TRUE(contains(result.stderr_text, "matches every command line"))
            << pattern << ": " << result.stderr_text;
    }
}

TEST_F(WorkerCapSettings, EmptyPatternFlagIsAUsageError) {
    const ProcessResult result = run({"--max-workers", "3", "--worker-pattern", ""});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "--worker-pattern")) << result.stderr_text;
}

TEST_F(WorkerCapSettings, BadPatternInTheEnvironmentNamesTheVariable) {
    const ProcessResult result = run({"--max-workers", "3"}, {"SPAWNGATE_WORKER_PATTERN=[a-"});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "SPAWNGATE_WORKER_PATTERN = '[a-'"))
        << result.stderr_text;
}

TEST_F(WorkerCapSettings, BadPatternInTheConfigFileNamesTheFileLineAndKey) {
    tree.write("/etc/spawngate.toml", "max_workers = 3\nworker_pattern = \".*\"\n");
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(
        contains(result.stderr_text, tree.path_of("/etc/spawngate.toml") + ":2 'worker_pattern'"))
        << result.stderr_text;
}

TEST_F(WorkerCapSettings, MaxWorkersThatIsNotACountIsAUsageError) {
    const ProcessResult result = run({"--max-workers", "three"});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "--max-workers = 'three'")) << result.stderr_text;
}

TEST_F(WorkerCapSettings, ReaperPathsForAutoReapMustBeAbsolute) {
    for (const std::string flag :
         {"--reaper-config", "--reaper-log", "--reaper-lock", "--reaper-state"}) {
        const ProcessResult result = run({"--auto-reap", flag, "reaper.file"});
        EXPECT_EQ(result.exit_code, 64) << flag;
        EXPECT_TRUE(contains(result.stderr_text, flag + " = 'reaper.file'"))
            << flag << ": " << result.stderr_text;
        EXPECT_TRUE(contains(result.stderr_text, "absolute path")) << result.stderr_text;
    }
}

}  // namespace
}  // namespace spawngate
