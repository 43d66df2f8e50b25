// `spawngate setup`: the merge on plain JSON (idempotent, keeps everything else, replaces old
// entries), then the built executable on real files (refuses what it cannot parse and leaves it
// byte for byte, dry run writes nothing, the write is atomic, each CLI's file).
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "gate_process_fixture.hpp"
#include "settings_merge.hpp"
#include "shipped_snippets.hpp"

namespace spawngate {
namespace {

using nlohmann::ordered_json;
using testkit::contains;
using testkit::ProcessResult;

const ordered_json& claude_snippet() {
    static const ordered_json snippet = ordered_json::parse(kClaudeSnippet);
    return snippet;
}

std::vector<std::string> spawngate_commands(const ordered_json& settings) {
    std::vector<std::string> found;
    for (const auto& [event, groups] : settings["hooks"].items())
        for (const auto& group : groups)
            for (const auto& hook : group["hooks"])
                if (runs_spawngate_hook(hook.value("command", std::string()), "/opt/sg"))
                    found.push_back(event + " " + hook["command"].get<std::string>());
    return found;
}

TEST(SettingsMerge, EmptySettingsGetTheShippedEntriesWithThisGatesPath) {
    const MergeResult merged = merge_hooks(ordered_json::object(), claude_snippet(), "/opt/sg");
    ASSERT_TRUE(merged.error.empty()) << merged.error;
    EXPECT_TRUE(merged.changed);
    EXPECT_EQ(spawngate_commands(merged.settings),
              (std::vector<std::string>{"PreToolUse /opt/sg --hook claude",
                                        "PostToolUse /opt/sg --hook claude-post"}));
}

TEST(SettingsMerge, MergingTwiceChangesNothing) {
    const MergeResult first = merge_hooks(ordered_json::object(), claude_snippet(), "/opt/sg");
    const MergeResult second = merge_hooks(first.settings, claude_snippet(), "/opt/sg");
    EXPECT_FALSE(second.changed);
    EXPECT_EQ(second.settings, first.settings);
}

TEST(SettingsMerge, EveryOtherSettingAndHookIsKeptInItsPlace) {
    const ordered_json settings = ordered_json::parse(R"json({
        "permissions": {"allow": ["Bash(ls)"]},
        "model": "opus",
        "hooks": {
            "PreToolUse": [{"matcher": "Bash", "hooks": [
                {"type": "command", "command": "/opt/audit.sh"},
                {"type": "command", "command": "/old/spawngate --hook claude --cost 3"}]}],
            "Stop": [{"hooks": [{"type": "command", "command": "/opt/notify"}]}]
        },
        "env": {"FOO": "1"}
    })json");
    const MergeResult merged = merge_hooks(settings, claude_snippet(), "/opt/sg");
    ASSERT_TRUE(merged.error.empty());
    std::vector<std::string> keys;
    for (const auto& [key, value] : merged.settings.items()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"permissions", "model", "hooks", "env"}));
    EXPECT_EQ(merged.settings["model"], "opus");
    EXPECT_EQ(merged.settings["hooks"]["Stop"], settings["hooks"]["Stop"]);
    const ordered_json& first_group = merged.settings["hooks"]["PreToolUse"][0];
    EXPECT_EQ(first_group["matcher"], "Bash");
    ASSERT_EQ(first_group["hooks"].size(), 1u) << "the user's own hook stays, ours goes";
    EXPECT_EQ(first_group["hooks"][0]["command"], "/opt/audit.sh");
    ASSERT_EQ(merged.removed.size(), 1u);
    EXPECT_TRUE(contains(merged.removed[0], "/old/spawngate --hook claude --cost 3"));
    EXPECT_EQ(spawngate_commands(merged.settings).size(), 2u) << "old entry replaced, not kept";
}

TEST(SettingsMerge, ASettingsDocumentOfTheWrongShapeIsRefused) {
    for (const char* text : {R"([1, 2])", R"({"hooks": []})", R"({"hooks": {"PreToolUse": {}}})",
                             R"({"hooks": {"PreToolUse": [{"hooks": 3}]}})"}) {
        const MergeResult merged =
            merge_hooks(ordered_json::parse(text), claude_snippet(), "/opt/sg");
        EXPECT_FALSE(merged.error.empty()) << text;
    }
}

TEST(SettingsMerge, OnlyCommandsThatRunSpawngateAsAHookAreOurs) {
    EXPECT_TRUE(runs_spawngate_hook("/usr/bin/spawngate --hook claude"));
    EXPECT_TRUE(runs_spawngate_hook("spawngate --cost 5 --hook=codex"));
    EXPECT_FALSE(runs_spawngate_hook("/usr/bin/spawngate status"));
    EXPECT_FALSE(runs_spawngate_hook("/opt/not-spawngate --hook claude"));
    EXPECT_FALSE(runs_spawngate_hook("echo spawngate --hook"));
    EXPECT_FALSE(runs_spawngate_hook(""));
}

// The built gate's `setup`, with HOME (and CODEX_HOME) in a fresh directory.
class SetupCommand : public ::testing::Test {
  protected:
    testkit::FixtureTree home;

    ProcessResult setup(std::vector<std::string> arguments,
                        std::vector<std::string> environment = {}) const {
        testkit::ProcessRun process;
        process.arguments = {"setup"};
        process.arguments.insert(process.arguments.end(), arguments.begin(), arguments.end());
        process.environment = {"PATH=/usr/bin:/bin", "HOME=" + home.path()};
        process.environment.insert(process.environment.end(), environment.begin(),
                                   environment.end());
        return testkit::run_process(testkit::kBuiltGate, process);
    }

    std::string file(std::string_view relative) const {
        return testkit::read_whole_file(home.path_of(relative));
    }
};

TEST_F(SetupCommand, ClaudeUserSettingsGetTheHooksAndTheAdvice) {
    const ProcessResult result = setup({"claude", "--gate", "/usr/bin/spawngate"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    const ordered_json written = ordered_json::parse(file("/.claude/settings.json"));
    EXPECT_EQ(spawngate_commands(written).size(), 2u);
    EXPECT_TRUE(contains(result.stdout_text, "restart running sessions")) << result.stdout_text;
    const ProcessResult again = setup({"claude", "--gate", "/usr/bin/spawngate"});
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_TRUE(contains(again.stdout_text, "nothing to change")) << again.stdout_text;
}

TEST_F(SetupCommand, UnparsableFileIsRefusedAndLeftByteForByte) {
    const std::string broken = "{\"model\": \"opus\",\n  // my note\n}\n";
    home.write("/.claude/settings.json", broken);
    const ProcessResult result = setup({"claude"});
    EXPECT_EQ(result.exit_code, 65);
    EXPECT_TRUE(contains(result.stderr_text, "nothing was changed")) << result.stderr_text;
    EXPECT_EQ(file("/.claude/settings.json"), broken);
}

TEST_F(SetupCommand, DryRunPrintsTheChangeAndWritesNothing) {
    home.write("/.claude/settings.json", "{\"model\": \"opus\"}\n");
    const ProcessResult result = setup({"claude", "--dry-run", "--gate", "/usr/bin/spawngate"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_TRUE(contains(result.stdout_text, "+ PreToolUse")) << result.stdout_text;
    EXPECT_TRUE(contains(result.stdout_text, "\"model\": \"opus\"")) << result.stdout_text;
    EXPECT_EQ(file("/.claude/settings.json"), "{\"model\": \"opus\"}\n");
}

TEST_F(SetupCommand, TheWriteLeavesNoTemporaryFileAndKeepsTheFilesMode) {
    home.write("/.gemini/settings.json", "{\"security\": {\"auth\": {\"selectedType\": \"x\"}}}");
    ::chmod(home.path_of("/.gemini/settings.json").c_str(), 0600);
    const ProcessResult result = setup({"gemini"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(home.path_of("/.gemini")))
        names.push_back(entry.path().filename());
    EXPECT_EQ(names, std::vector<std::string>{"settings.json"});
    struct stat info {};
    ASSERT_EQ(::stat(home.path_of("/.gemini/settings.json").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    const ordered_json written = ordered_json::parse(file("/.gemini/settings.json"));
    EXPECT_EQ(written["security"]["auth"]["selectedType"], "x");
    EXPECT_TRUE(contains(result.stdout_text, "trusted folder")) << result.stdout_text;
}

TEST_F(SetupCommand, CodexHooksGoToCodexHomeAndTheReviewIsNamed) {
    home.make_directory("/codex-home");
    const ProcessResult result = setup({"codex"}, {"CODEX_HOME=" + home.path_of("/codex-home")});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_FALSE(spawngate_commands(ordered_json::parse(file("/codex-home/hooks.json"))).empty());
    EXPECT_TRUE(contains(result.stdout_text, "reviewed")) << result.stdout_text;
}

TEST_F(SetupCommand, ProjectSettingsGoBelowTheProject) {
    home.make_directory("/project");
    const ProcessResult result = setup({"claude", "--project", home.path_of("/project")});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_FALSE(file("/project/.claude/settings.json").empty());
    EXPECT_FALSE(std::filesystem::exists(home.path_of("/.claude/settings.json")));
}

TEST_F(SetupCommand, HelpPrintsTheUsageOnStdoutAndExitsZero) {
    for (const std::vector<std::string>& arguments : std::vector<std::vector<std::string>>{
             {"--help"}, {"-h"}, {"claude", "--help"}, {"claude", "--project", "/x", "-h"}}) {
        const ProcessResult result = setup(arguments);
        EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
        EXPECT_TRUE(result.stdout_text.starts_with("usage: spawngate setup")) << result.stdout_text;
        for (const std::string_view flag : {"--project", "--dry-run", "--gate", "--help"})
            EXPECT_TRUE(contains(result.stdout_text, flag)) << flag;
        EXPECT_EQ(result.stderr_text, "");
    }
    EXPECT_FALSE(std::filesystem::exists(home.path_of("/.claude/settings.json")));
}

TEST_F(SetupCommand, BadArgumentsAreUsageErrors) {
    for (const std::vector<std::string>& arguments :
         std::vector<std::vector<std::string>>{{},
                                               {"cursor"},
                                               {"claude", "--bogus"},
                                               {"claude", "--gate", "relative"},
                                               {"claude", "--project"}}) {
        const ProcessResult result = setup(arguments);
        EXPECT_EQ(result.exit_code, 64) << result.stderr_text;
        EXPECT_TRUE(contains(result.stderr_text, "usage: spawngate setup")) << result.stderr_text;
    }
}

}  // namespace
}  // namespace spawngate
