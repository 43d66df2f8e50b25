// The shell and CI integrations in hooks/ and the gate's shipped default config: the launch
// wrapper, the plain-shell CI step, the GitHub Actions step, and gate/spawngate.toml.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "command_line.hpp"
#include "hooks_fixture.hpp"
#include "setting_table.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;
using testkit::ProcessRun;

std::string built_help() {
    ProcessRun process;
    process.arguments = {"--help"};
    const ProcessResult help = testkit::run_process(testkit::kBuiltGate, process);
    EXPECT_EQ(help.exit_code, 0);
    return help.stdout_text;
}

// --- hooks/shell/spawngate-launch ---------------------------------------------------------

class LaunchWrapper : public ::testing::Test, public testkit::GateProcess {
  protected:
    ProcessResult launch(std::vector<std::string> arguments) const {
        ProcessRun process;
        process.arguments = std::move(arguments);
        process.environment = {"PATH=/usr/bin:/bin",
                               std::string("SPAWNGATE=") + testkit::kBuiltGate,
                               "SPAWNGATE_CONFIG=" + tree.path_of("/etc/spawngate-test.toml"),
                               "SPAWNGATE_STATE_DIR=" + state_dir()};
        return testkit::run_process(testkit::source_file("hooks/shell/spawngate-launch"), process);
    }
    // Gate options that point the wrapper's gate at the fixture.
    std::vector<std::string> gate(std::vector<std::string> more = {}) const {
        std::vector<std::string> options{"--root", tree.path()};
        options.insert(options.end(), more.begin(), more.end());
        return options;
    }
    static std::vector<std::string> join(std::vector<std::string> a,
                                         const std::vector<std::string>& b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    }
};

TEST_F(LaunchWrapper, AdmittedCommandRunsAndItsExitStatusPassesThrough) {
    v1_caller_at(20);
    const ProcessResult result =
        launch(join(gate({"--cost", "5"}), {"--", "/bin/sh", "-c", "echo started; exit 7"}));
    EXPECT_EQ(result.exit_code, 7) << result.stderr_text;
    EXPECT_EQ(result.stdout_text, "started\n");
}

TEST_F(LaunchWrapper, AdmittedLaunchRecordsAReservationOfItsCost) {
    v1_caller_at(20);
    ASSERT_EQ(launch(join(gate({"--cost", "5"}), {"--", "/bin/true"})).exit_code, 0);
    const std::vector<Reservation> entries = ledger_entries();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].tasks, 5u);
}

TEST_F(LaunchWrapper, ArgumentsReachTheCommandUnevaluated) {
    v1_caller_at(20);
    const std::string marker = tree.path_of("/evaluated");
    const ProcessResult result = launch(join(
        gate(), {"--", "/usr/bin/printf", "%s|", "a b", "$(touch " + marker + ")", "*", "--cost"}));
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(result.stdout_text, "a b|$(touch " + marker + ")|*|--cost|");
    EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST_F(LaunchWrapper, BlockedCommandDoesNotRunAndExitsTwoWithGuidance) {
    v1_caller_at(190);
    const std::string marker = tree.path_of("/ran");
    const ProcessResult result =
        launch(join(gate({"--cost", "5"}), {"--", "/usr/bin/touch", marker}));
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(contains(result.stderr_text, "blocked")) << result.stderr_text;
    EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST_F(LaunchWrapper, MissingSeparatorIsAUsageError) {
    v1_caller_at(20);
    const ProcessResult result = launch({"--cost", "5", "/bin/true"});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "usage: spawngate-launch")) << result.stderr_text;
}

TEST_F(LaunchWrapper, MissingCommandIsAUsageError) {
    v1_caller_at(20);
    EXPECT_EQ(launch(join(gate(), {"--"})).exit_code, 64);
    EXPECT_EQ(launch({}).exit_code, 64);
}

TEST_F(LaunchWrapper, BadGateOptionIsAUsageErrorAndTheCommandDoesNotRun) {
    v1_caller_at(20);
    const std::string marker = tree.path_of("/ran");
    const ProcessResult result =
        launch(join(gate({"--cots", "5"}), {"--", "/usr/bin/touch", marker}));
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "unknown option '--cots'")) << result.stderr_text;
    EXPECT_FALSE(std::filesystem::exists(marker));
}

// --- hooks/ci/check-budget.sh ------------------------------------------------------------

class CiShellStep : public ::testing::Test, public testkit::GateProcess {
  protected:
    void SetUp() override {
        // The step runs "$SPAWNGATE"; point it at the built gate reading this fixture.
        tree.write("/bin/spawngate", std::string("#!/bin/sh\nexec ") + testkit::kBuiltGate +
                                         " --root '" + tree.path() + "' \"$@\"\n");
        ::chmod(tree.path_of("/bin/spawngate").c_str(), 0755);
        tree.make_directory("/work");
    }
    // Runs the step in the fixture's /work directory with `arguments`.
    ProcessResult step(std::vector<std::string> arguments) const {
        ProcessRun process;
        process.arguments = {"-c", "cd \"$1\" && shift && exec \"$@\"", "sh", tree.path_of("/work"),
                             testkit::source_file("hooks/ci/check-budget.sh")};
        process.arguments.insert(process.arguments.end(), arguments.begin(), arguments.end());
        process.environment = {"PATH=/usr/bin:/bin", "SPAWNGATE=" + tree.path_of("/bin/spawngate"),
                               "SPAWNGATE_CONFIG=" + tree.path_of("/etc/spawngate-test.toml"),
                               "SPAWNGATE_STATE_DIR=" + state_dir()};
        return testkit::run_process("/bin/sh", process);
    }
    nlohmann::json verdict_file(std::string_view name) const {
        return nlohmann::json::parse(
            testkit::read_whole_file(tree.path_of("/work/" + std::string(name))));
    }
};

TEST_F(CiShellStep, RoomInTheBudgetPassesAndKeepsTheVerdict) {
    v2_caller_at(20);
    const ProcessResult result = step({"30", "verdict.json"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_TRUE(contains(result.stdout_text, "budget ok for 30 more tasks")) << result.stdout_text;
    const nlohmann::json json = verdict_file("verdict.json");
    EXPECT_EQ(json["verdict"], "allow");
    EXPECT_EQ(json["cost"], 30);
}

TEST_F(CiShellStep, BlockFailsTheStageWithExitTwoAndKeepsTheVerdict) {
    v2_caller_at(160);
    const ProcessResult result = step({"25", "verdict.json"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(contains(result.stderr_text, "blocked; failing this stage")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "what to do")) << "the gate's guidance is in the log";
    EXPECT_EQ(verdict_file("verdict.json")["verdict"], "block");
}

TEST_F(CiShellStep, DefaultsAreACostOf25AndAVerdictFileInTheWorkingDirectory) {
    v2_caller_at(20);
    const ProcessResult result = step({});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(verdict_file("spawngate-verdict.json")["cost"], 25);
}

TEST_F(CiShellStep, BadCostIsAUsageErrorThatFailsTheStage) {
    v2_caller_at(20);
    const ProcessResult result = step({"lots"});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "usage or config error (exit 64)"))
        << result.stderr_text;
}

// --- hooks/ci/github-actions.yml ---------------------------------------------------------

// The commands of the workflow's `run:` lines (single-line form).
std::vector<std::string> run_lines(const std::string& yaml) {
    std::vector<std::string> commands;
    const std::regex run_line(R"(^\s*(-\s+)?run:\s*(\S.*?)\s*$)");
    std::size_t start = 0;
    while (start < yaml.size()) {
        const std::size_t end = yaml.find('\n', start);
        const std::string line =
            yaml.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? yaml.size() : end + 1;
        std::smatch match;
        if (std::regex_match(line, match, run_line)) commands.push_back(match[2]);
    }
    return commands;
}

class GithubActionsStep : public ::testing::Test, public testkit::GateProcess {
  protected:
    std::string workflow() const {
        return testkit::read_whole_file(testkit::source_file("hooks/ci/github-actions.yml"));
    }
};

TEST_F(GithubActionsStep, IsAListOfNamedStepsWithoutTabs) {
    const std::string yaml = workflow();
    ASSERT_FALSE(yaml.empty());
    EXPECT_EQ(yaml.find('\t'), std::string::npos) << "YAML forbids tabs for indentation";
    EXPECT_TRUE(std::regex_search(yaml, std::regex(R"((^|\n)steps:\s*\n)")));
    EXPECT_TRUE(std::regex_search(yaml, std::regex(R"(\n\s+- name: \S)")));
    EXPECT_FALSE(run_lines(yaml).empty());
}

TEST_F(GithubActionsStep, RunLineUsesOptionsTheBuiltGateHas) {
    const std::string help = built_help();
    for (const auto& command : run_lines(workflow())) {
        const std::vector<std::string> words = testkit::split_exec_command(command);
        ASSERT_FALSE(words.empty());
        EXPECT_EQ(words.front(), "spawngate") << command;
        for (const auto& option : testkit::long_options(words))
            EXPECT_TRUE(contains(help, option)) << option << " is not an option of spawngate";
    }
}

TEST_F(GithubActionsStep, RunLinePassesWithRoomAndFailsTheJobOnABlock) {
    for (const auto& command : run_lines(workflow())) {
        std::vector<std::string> arguments = testkit::split_exec_command(command);
        arguments.erase(arguments.begin());
        v2_caller_at(20);
        const ProcessResult room = run(arguments);
        EXPECT_EQ(room.exit_code, 0) << command << "\n" << room.stderr_text;
        if (contains(command, "--json")) {
            EXPECT_EQ(nlohmann::json::parse(room.stdout_text)["verdict"], "allow");
        }
        v2_caller_at(190);
        EXPECT_EQ(run(arguments).exit_code, 2) << "a non-zero exit fails the step: " << command;
    }
}

// --- gate/spawngate.toml -------------------------------------------------------------------

const char* no_environment(const char*) {
    return nullptr;
}

std::string shipped_config() {
    return testkit::source_file("gate/spawngate.toml");
}

SettingsLoad load_with_config(const std::string& path) {
    const std::string config = path;
    const char* argv[] = {"spawngate", "--config", config.c_str()};
    const CommandLineParse parsed = parse_command_line(3, argv);
    EXPECT_TRUE(parsed.command_line.has_value()) << parsed.error.message;
    return load_settings(*parsed.command_line, no_environment);
}

// Every `key = value` line, commented-out examples included ("# budget = 200").
std::vector<std::pair<std::string, bool>> config_keys(const std::string& text) {
    std::vector<std::pair<std::string, bool>> keys;  // key, commented out
    const std::regex assignment(R"(^(#\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*\S.*$)");
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? text.size() : end + 1;
        std::smatch match;
        if (std::regex_match(line, match, assignment))
            keys.emplace_back(match[2], match[1].matched);
    }
    return keys;
}

TEST(ShippedGateConfig, LoadsThroughTheBuiltGateWithoutError) {
    testkit::GateProcess gate;
    gate.v2_caller_at(20);
    const ProcessResult result = gate.run({"--config", shipped_config()});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(result.stderr_text, "");
}

TEST(ShippedGateConfig, EveryKeyIsASetting) {
    const auto keys = config_keys(testkit::read_whole_file(shipped_config()));
    ASSERT_GE(keys.size(), 5u);
    for (const auto& [key, commented] : keys)
        EXPECT_NE(find_setting_by_key(key), nullptr)
            << key << (commented ? " (commented out)" : "");
}

TEST(ShippedGateConfig, ValuesShownAreTheDefaults) {
    const SettingsLoad loaded = load_with_config(shipped_config());
    ASSERT_TRUE(loaded.settings.has_value()) << loaded.error.message;
    const GateSettings& shipped = *loaded.settings;
    const GateSettings defaults;
    EXPECT_EQ(shipped.thresholds.warn_ratio, defaults.thresholds.warn_ratio);
    EXPECT_EQ(shipped.thresholds.block_ratio, defaults.thresholds.block_ratio);
    EXPECT_EQ(shipped.thresholds.thread_warn, defaults.thresholds.thread_warn);
    EXPECT_EQ(shipped.thresholds.memory_warn_ratio, defaults.thresholds.memory_warn_ratio);
    EXPECT_EQ(shipped.thresholds.memory_block_ratio, defaults.thresholds.memory_block_ratio);
    EXPECT_EQ(shipped.thresholds.context_block_ratio, defaults.thresholds.context_block_ratio);
    EXPECT_EQ(shipped.cost, defaults.cost);
    EXPECT_EQ(shipped.budget, defaults.budget);
    EXPECT_EQ(shipped.fail_closed, defaults.fail_closed);
    EXPECT_EQ(shipped.reserve, defaults.reserve);
    EXPECT_EQ(shipped.reservation_ttl_s, defaults.reservation_ttl_s);
    EXPECT_EQ(shipped.state_dir, defaults.state_dir);
    EXPECT_EQ(shipped.context_window_tokens, defaults.context_window_tokens);
    EXPECT_EQ(shipped.reaper_heartbeat, defaults.reaper_heartbeat);
}

TEST(ShippedGateConfig, CommentedExamplesLoadWhenUncommented) {
    testkit::FixtureTree tree;
    std::string text = testkit::read_whole_file(shipped_config());
    text =
        std::regex_replace(text, std::regex(R"((^|\n)#\s*([A-Za-z_][A-Za-z0-9_]*\s*=))"), "$1$2");
    tree.write("/etc/uncommented.toml", text);
    const SettingsLoad loaded = load_with_config(tree.path_of("/etc/uncommented.toml"));
    EXPECT_TRUE(loaded.settings.has_value()) << loaded.error.message;
}

// --- every file in hooks/ ------------------------------------------------------------------

TEST(HooksDirectory, EveryFileIsExercisedByATest) {
    // The files the tests above run or parse; the reaper's units and cron line (spawnreaper.*)
    // are checked by reaper_units_test.cpp, the tmpfiles.d entry by tmpfiles_test.cpp, and the
    // bash completions by the docs tests (tests/docs).
    const std::set<std::string> tested = {
        "claude-code/settings.json", "gemini-cli/settings.json",  "codex/hooks.json",
        "shell/spawngate-launch",    "ci/check-budget.sh",        "ci/github-actions.yml",
        "spawngate.tmpfiles",        "bash-completion/spawngate", "bash-completion/spawnreaper",
    };
    const std::filesystem::path hooks = testkit::source_file("hooks");
    for (const auto& entry : std::filesystem::recursive_directory_iterator(hooks)) {
        if (!entry.is_regular_file()) continue;
        const std::string relative = std::filesystem::relative(entry.path(), hooks).string();
        if (entry.path().filename().string().starts_with("spawnreaper")) continue;
        EXPECT_EQ(tested.count(relative), 1u) << "hooks/" << relative << " has no test";
    }
}

TEST(HooksDirectory, ScriptsAreExecutable) {
    for (const char* script : {"hooks/shell/spawngate-launch", "hooks/ci/check-budget.sh"})
        EXPECT_EQ(::access(testkit::source_file(script).c_str(), X_OK), 0) << script;
}

}  // namespace
}  // namespace spawngate
