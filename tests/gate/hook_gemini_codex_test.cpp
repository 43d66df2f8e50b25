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

// `launch`: what the launch table said of the call (a subagent, a background shell).
HookAnswer gemini(std::uint64_t current, bool launch = true,
                  HookProtocol hook = HookProtocol::Gemini) {
    const Measurement m = agents_at(current);
    const GateSettings settings = protocol(hook);
    return answer_gemini(launch, decide(m, settings), m, settings);
}

HookAnswer codex(std::uint64_t current, bool launch = true) {
    const Measurement m = agents_at(current);
    const GateSettings settings = protocol(HookProtocol::Codex);
    return answer_codex(launch, decide(m, settings), m, settings);
}

// Codex's channel to the model and the user: {"systemMessage", "hookSpecificOutput":
// {"hookEventName": "PreToolUse", "additionalContext"}}; returns the context text.
std::string codex_context(const std::string& stdout_text) {
    const nlohmann::json json = nlohmann::json::parse(stdout_text);
    EXPECT_TRUE(json["systemMessage"].is_string()) << json;
    EXPECT_EQ(json["hookSpecificOutput"]["hookEventName"], "PreToolUse") << json;
    EXPECT_FALSE(json["hookSpecificOutput"].contains("permissionDecision")) << json;
    return json["hookSpecificOutput"]["additionalContext"].get<std::string>();
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

TEST(AnswerGemini, ACallThatIsNoLaunchIsNeverDeniedAndIsToldTheState) {
    const HookAnswer a = gemini(95, false);
    EXPECT_EQ(a.exit_code, 0);
    const nlohmann::json json = nlohmann::json::parse(a.stdout_text);
    EXPECT_FALSE(json.contains("decision")) << json;
    const std::string message = json["systemMessage"];
    EXPECT_FALSE(contains(message, "blocked:")) << message;
    EXPECT_TRUE(contains(message, "new launches (subagents, background processes) will be blocked"))
        << message;
}

TEST(AnswerGemini, AfterToolNeverDeniesAndGivesTheModelTheWarning) {
    for (const std::uint64_t current : {75u, 95u}) {
        const HookAnswer a = gemini(current, true, HookProtocol::GeminiPost);
        EXPECT_EQ(a.exit_code, 0);
        const nlohmann::json json = nlohmann::json::parse(a.stdout_text);
        EXPECT_FALSE(json.contains("decision")) << json;
        EXPECT_EQ(json["hookSpecificOutput"]["hookEventName"], "AfterTool") << json;
        EXPECT_TRUE(contains(json["hookSpecificOutput"]["additionalContext"].get<std::string>(),
                             "pids limit of cgroup /agents"))
            << json;
    }
    EXPECT_EQ(nlohmann::json::parse(gemini(10, true, HookProtocol::GeminiPost).stdout_text),
              nlohmann::json::object());
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

TEST(AnswerCodex, WarnReachesTheModelAsAdditionalContextNotOnlyStderr) {
    // Codex discards a hook's stderr at exit 0.
    const HookAnswer a = codex(75);
    EXPECT_EQ(a.exit_code, 0);
    EXPECT_TRUE(contains(codex_context(a.stdout_text), "warning: pids limit of cgroup /agents"));
}

TEST(AnswerCodex, ACallThatIsNoLaunchIsNeverDeniedAndIsToldTheState) {
    const HookAnswer a = codex(95, false);
    EXPECT_EQ(a.exit_code, 0);
    const std::string context = codex_context(a.stdout_text);
    EXPECT_FALSE(contains(context, "blocked:")) << context;
    EXPECT_TRUE(contains(context, "will be blocked")) << context;
}

TEST(AnswerCodex, BlockIsExitZeroWithExactlyTheThreeDocumentedFields) {
    const HookAnswer a = codex(95);
    EXPECT_EQ(a.exit_code, 0);
    expect_codex_deny(a.stdout_text, "blocked: pids limit of cgroup /agents");
    EXPECT_TRUE(contains(a.stderr_text, "what to do")) << "the guidance is on stderr too";
}

TEST(AnswerCodex, BadInputAllowsAndTellsTheModelByDefault) {
    const HookAnswer a = answer_codex_bad_input("empty hook input", protocol(HookProtocol::Codex));
    EXPECT_EQ(a.exit_code, 0);
    EXPECT_TRUE(contains(codex_context(a.stdout_text), "empty hook input"));
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
    // pids.current counts the gate itself, which ends before the launch starts and is not
    // charged to it (hook_runner.hpp): `shown` tasks plus the gate.
    void caller_at(unsigned shown) const { v2_caller_at(shown + 1); }

    std::string gemini_before_tool(bool background = true) const {
        return nlohmann::json{
            {"session_id", "c0ffee-1"},
            {"transcript_path", tree.path_of("/home/u/.gemini/tmp/chat.json")},
            {"cwd", "/home/u/project"},
            {"hook_event_name", "BeforeTool"},
            {"timestamp", "2025-11-20T10:00:00.000Z"},
            {"tool_name", "run_shell_command"},
            {"tool_input", {{"command", "npm run dev"}, {"is_background", background}}}}
            .dump();
    }
    std::string codex_pre_tool_use(const std::string& tool = "spawn_agent") const {
        return nlohmann::json{{"session_id", "019a6c"},
                              {"turn_id", "3"},
                              {"hook_event_name", "PreToolUse"},
                              {"tool_name", tool},
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
    caller_at(140);
    const ProcessResult result = run({"--hook", "gemini", "--cost", "5"}, {}, gemini_before_tool());
    EXPECT_EQ(result.exit_code, 0);
    const nlohmann::json json = nlohmann::json::parse(result.stdout_text);
    EXPECT_TRUE(contains(json["systemMessage"].get<std::string>(), "140 + 5 of 200 tasks")) << json;
}

TEST_F(OtherAgentHooks, GeminiBlocksWithDenyAndExitZero) {
    caller_at(168);
    const ProcessResult result = run({"--hook", "gemini", "--cost", "5"}, {}, gemini_before_tool());
    EXPECT_EQ(result.exit_code, 0);
    expect_gemini_deny(result.stdout_text, "168 + 5 of 200 tasks");
}

TEST_F(OtherAgentHooks, GeminiForegroundShellIsJudgedWithoutTheCostAndNeverDenied) {
    caller_at(190);
    const ProcessResult result =
        run({"--hook", "gemini", "--cost", "5"}, {}, gemini_before_tool(false));
    EXPECT_EQ(result.exit_code, 0);
    const nlohmann::json json = nlohmann::json::parse(result.stdout_text);
    EXPECT_FALSE(json.contains("decision")) << json;
    EXPECT_TRUE(contains(json["systemMessage"].get<std::string>(), "190 of 200 tasks")) << json;
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

TEST_F(OtherAgentHooks, CodexWarnsTheModelThroughAdditionalContext) {
    caller_at(140);
    const ProcessResult result = run({"--hook", "codex", "--cost", "5"}, {}, codex_pre_tool_use());
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(codex_context(result.stdout_text), "140 + 5 of 200 tasks"));
}

TEST_F(OtherAgentHooks, CodexShellCallIsJudgedWithoutTheCostAndNeverDenied) {
    caller_at(190);
    const ProcessResult result =
        run({"--hook", "codex", "--cost", "5"}, {}, codex_pre_tool_use("Bash"));
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(codex_context(result.stdout_text), "190 of 200 tasks"));
}

TEST_F(OtherAgentHooks, LaunchTableFromTheCommandLineNamesARenamedTool) {
    caller_at(190);
    const ProcessResult renamed = run({"--hook", "codex", "--codex-launches", "start_agent:agent"},
                                      {}, codex_pre_tool_use("start_agent"));
    EXPECT_EQ(renamed.exit_code, 0);
    expect_codex_deny(renamed.stdout_text, "190 + 1 of 200 tasks");
    const ProcessResult bad =
        run({"--hook", "codex", "--codex-launches", "spawn agent"}, {}, codex_pre_tool_use());
    EXPECT_EQ(bad.exit_code, 64);
    EXPECT_TRUE(contains(bad.stderr_text, "--codex-launches")) << bad.stderr_text;
}

TEST_F(OtherAgentHooks, CodexBlocksWithTheThreeFieldDenyAndExitZero) {
    caller_at(168);
    const ProcessResult result = run({"--hook", "codex", "--cost", "5"}, {}, codex_pre_tool_use());
    EXPECT_EQ(result.exit_code, 0);
    expect_codex_deny(result.stdout_text, "168 + 5 of 200 tasks");
}

TEST_F(OtherAgentHooks, CodexMalformedInputFollowsTheFailurePolicy) {
    v2_caller_at(20);
    const std::string binary("\x00\xff{\x01 not json", 14);
    const ProcessResult open = run({"--hook", "codex"}, {}, binary);
    EXPECT_EQ(open.exit_code, 0);
    EXPECT_TRUE(contains(codex_context(open.stdout_text), "cannot judge this tool call"));
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
    EXPECT_TRUE(contains(codex_context(open.stdout_text), "could not measure"));
}

}  // namespace
}  // namespace spawngate
