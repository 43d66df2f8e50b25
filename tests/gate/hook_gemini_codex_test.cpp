// Answers in Gemini CLI's BeforeTool and Codex's PreToolUse hook protocols: the answer functions
// on their own, then the built executable fed each CLI's real input shape. Neither CLI treats
// exit 1 as a block, so every answer exits 0 and a block is said in the stdout JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gate_process_fixture.hpp"
#include "hook_codex.hpp"
#include "hook_gemini.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;

// A caller whose cgroup /agents holds `current` of 100 tasks.
Measurement agents_at(std::uint64_t current) {
    Measurement m;
    m.pids_levels = {{"/agents", "/sys/fs/cgroup/agents", current, 100}};
    return m;
}

GateSettings protocol(HookProtocol hook, bool fail_closed = false) {
    GateSettings settings;
    settings.hook = hook;
    settings.fail_closed = fail_closed;
    return settings;
}

HookAnswer gemini(std::uint64_t current) {
    const Measurement m = agents_at(current);
    const GateSettings settings = protocol(HookProtocol::Gemini);
    return answer_gemini(decide(m, settings), m, settings);
}

HookAnswer codex(std::uint64_t current) {
    const Measurement m = agents_at(current);
    const GateSettings settings = protocol(HookProtocol::Codex);
    return answer_codex(decide(m, settings), m, settings);
}

// Gemini's deny: exactly {"decision": "deny", "reason": <non-empty>}.
void expect_gemini_deny(const std::string& stdout_text, std::string_view reason_part) {
    const nlohmann::json json = nlohmann::json::parse(stdout_text);
    ASSERT_TRUE(json.is_object());
    EXPECT_EQ(json.size(), 2u) << json;
    EXPECT_EQ(json["decision"], "deny");
    ASSERT_TRUE(json["reason"].is_string());
    EXPECT_FALSE(json["reason"].get<std::string>().empty());
    EXPECT_TRUE(contains(json["reason"].get<std::string>(), reason_part)) << json["reason"];
}

// Codex's deny: exactly {"hookSpecificOutput": {the three documented fields}}.
void expect_codex_deny(const std::string& stdout_text, std::string_view reason_part) {
    const nlohmann::json json = nlohmann::json::parse(stdout_text);
    ASSERT_TRUE(json.is_object());
    EXPECT_EQ(json.size(), 1u) << "nothing but hookSpecificOutput at the top level: " << json;
    const nlohmann::json& output = json["hookSpecificOutput"];
    ASSERT_TRUE(output.is_object()) << json;
    EXPECT_EQ(output.size(), 3u) << output;
    EXPECT_EQ(output["hookEventName"], "PreToolUse");
    EXPECT_EQ(output["permissionDecision"], "deny");
    ASSERT_TRUE(output["permissionDecisionReason"].is_string());
    const std::string reason = output["permissionDecisionReason"].get<std::string>();
    EXPECT_FALSE(reason.empty());
    EXPECT_TRUE(contains(reason, reason_part)) << reason;
}

TEST(AnswerGemini, AllowIsExitZeroWithAnEmptyObject) {
    const HookAnswer a = gemini(10);
    EXPECT_EQ(a.exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(a.stdout_text), nlohmann::json::object());
    EXPECT_EQ(a.stderr_text, "");
}

TEST(AnswerGemini, WarnIsExitZeroWithOnlyASystemMessage) {
    const HookAnswer a = gemini(75);
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = nlohmann::json::parse(a.stdout_text);
    EXPECT_EQ(json.size(), 1u) << json;
    ASSERT_TRUE(json["systemMessage"].is_string());
    EXPECT_TRUE(contains(json["systemMessage"].get<std::string>(), "warning"));
}

TEST(AnswerGemini, BlockIsExitZeroWithADenyAndTheGuidanceAsReason) {
    const HookAnswer a = gemini(95);
    EXPECT_EQ(a.exit_code, 0);
    expect_gemini_deny(a.stdout_text, "blocked: pids limit of cgroup /agents");
    expect_gemini_deny(a.stdout_text, "what to do");
}

TEST(AnswerGemini, BadInputAllowsWithAMessageByDefault) {
    const HookAnswer a =
        answer_gemini_bad_input("empty hook input", protocol(HookProtocol::Gemini));
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = nlohmann::json::parse(a.stdout_text);
    EXPECT_TRUE(contains(json["systemMessage"].get<std::string>(), "empty hook input"));
    EXPECT_FALSE(json.contains("decision"));
}

TEST(AnswerGemini, BadInputDeniesWhenFailClosed) {
    const HookAnswer a =
        answer_gemini_bad_input("empty hook input", protocol(HookProtocol::Gemini, true));
    EXPECT_EQ(a.exit_code, 0);
    expect_gemini_deny(a.stdout_text, "empty hook input");
}

TEST(AnswerCodex, AllowIsExitZeroWithNoOutput) {
    const HookAnswer a = codex(10);
    EXPECT_EQ(a.exit_code, 0);
    EXPECT_EQ(a.stdout_text, "");
    EXPECT_EQ(a.stderr_text, "");
}

TEST(AnswerCodex, WarnIsExitZeroWithTheWarningOnStderrOnly) {
    const HookAnswer a = codex(75);
    EXPECT_EQ(a.exit_code, 0);
    EXPECT_EQ(a.stdout_text, "");
    EXPECT_TRUE(contains(a.stderr_text, "warning")) << a.stderr_text;
}

TEST(AnswerCodex, BlockIsExitZeroWithExactlyTheThreeDocumentedFields) {
    const HookAnswer a = codex(95);
    EXPECT_EQ(a.exit_code, 0);
    expect_codex_deny(a.stdout_text, "blocked: pids limit of cgroup /agents");
    EXPECT_TRUE(contains(a.stderr_text, "what to do")) << "the guidance is on stderr too";
}

TEST(AnswerCodex, BadInputAllowsWithANoteOnStderrByDefault) {
    const HookAnswer a = answer_codex_bad_input("empty hook input", protocol(HookProtocol::Codex));
    EXPECT_EQ(a.exit_code, 0);
    EXPECT_EQ(a.stdout_text, "");
    EXPECT_TRUE(contains(a.stderr_text, "empty hook input")) << a.stderr_text;
}

TEST(AnswerCodex, BadInputDeniesWhenFailClosed) {
    const HookAnswer a =
        answer_codex_bad_input("empty hook input", protocol(HookProtocol::Codex, true));
    EXPECT_EQ(a.exit_code, 0);
    expect_codex_deny(a.stdout_text, "empty hook input");
}

// The built executable, fed what each CLI really sends.
class OtherAgentHooks : public ::testing::Test, public testkit::GateProcess {
  protected:
    std::string gemini_before_tool() const {
        return nlohmann::json{{"session_id", "c0ffee-1"},
                              {"transcript_path", tree.path_of("/home/u/.gemini/tmp/chat.json")},
                              {"cwd", "/home/u/project"},
                              {"hook_event_name", "BeforeTool"},
                              {"timestamp", "2025-11-20T10:00:00.000Z"},
                              {"tool_name", "run_shell_command"},
                              {"tool_input", {{"command", "npm run build &"}}}}
            .dump();
    }
    std::string codex_pre_tool_use() const {
        return nlohmann::json{{"session_id", "019a6c"},
                              {"turn_id", "3"},
                              {"hook_event_name", "PreToolUse"},
                              {"tool_name", "Bash"},
                              {"tool_use_id", "call_AbC123"},
                              {"tool_input", {{"command", "cargo build --release"}}}}
            .dump();
    }
};

TEST_F(OtherAgentHooks, GeminiAllowsWithAnEmptyObject) {
    v2_caller_at(20);
    const ProcessResult result = run({"--hook", "gemini", "--cost", "5"}, {}, gemini_before_tool());
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(result.stdout_text), nlohmann::json::object());
}

TEST_F(OtherAgentHooks, GeminiWarnsWithASystemMessage) {
    v2_caller_at(140);
    const ProcessResult result = run({"--hook", "gemini", "--cost", "5"}, {}, gemini_before_tool());
    EXPECT_EQ(result.exit_code, 0);
    const nlohmann::json json = nlohmann::json::parse(result.stdout_text);
    EXPECT_TRUE(contains(json["systemMessage"].get<std::string>(), "140 + 5 of 200 tasks")) << json;
}

TEST_F(OtherAgentHooks, GeminiBlocksWithDenyAndExitZero) {
    v2_caller_at(168);
    const ProcessResult result = run({"--hook", "gemini", "--cost", "5"}, {}, gemini_before_tool());
    EXPECT_EQ(result.exit_code, 0);
    expect_gemini_deny(result.stdout_text, "168 + 5 of 200 tasks");
}

TEST_F(OtherAgentHooks, GeminiMalformedInputFollowsTheFailurePolicy) {
    v2_caller_at(20);
    const std::string malformed = R"({"hook_event_name":"BeforeTool","tool_input":{)";
    const ProcessResult open = run({"--hook", "gemini"}, {}, malformed);
    EXPECT_EQ(open.exit_code, 0);
    EXPECT_TRUE(
        contains(nlohmann::json::parse(open.stdout_text)["systemMessage"].get<std::string>(),
                 "not valid JSON"));
    const ProcessResult closed = run({"--hook", "gemini", "--fail-closed"}, {}, malformed);
    EXPECT_EQ(closed.exit_code, 0);
    expect_gemini_deny(closed.stdout_text, "not valid JSON");
}

TEST_F(OtherAgentHooks, GeminiEmptyInputFollowsTheFailurePolicy) {
    v2_caller_at(20);
    const ProcessResult open = run({"--hook", "gemini"});
    EXPECT_EQ(open.exit_code, 0);
    EXPECT_TRUE(nlohmann::json::parse(open.stdout_text).contains("systemMessage"));
    const ProcessResult closed = run({"--hook", "gemini", "--fail-closed"});
    EXPECT_EQ(closed.exit_code, 0);
    expect_gemini_deny(closed.stdout_text, "empty hook input");
}

TEST_F(OtherAgentHooks, CodexAllowsWithNoOutput) {
    v2_caller_at(20);
    const ProcessResult result = run({"--hook", "codex", "--cost", "5"}, {}, codex_pre_tool_use());
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.stdout_text, "");
    EXPECT_EQ(result.stderr_text, "");
}

TEST_F(OtherAgentHooks, CodexWarnsOnStderrWithNoStdout) {
    v2_caller_at(140);
    const ProcessResult result = run({"--hook", "codex", "--cost", "5"}, {}, codex_pre_tool_use());
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.stdout_text, "");
    EXPECT_TRUE(contains(result.stderr_text, "140 + 5 of 200 tasks")) << result.stderr_text;
}

TEST_F(OtherAgentHooks, CodexBlocksWithTheThreeFieldDenyAndExitZero) {
    v2_caller_at(168);
    const ProcessResult result = run({"--hook", "codex", "--cost", "5"}, {}, codex_pre_tool_use());
    EXPECT_EQ(result.exit_code, 0);
    expect_codex_deny(result.stdout_text, "168 + 5 of 200 tasks");
}

TEST_F(OtherAgentHooks, CodexMalformedInputFollowsTheFailurePolicy) {
    v2_caller_at(20);
    const std::string binary("\x00\xff{\x01 not json", 14);
    const ProcessResult open = run({"--hook", "codex"}, {}, binary);
    EXPECT_EQ(open.exit_code, 0);
    EXPECT_EQ(open.stdout_text, "");
    EXPECT_TRUE(contains(open.stderr_text, "cannot judge this tool call")) << open.stderr_text;
    const ProcessResult closed = run({"--hook", "codex", "--fail-closed"}, {}, binary);
    EXPECT_EQ(closed.exit_code, 0);
    expect_codex_deny(closed.stdout_text, "cannot judge this tool call");
}

TEST_F(OtherAgentHooks, CodexUnmeasurableBudgetDeniesWhenFailClosed) {
    // No cgroup files at all in the tree: nothing can be measured.
    const ProcessResult closed =
        run({"--hook", "codex", "--fail-closed"}, {}, codex_pre_tool_use());
    EXPECT_EQ(closed.exit_code, 0);
    expect_codex_deny(closed.stdout_text, "could not");
    const ProcessResult open = run({"--hook", "codex"}, {}, codex_pre_tool_use());
    EXPECT_EQ(open.exit_code, 0);
    EXPECT_EQ(open.stdout_text, "");
    EXPECT_TRUE(contains(open.stderr_text, "could not measure")) << open.stderr_text;
}

}  // namespace
}  // namespace spawngate
