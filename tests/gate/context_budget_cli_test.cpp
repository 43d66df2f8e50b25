// The context budget through the built executable: `spawngate --hook claude` reads the session
// transcript named in the hook input and blocks subagent launches when the context is too full.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gate_process_fixture.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;

class ContextBudget : public ::testing::Test, public testkit::GateProcess {
  protected:
    void SetUp() override { v2_caller_at(20); }  // plenty of room in the pids budget

    // A transcript whose latest turn used `tokens` of context (split as Claude Code reports it),
    // answered by `model` (none recorded when empty).
    void transcript_at(std::uint64_t tokens, const std::string& model = "") const {
        const std::string usage = R"({"input_tokens":3,"cache_creation_input_tokens":1000,)"
                                  R"("cache_read_input_tokens":)" +
                                  std::to_string(tokens - 1003) + R"(,"output_tokens":200})";
        tree.write("/home/u/session.jsonl",
                   R"({"type":"user","isSidechain":false,"message":{"role":"user","content":"go"}})"
                   "\n"
                   R"({"type":"assistant","isSidechain":false,"message":{"role":"assistant",)" +
                       (model.empty() ? "" : R"("model":")" + model + R"(",)") +
                       R"("content":[{"type":"text","text":"ok"}],"usage":)" + usage + "}}\n");
    }

    // A Claude Code PreToolUse document for `tool_name`, with its transcript at `transcript`.
    std::string claude_call(std::string_view tool_name, bool background = false,
                            std::string transcript = {}) const {
        if (transcript.empty()) transcript = tree.path_of("/home/u/session.jsonl");
        nlohmann::json input = {{"session_id", "6a2e"},
                                {"transcript_path", transcript},
                                {"cwd", "/home/u/project"},
                                {"permission_mode", "default"},
                                {"hook_event_name", "PreToolUse"},
                                {"tool_name", tool_name}};
        if (tool_name == "Bash") {
            input["tool_input"] = {{"command", "npm run build"},
                                   {"description", "build"},
                                   {"run_in_background", background}};
        } else {
            input["tool_input"] = {{"description", "review"},
                                   {"prompt", "review the diff"},
                                   {"subagent_type", "general-purpose"}};
        }
        return input.dump();
    }

    ProcessResult hook(std::string input, std::vector<std::string> extra = {}) const {
        std::vector<std::string> arguments{"--hook", "claude", "--context-window", "200000"};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        return run(arguments, {}, std::move(input));
    }
};

TEST_F(ContextBudget, AgentLaunchAtEightyPercentOfTheContextWindowIsBlocked) {
    transcript_at(160000);
    const ProcessResult result = hook(claude_call("Agent"));
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(contains(result.stderr_text, "context window")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "160000 of 200000 tokens")) << result.stderr_text;
}

TEST_F(ContextBudget, TaskLaunchAboveTheThresholdIsBlockedToo) {
    transcript_at(190000);
    EXPECT_EQ(hook(claude_call("Task")).exit_code, 2);
}

TEST_F(ContextBudget, AgentLaunchBelowTheThresholdIsAllowedSilently) {
    transcript_at(159999);
    const ProcessResult result = hook(claude_call("Agent"));
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(result.stdout_text, "");
    EXPECT_EQ(result.stderr_text, "");
}

TEST_F(ContextBudget, ContextBlockThresholdIsConfigurable) {
    transcript_at(120000);
    EXPECT_EQ(hook(claude_call("Agent")).exit_code, 0);
    EXPECT_EQ(hook(claude_call("Agent"), {"--context-block", "60"}).exit_code, 2);
}

TEST_F(ContextBudget, ContextWindowSizeIsConfigurable) {
    transcript_at(160000);
    EXPECT_EQ(hook(claude_call("Agent"), {"--context-window", "1000000"}).exit_code, 0);
}

TEST_F(ContextBudget, OneMillionTokenSessionAt170kIsNeverBlocked) {
    // The model id says the window, whatever --context-window (200000 here) says.
    transcript_at(170000, "claude-opus-4-6[1m]");
    const ProcessResult result = hook(claude_call("Agent"));
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(result.stdout_text, "");
}

TEST_F(ContextBudget, OneMillionWindowRecordedOnlyInTheSessionsModelAttachmentIsNeverBlocked) {
    // As Claude Code 2.1 writes it: "[1m]" only in the attachment near the start, then a large
    // transcript, then turns whose message.model has no suffix.
    transcript_at(170000, "claude-sonnet-4-5");
    const std::string turns = testkit::read_whole_file(tree.path_of("/home/u/session.jsonl"));
    std::string transcript =
        R"({"type":"attachment","attachment":{"type":"model","identity":)"
        R"j({"modelId":"claude-sonnet-4-5[1m]","marketingName":"Sonnet 4.5 (1M context)"}}})j"
        "\n";
    const std::string filler =
        R"({"type":"api-request-blob","blob":")" + std::string(4000, 'x') + "\"}\n";
    while (transcript.size() < 200 * 1024) transcript += filler;  // beyond the 64 KiB tail
    tree.write("/home/u/session.jsonl", transcript + turns);
    const ProcessResult result = hook(claude_call("Agent"));
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
}

TEST_F(ContextBudget, KnownModelBlocksAtItsOwnWindow) {
    transcript_at(170000, "claude-sonnet-4-5-20250929");
    const ProcessResult result =
        run({"--hook", "claude"}, {}, claude_call("Agent"));  // no --context-window at all
    EXPECT_EQ(result.exit_code, 2) << result.stdout_text;
    EXPECT_TRUE(contains(result.stderr_text, "170000 of 200000 tokens")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "model claude-sonnet-4-5-20250929"))
        << result.stderr_text;
}

TEST_F(ContextBudget, UnknownWindowWarnsButNeverBlocks) {
    transcript_at(199000, "some-other-model");
    const ProcessResult result = run({"--hook", "claude"}, {}, claude_call("Agent"));
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    const std::string message =
        nlohmann::json::parse(result.stdout_text)["systemMessage"].get<std::string>();
    EXPECT_TRUE(contains(message, "assumed window")) << message;
    EXPECT_TRUE(contains(message, "--context-window")) << message;
}

TEST_F(ContextBudget, BashCallsAreNotJudgedOnTheContext) {
    transcript_at(199000);
    const ProcessResult background = hook(claude_call("Bash", true));
    EXPECT_EQ(background.exit_code, 0) << background.stderr_text;
    EXPECT_FALSE(contains(background.stdout_text + background.stderr_text, "context"));
    const ProcessResult foreground = hook(claude_call("Bash", false));
    EXPECT_EQ(foreground.exit_code, 0) << foreground.stderr_text;
    EXPECT_FALSE(contains(foreground.stdout_text + foreground.stderr_text, "context"));
}

TEST_F(ContextBudget, TranscriptWithoutUsageYetAllowsSilently) {
    tree.write("/home/u/session.jsonl",
               R"({"type":"user","message":{"role":"user","content":"hello"}})"
               "\n");
    const ProcessResult result = hook(claude_call("Agent"));
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.stdout_text, "");
}

TEST_F(ContextBudget, TranscriptNotWrittenYetAllowsSilentlyEvenWhenFailClosed) {
    // Claude Code writes the file after the first turn's tool calls were judged.
    for (const std::vector<std::string>& extra :
         std::vector<std::vector<std::string>>{{}, {"--fail-closed"}}) {
        const ProcessResult result =
            hook(claude_call("Agent", false, tree.path_of("/home/u/gone.jsonl")), extra);
        EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
        EXPECT_EQ(result.stdout_text, "");
    }
}

TEST_F(ContextBudget, UnreadableTranscriptFollowsTheFailurePolicy) {
    tree.make_directory("/home/u/dir.jsonl");  // there, but no file to read
    const std::string input = claude_call("Agent", false, tree.path_of("/home/u/dir.jsonl"));
    const ProcessResult open = hook(input);
    EXPECT_EQ(open.exit_code, 0);
    EXPECT_TRUE(
        contains(nlohmann::json::parse(open.stdout_text)["systemMessage"].get<std::string>(),
                 "cannot read the session transcript"));
    const ProcessResult closed = hook(input, {"--fail-closed"});
    EXPECT_EQ(closed.exit_code, 2);
    EXPECT_TRUE(contains(closed.stderr_text, "cannot read the session transcript"))
        << closed.stderr_text;
}

// Claude Code always names the transcript; an Agent call without one cannot be judged on its
// context, which is the failure policy's to decide, not a silent pass.
TEST_F(ContextBudget, AgentCallWithoutATranscriptPathFollowsTheFailurePolicy) {
    nlohmann::json input = nlohmann::json::parse(claude_call("Agent"));
    input.erase("transcript_path");
    const ProcessResult open = hook(input.dump());
    EXPECT_EQ(open.exit_code, 0);
    EXPECT_TRUE(contains(open.stdout_text, "transcript")) << open.stdout_text;
    const ProcessResult closed = hook(input.dump(), {"--fail-closed"});
    EXPECT_EQ(closed.exit_code, 2);
    EXPECT_TRUE(contains(closed.stderr_text, "transcript")) << closed.stderr_text;
}

TEST_F(ContextBudget, FifoAsTranscriptIsAnsweredPromptlyByTheFailurePolicy) {
    tree.make_directory("/home/u");
    const std::string fifo = tree.path_of("/home/u/fifo.jsonl");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const ProcessResult result = hook(claude_call("Agent", false, fifo));
    EXPECT_FALSE(result.timed_out);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stdout_text, "not a regular file")) << result.stdout_text;
}

TEST_F(ContextBudget, RelativeTranscriptPathFollowsTheFailurePolicy) {
    const ProcessResult result =
        hook(claude_call("Agent", false, "home/u/session.jsonl"), {"--fail-closed"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(contains(result.stderr_text, "transcript_path")) << result.stderr_text;
}

}  // namespace
}  // namespace spawngate
