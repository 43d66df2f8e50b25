// Answers in Claude Code's hook protocol: exit codes, stderr guidance and stdout JSON.
#include "hook_claude.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace spawngate {
namespace {

// A caller whose cgroup /agents holds `current` of 100 tasks.
Measurement agents_at(std::uint64_t current) {
    Measurement m;
    m.pids_levels = {{"/agents", "/sys/fs/cgroup/agents", current, 100}};
    return m;
}

HookInput tool_call(std::string tool_name, bool background = false) {
    HookInput input;
    input.hook_event_name = "PreToolUse";
    input.tool_name = std::move(tool_name);
    input.run_in_background = background;
    return input;
}

GateSettings hook(HookProtocol protocol, bool fail_closed = false) {
    GateSettings settings;
    settings.hook = protocol;
    settings.fail_closed = fail_closed;
    return settings;
}

HookAnswer answer(const HookInput& input, const Measurement& m, const GateSettings& settings) {
    return answer_claude(input, decide(m, settings), m, settings);
}

nlohmann::json parsed_stdout(const HookAnswer& answer) {
    return nlohmann::json::parse(answer.stdout_text);  // throws (fails the test) if invalid
}

TEST(IsLaunch, AgentTaskAndBackgroundBashAreLaunches) {
    EXPECT_TRUE(is_launch(tool_call("Agent")));
    EXPECT_TRUE(is_launch(tool_call("Task")));
    EXPECT_TRUE(is_launch(tool_call("Bash", true)));
    EXPECT_FALSE(is_launch(tool_call("Bash")));
    EXPECT_FALSE(is_launch(tool_call("Read")));
}

TEST(AnswerClaude, AllowIsExitZeroAndSilent) {
    const HookAnswer a = answer(tool_call("Agent"), agents_at(10), hook(HookProtocol::ClaudePre));
    EXPECT_EQ(a.exit_code, 0);
    EXPECT_EQ(a.stdout_text, "");
    EXPECT_EQ(a.stderr_text, "");
}

TEST(AnswerClaude, BlockOnALaunchExitsTwoWithGuidanceOnStderr) {
    const HookAnswer a = answer(tool_call("Agent"), agents_at(95), hook(HookProtocol::ClaudePre));
    EXPECT_EQ(a.exit_code, 2);
    EXPECT_EQ(a.stdout_text, "");
    EXPECT_NE(a.stderr_text.find("blocked: pids limit of cgroup /agents"), std::string::npos);
    EXPECT_NE(a.stderr_text.find("what to do"), std::string::npos);
}

TEST(AnswerClaude, BlockOnBackgroundBashExitsTwo) {
    const HookAnswer a =
        answer(tool_call("Bash", true), agents_at(95), hook(HookProtocol::ClaudePre));
    EXPECT_EQ(a.exit_code, 2);
}

TEST(AnswerClaude, BlockOnAPlainBashCallIsNeverExitTwo) {
    const HookAnswer a = answer(tool_call("Bash"), agents_at(95), hook(HookProtocol::ClaudePre));
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = parsed_stdout(a);
    ASSERT_TRUE(json.contains("systemMessage"));
    EXPECT_NE(json["systemMessage"].get<std::string>().find("not a launch"), std::string::npos);
}

TEST(AnswerClaude, WarnIsExitZeroWithASystemMessage) {
    const HookAnswer a = answer(tool_call("Agent"), agents_at(75), hook(HookProtocol::ClaudePre));
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = parsed_stdout(a);
    EXPECT_NE(
        json["systemMessage"].get<std::string>().find("warning: pids limit of cgroup /agents"),
        std::string::npos);
    EXPECT_FALSE(json.contains("hookSpecificOutput"));
}

TEST(AnswerClaude, PostHookNeverExitsTwoAndTellsTheModel) {
    const HookAnswer a =
        answer(tool_call("Agent"), agents_at(99), hook(HookProtocol::ClaudePost, true));
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = parsed_stdout(a);
    EXPECT_EQ(json["hookSpecificOutput"]["hookEventName"], "PostToolUse");
    EXPECT_NE(json["hookSpecificOutput"]["additionalContext"].get<std::string>().find("/agents"),
              std::string::npos);
}

TEST(AnswerClaude, PostHookAtWarnAddsContextForTheModel) {
    const HookAnswer a = answer(tool_call("Bash"), agents_at(75), hook(HookProtocol::ClaudePost));
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = parsed_stdout(a);
    EXPECT_TRUE(json["hookSpecificOutput"].contains("additionalContext"));
}

TEST(AnswerClaude, UnmeasuredBudgetFailsOpenWithAMessage) {
    const HookAnswer a = answer(tool_call("Agent"), Measurement{}, hook(HookProtocol::ClaudePre));
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = parsed_stdout(a);
    EXPECT_NE(json["systemMessage"].get<std::string>().find("could not measure"),
              std::string::npos);
}

TEST(AnswerClaude, UnmeasuredBudgetWithFailClosedBlocksALaunch) {
    const HookAnswer a =
        answer(tool_call("Agent"), Measurement{}, hook(HookProtocol::ClaudePre, true));
    EXPECT_EQ(a.exit_code, 2);
    EXPECT_NE(a.stderr_text.find("--fail-closed"), std::string::npos);
}

TEST(AnswerClaudeBadInput, FailsOpenWithAMessageByDefault) {
    const HookAnswer a =
        answer_claude_bad_input("hook input is not valid JSON", hook(HookProtocol::ClaudePre));
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = parsed_stdout(a);
    const std::string message = json["systemMessage"];
    EXPECT_NE(message.find("hook input is not valid JSON"), std::string::npos);
    EXPECT_NE(message.find("allowing"), std::string::npos);
}

TEST(AnswerClaudeBadInput, FailClosedPreHookExitsTwo) {
    const HookAnswer a =
        answer_claude_bad_input("empty hook input", hook(HookProtocol::ClaudePre, true));
    EXPECT_EQ(a.exit_code, 2);
    EXPECT_NE(a.stderr_text.find("empty hook input"), std::string::npos);
    EXPECT_NE(a.stderr_text.find("--fail-closed"), std::string::npos);
}

TEST(AnswerClaudeBadInput, PostHookNeverExitsTwoEvenFailClosed) {
    const HookAnswer a =
        answer_claude_bad_input("empty hook input", hook(HookProtocol::ClaudePost, true));
    EXPECT_EQ(a.exit_code, 0);
    EXPECT_TRUE(parsed_stdout(a).contains("hookSpecificOutput"));
}

TEST(AnswerClaudeBadInput, MessageWithControlAndNonUtf8BytesStillMakesValidJson) {
    const HookAnswer a = answer_claude_bad_input(std::string("bad \x01\"\\ \xff\xfe end"),
                                                 hook(HookProtocol::ClaudePre));
    const nlohmann::json json = parsed_stdout(a);
    EXPECT_NE(json["systemMessage"].get<std::string>().find("end"), std::string::npos);
}

}  // namespace
}  // namespace spawngate
