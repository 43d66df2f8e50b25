// Answers in Claude Code's hook protocol: exit codes, stderr guidance and stdout JSON.
#include "hook_claude.hpp"

#include "hook_input.hpp"
#include "launch_table.hpp"

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
    if (background) input.true_fields.push_back("run_in_background");
    return input;
}

GateSettings hook(HookProtocol protocol, bool fail_closed = false) {
    GateSettings settings;
    settings.hook = protocol;
    settings.fail_closed = fail_closed;
    return settings;
}

// As run_hook does: the shipped launch table says whether the call is a launch.
HookAnswer answer(const HookInput& input, const Measurement& m, const GateSettings& settings) {
    std::string error;
    const auto table = parse_launch_table(default_launch_table(settings.hook), error);
    const bool launch = classify_call(*table, input).launch;
    return answer_claude(launch, decide(m, settings), m, settings);
}

nlohmann::json parsed_stdout(const HookAnswer& answer) {
    return nlohmann::json::parse(answer.stdout_text);  // throws (fails the test) if invalid
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

TEST(AnswerClaude, BlockOnAPlainBashCallIsNeverExitTwoAndDescribesTheState) {
    const HookAnswer a = answer(tool_call("Bash"), agents_at(95), hook(HookProtocol::ClaudePre));
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = parsed_stdout(a);
    ASSERT_TRUE(json.contains("systemMessage"));
    const std::string message = json["systemMessage"];
    EXPECT_EQ(message.find("blocked:"), std::string::npos) << message;
    EXPECT_NE(message.find("pids limit of cgroup /agents"), std::string::npos) << message;
    EXPECT_NE(message.find("new launches (subagents, background processes) will be blocked"),
              std::string::npos)
        << message;
}

TEST(AnswerClaude, WarnIsExitZeroAndReachesTheUserAndTheModel) {
    const HookAnswer a = answer(tool_call("Agent"), agents_at(75), hook(HookProtocol::ClaudePre));
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = parsed_stdout(a);
    EXPECT_NE(
        json["systemMessage"].get<std::string>().find("warning: pids limit of cgroup /agents"),
        std::string::npos);
    EXPECT_EQ(json["hookSpecificOutput"]["hookEventName"], "PreToolUse");
    EXPECT_EQ(json["hookSpecificOutput"]["additionalContext"], json["systemMessage"]);
}

TEST(AnswerClaude, PostHookNeverExitsTwoAndTellsTheModel) {
    const HookAnswer a =
        answer(tool_call("Agent"), agents_at(99), hook(HookProtocol::ClaudePost, true));
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = parsed_stdout(a);
    EXPECT_EQ(json["hookSpecificOutput"]["hookEventName"], "PostToolUse");
    const std::string context = json["hookSpecificOutput"]["additionalContext"];
    EXPECT_NE(context.find("/agents"), std::string::npos);
    // The call already ran: the text says what the budget is, not that something was blocked.
    EXPECT_FALSE(context.starts_with("spawngate: blocked")) << context;
    EXPECT_NE(context.find("will be blocked"), std::string::npos) << context;
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
