// Issue 5, security: the gate never executes anything from the hook input. Every string field of
// the hook document carries shell syntax that would leave a marker file if any shell or program
// ever saw it; no marker appears. And the gate, run under a seccomp filter that kills it on any
// fork, clone, vfork or exec, still answers every protocol: it never creates a process at all.
#include <unistd.h>

#include <gtest/gtest.h>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "gate_process_fixture.hpp"
#include "no_spawn_sandbox.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;
namespace fs = std::filesystem;

class HostileHookInput : public ::testing::Test, public testkit::GateProcess {
  protected:
    void SetUp() override {
        v1_caller_at(50);
        markers = tree.path_of("/markers");
        tree.make_directory("/markers");
    }

    // Shell syntax that creates markers/<tag>-N if anything interprets it.
    std::string hostile(const std::string& tag) const {
        const std::string m = markers + "/" + tag;
        return "x$(touch " + m + "-1)`touch " + m + "-2`; touch " + m + "-3 | touch " + m +
               "-4 && touch " + m + "-5\n touch " + m + "-6 #'\"$IFS${PATH}*?[a]~";
    }

    // A hook document whose every string field is hostile; `tool_name` picks the branch taken.
    nlohmann::json document(const std::string& tool_name, bool background = true) const {
        return {
            {"session_id", hostile("session")},
            {"transcript_path", "/nonexistent/" + hostile("transcript")},
            {"cwd", hostile("cwd")},
            {"hook_event_name", "PreToolUse"},
            {"permission_mode", hostile("mode")},
            {"tool_name", tool_name},
            {"tool_use_id", hostile("id")},
            {"prompt", hostile("prompt")},
            {"tool_input",
             {{"command", hostile("command")},
              {"description", hostile("description")},
              {"prompt", hostile("subprompt")},
              {"subagent_type", hostile("subagent")},
              {"run_in_background", background},
              {"args", {hostile("array-1"), hostile("array-2")}},
              {"nested", {{"deeper", hostile("nested")}}}}},
        };
    }

    void expect_no_marker() const {
        for (const auto& entry : fs::directory_iterator(markers))
            ADD_FAILURE() << "the hook input was executed: " << entry.path();
    }

    std::string markers;
};

TEST_F(HostileHookInput, ShellSyntaxInEveryFieldOfAClaudeLaunchIsNeverRun) {
    for (const std::string& tool :
         std::vector<std::string>{"Bash", "Agent", "Task", hostile("tool")}) {
        const ProcessResult result =
            run({"--hook", "claude", "--cost", "5", "--reserve"}, {}, document(tool).dump());
        EXPECT_FALSE(result.timed_out) << tool;
        EXPECT_EQ(result.exit_code, 0) << tool << ": " << result.stderr_text;
    }
    expect_no_marker();
}

TEST_F(HostileHookInput, ShellSyntaxIsNeverRunByTheOtherProtocols) {
    for (const std::string protocol : {"claude-post", "gemini", "codex"}) {
        const ProcessResult result =
            run({"--hook", protocol, "--cost", "5"}, {}, document("Bash").dump());
        EXPECT_EQ(result.exit_code, 0) << protocol << ": " << result.stderr_text;
    }
    expect_no_marker();
}

TEST_F(HostileHookInput, HostileTranscriptPathIsOnlyEverOpenedAsAFile) {
    // A subagent launch reads its transcript: the path is a file name, however it looks.
    const std::string odd_name = "/transcripts/$(touch " + markers + "/t)`id`;|&.jsonl";
    tree.write(odd_name, R"({"type":"assistant","isSidechain":false,"message":{"role":"assistant",)"
                         R"("model":"claude-sonnet-4-5","content":[],)"
                         R"("usage":{"input_tokens":190000,"output_tokens":1}}})"
                         "\n");
    nlohmann::json input = document("Agent");
    input["transcript_path"] = tree.path_of(odd_name);
    const ProcessResult result = run({"--hook", "claude"}, {}, input.dump());
    EXPECT_EQ(result.exit_code, 2) << "190000 of 200000 tokens is 95 %: " << result.stderr_text;
    expect_no_marker();
}

class GateUnderNoSpawnFilter : public HostileHookInput {
  protected:
    void SetUp() override {
        std::string why_not;
        if (!testkit::seccomp_filter_available(why_not)) GTEST_SKIP() << why_not;
        HostileHookInput::SetUp();
    }
    testkit::SandboxedRun sandboxed(std::vector<std::string> arguments,
                                    const std::string& input) const {
        arguments.insert(arguments.end(), {"--root", tree.path()});
        return testkit::run_without_process_creation(
            testkit::kBuiltGate, arguments,
            {"PATH=/usr/bin:/bin", "SPAWNGATE_CONFIG=" + tree.path_of("/etc/spawngate-test.toml"),
             "SPAWNGATE_STATE_DIR=" + state_dir()},
            input);
    }
};

TEST_F(GateUnderNoSpawnFilter, FilterKillsAProgramThatStartsAnother) {
    // The control: without it, a filter that lets everything through would pass every test below.
    const testkit::SandboxedRun shell =
        testkit::run_without_process_creation("/bin/sh", {"-c", "/bin/true; exit 7"}, {}, "");
    EXPECT_EQ(shell.signal, SIGSYS) << "exit " << shell.exit_code;
}

TEST_F(GateUnderNoSpawnFilter, ClaudeHookAnswersEveryBranchWithoutCreatingAProcess) {
    for (const std::string& tool :
         std::vector<std::string>{"Bash", "Agent", "Read", hostile("tool")}) {
        const testkit::SandboxedRun result =
            sandboxed({"--hook", "claude", "--cost", "5", "--reserve"}, document(tool).dump());
        EXPECT_EQ(result.signal, 0)
            << tool << ": killed by the filter (signal " << result.signal << ")";
        EXPECT_EQ(result.exit_code, 0) << tool << ": " << result.stderr_text;
    }
    expect_no_marker();
}

TEST_F(GateUnderNoSpawnFilter, BlockingAnswerNeedsNoProcessEither) {
    set_current(190);
    const testkit::SandboxedRun result =
        sandboxed({"--hook", "claude", "--cost", "5"}, document("Bash").dump());
    EXPECT_EQ(result.signal, 0);
    EXPECT_EQ(result.exit_code, 2) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "blocked")) << result.stderr_text;
}

TEST_F(GateUnderNoSpawnFilter, GeminiCodexAndPostHooksAnswerWithoutCreatingAProcess) {
    for (const std::string protocol : {"claude-post", "gemini", "codex"}) {
        const testkit::SandboxedRun result =
            sandboxed({"--hook", protocol, "--cost", "5"}, document("Bash").dump());
        EXPECT_EQ(result.signal, 0) << protocol;
        EXPECT_EQ(result.exit_code, 0) << protocol << ": " << result.stderr_text;
    }
    const testkit::SandboxedRun gemini =
        sandboxed({"--hook", "gemini"}, document("run_shell_command").dump());
    EXPECT_EQ(gemini.stdout_text.substr(0, 1), "{") << gemini.stdout_text;
    expect_no_marker();
}

}  // namespace
}  // namespace spawngate
