// The agent CLI snippets in hooks/ (Claude Code, Gemini CLI, Codex): each parses, each command is
// exec form, and each command, run as the CLI would run it (the installed path replaced by the
// built gate, the CLI's real hook input on stdin), is accepted and answers in that CLI's protocol.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "hook_input.hpp"
#include "hooks_fixture.hpp"
#include "launch_table.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;

nlohmann::json read_json(std::string_view relative) {
    const std::string text = testkit::read_whole_file(testkit::source_file(relative));
    EXPECT_FALSE(text.empty()) << relative << " is missing or empty";
    return nlohmann::json::parse(text);  // throws (fails the test) when it is not JSON
}

struct HookCommand {
    std::string event;    // "PreToolUse", "BeforeTool", ...
    std::string matcher;  // the tools it runs for
    nlohmann::json hook;  // {"type": "command", "command": ..., "timeout": ...}
};

// Every command hook in a settings document: hooks.<event>[].hooks[].
std::vector<HookCommand> command_hooks(const nlohmann::json& settings) {
    std::vector<HookCommand> found;
    EXPECT_TRUE(settings.contains("hooks") && settings["hooks"].is_object()) << settings;
    for (const auto& [event, groups] : settings["hooks"].items()) {
        EXPECT_TRUE(groups.is_array()) << event;
        for (const auto& group : groups) {
            EXPECT_TRUE(group["hooks"].is_array()) << group;
            for (const auto& hook : group["hooks"])
                found.push_back({event, group.value("matcher", std::string()), hook});
        }
    }
    EXPECT_FALSE(found.empty());
    return found;
}

// The tool names a matcher lets through, for the literal "A|B|C" form; "*" gives one
// representative tool.
std::vector<std::string> tools_of(const std::string& matcher, const std::string& any_tool) {
    if (matcher.empty() || matcher == "*") return {any_tool};
    std::vector<std::string> tools;
    std::size_t start = 0;
    while (start <= matcher.size()) {
        const std::size_t bar = matcher.find('|', start);
        tools.push_back(
            matcher.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
    }
    return tools;
}

bool matcher_matches(const std::string& matcher, const std::string& tool) {
    return matcher.empty() || matcher == "*" || std::regex_match(tool, std::regex(matcher));
}

class AgentSnippets : public ::testing::Test, public testkit::GateProcess {
  protected:
    // The snippet's command with the built gate in place of the installed one.
    std::vector<std::string> built_arguments(const std::string& command) const {
        EXPECT_FALSE(testkit::needs_a_shell(command)) << "not exec form: " << command;
        std::vector<std::string> words = testkit::split_exec_command(command);
        EXPECT_FALSE(words.empty());
        if (words.empty()) return {};
        EXPECT_EQ(words.front(), testkit::kInstalledGate) << command;
        words.erase(words.begin());
        return words;
    }

    std::string claude_input(const std::string& event, const std::string& tool) const {
        nlohmann::json input = {
            {"session_id", "6a2e"},     {"transcript_path", tree.path_of("/home/u/session.jsonl")},
            {"cwd", "/home/u/project"}, {"permission_mode", "default"},
            {"hook_event_name", event}, {"tool_name", tool}};
        if (tool == "Bash")
            input["tool_input"] = {{"command", "npm test"}, {"run_in_background", true}};
        else
            input["tool_input"] = {
                {"description", "d"}, {"prompt", "p"}, {"subagent_type", "general-purpose"}};
        if (event == "PostToolUse") input["tool_response"] = {{"success", true}};
        return input.dump();
    }
    std::string gemini_input(const std::string& tool) const {
        return nlohmann::json{{"session_id", "c0ffee-1"},
                              {"transcript_path", tree.path_of("/home/u/.gemini/chat.json")},
                              {"cwd", "/home/u/project"},
                              {"hook_event_name", "BeforeTool"},
                              {"timestamp", "2025-11-20T10:00:00.000Z"},
                              {"tool_name", tool},
                              {"tool_input", {{"command", "make -j8"}, {"is_background", true}}}}
            .dump();
    }
    std::string codex_input(const std::string& tool) const {
        return nlohmann::json{
            {"session_id", "019a6c"},          {"turn_id", "3"},
            {"hook_event_name", "PreToolUse"}, {"tool_name", tool},
            {"tool_use_id", "call_AbC123"},    {"tool_input", {{"command", "cargo build"}}}}
            .dump();
    }

    void SetUp() override {
        tree.write("/home/u/session.jsonl",
                   R"({"type":"assistant","message":{"usage":{"input_tokens":1000}}})"
                   "\n");
    }
};

TEST_F(AgentSnippets, ClaudeCodeCommandsAreAcceptedAndAnswerInItsProtocol) {
    for (const auto& hook : command_hooks(read_json("hooks/claude-code/settings.json"))) {
        EXPECT_EQ(hook.hook["type"], "command");
        const std::vector<std::string> arguments = built_arguments(hook.hook["command"]);
        for (const auto& tool : tools_of(hook.matcher, "Read")) {
            SCOPED_TRACE(hook.event + " " + tool);
            v2_caller_at(20);
            const ProcessResult room = run(arguments, {}, claude_input(hook.event, tool));
            EXPECT_NE(room.exit_code, 64) << room.stderr_text;
            EXPECT_EQ(room.exit_code, 0) << room.stderr_text;
            EXPECT_EQ(room.stdout_text, "") << "allow is silent";

            v2_caller_at(195);
            const ProcessResult full = run(arguments, {}, claude_input(hook.event, tool));
            if (hook.event == "PreToolUse") {
                EXPECT_EQ(full.exit_code, 2) << "a launch is denied: " << full.stdout_text;
                EXPECT_TRUE(contains(full.stderr_text, "blocked")) << full.stderr_text;
            } else {
                EXPECT_EQ(full.exit_code, 0) << "PostToolUse never blocks";
                EXPECT_TRUE(nlohmann::json::parse(full.stdout_text)["hookSpecificOutput"].contains(
                    "additionalContext"));
            }
        }
    }
}

TEST_F(AgentSnippets, ClaudeCodePreToolUseCoversEveryToolThatStartsWork) {
    std::vector<std::string> pre_matchers;
    bool post_on_every_tool = false;
    for (const auto& hook : command_hooks(read_json("hooks/claude-code/settings.json"))) {
        if (hook.event == "PreToolUse") pre_matchers.push_back(hook.matcher);
        if (hook.event == "PostToolUse" && matcher_matches(hook.matcher, "Read") &&
            matcher_matches(hook.matcher, "mcp__github__create_issue"))
            post_on_every_tool = true;
    }
    for (const char* tool : {"Agent", "Task", "Bash"}) {
        bool covered = false;
        for (const auto& matcher : pre_matchers)
            covered = covered || matcher_matches(matcher, tool);
        EXPECT_TRUE(covered) << tool << " launches work but no PreToolUse hook sees it";
    }
    EXPECT_TRUE(post_on_every_tool) << "PostToolUse must run after every tool";
}

TEST_F(AgentSnippets, ClaudeCodeTimeoutsAreSecondsWellAboveTheGatesAnswerTime) {
    for (const auto& hook : command_hooks(read_json("hooks/claude-code/settings.json"))) {
        ASSERT_TRUE(hook.hook["timeout"].is_number_integer()) << hook.hook;
        EXPECT_GE(hook.hook["timeout"].get<int>(), 3);   // stdin may take up to 2 s
        EXPECT_LE(hook.hook["timeout"].get<int>(), 60);  // seconds, not milliseconds
    }
}

TEST_F(AgentSnippets, ReadmeShowsTheClaudeCodeSnippetAsShipped) {
    const std::string readme = testkit::read_whole_file(testkit::source_file("README.md"));
    const std::size_t section = readme.find("hooks/claude-code/settings.json");
    ASSERT_NE(section, std::string::npos);
    const std::size_t open = readme.find("```json\n", section);
    ASSERT_NE(open, std::string::npos);
    const std::size_t close = readme.find("```", open + 8);
    ASSERT_NE(close, std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(readme.substr(open + 8, close - open - 8)),
              read_json("hooks/claude-code/settings.json"));
}

TEST_F(AgentSnippets, GeminiCliCommandsAreAcceptedAndAnswerInItsProtocol) {
    for (const auto& hook : command_hooks(read_json("hooks/gemini-cli/settings.json"))) {
        EXPECT_TRUE(hook.event == "BeforeTool" || hook.event == "AfterTool") << hook.event;
        EXPECT_EQ(hook.hook["type"], "command");
        const std::vector<std::string> arguments = built_arguments(hook.hook["command"]);
        for (const auto& tool : tools_of(hook.matcher, "run_shell_command")) {
            SCOPED_TRACE(hook.event + " " + tool);
            v2_caller_at(20);
            const ProcessResult room = run(arguments, {}, gemini_input(tool));
            EXPECT_EQ(room.exit_code, 0) << room.stderr_text;
            EXPECT_EQ(nlohmann::json::parse(room.stdout_text), nlohmann::json::object());

            v2_caller_at(195);
            const ProcessResult full = run(arguments, {}, gemini_input(tool));
            EXPECT_EQ(full.exit_code, 0) << "Gemini reads a block from stdout on exit 0";
            const nlohmann::json json = nlohmann::json::parse(full.stdout_text);
            if (hook.event == "BeforeTool") {
                EXPECT_EQ(json["decision"], "deny") << "a launch is denied: " << json;
                EXPECT_FALSE(json["reason"].get<std::string>().empty());
            } else {
                EXPECT_FALSE(json.contains("decision")) << "AfterTool never blocks: " << json;
                EXPECT_EQ(json["hookSpecificOutput"]["hookEventName"], "AfterTool");
                EXPECT_TRUE(json["hookSpecificOutput"].contains("additionalContext"))
                    << "the only channel to the model in Gemini CLI 0.61";
            }
        }
    }
}

// What the launch table of `protocol` names must reach the gate: the snippet's matcher for
// `event` lets every one of its tools through.
void expect_matchers_cover_the_launch_table(const std::vector<HookCommand>& hooks,
                                            const std::string& event, HookProtocol protocol) {
    std::string error;
    const auto table = parse_launch_table(default_launch_table(protocol), error);
    ASSERT_TRUE(table) << error;
    for (const LaunchEntry& entry : table->entries) {
        const std::string tool = entry.prefix ? entry.tool + "Create" : entry.tool;
        bool covered = false;
        for (const auto& hook : hooks)
            covered = covered || (hook.event == event && matcher_matches(hook.matcher, tool));
        EXPECT_TRUE(covered) << tool << " is a launch in the table, but no " << event
                             << " hook sees it";
    }
}

TEST_F(AgentSnippets, EverySnippetLetsEveryLaunchOfItsTableThrough) {
    expect_matchers_cover_the_launch_table(
        command_hooks(read_json("hooks/claude-code/settings.json")), "PreToolUse",
        HookProtocol::ClaudePre);
    expect_matchers_cover_the_launch_table(
        command_hooks(read_json("hooks/gemini-cli/settings.json")), "BeforeTool",
        HookProtocol::Gemini);
    expect_matchers_cover_the_launch_table(command_hooks(read_json("hooks/codex/hooks.json")),
                                           "PreToolUse", HookProtocol::Codex);
}

TEST_F(AgentSnippets, GeminiCliMatcherSeesShellCommandsAndTimeoutIsInMilliseconds) {
    bool shell_covered = false;
    for (const auto& hook : command_hooks(read_json("hooks/gemini-cli/settings.json"))) {
        shell_covered = shell_covered || matcher_matches(hook.matcher, "run_shell_command");
        ASSERT_TRUE(hook.hook["timeout"].is_number_integer()) << hook.hook;
        EXPECT_GE(hook.hook["timeout"].get<int>(), 3000) << "Gemini CLI timeouts are milliseconds";
    }
    EXPECT_TRUE(shell_covered);
}

TEST_F(AgentSnippets, CodexCommandsAreAcceptedAndAnswerInItsProtocol) {
    std::string error;
    const auto table = parse_launch_table(default_launch_table(HookProtocol::Codex), error);
    ASSERT_TRUE(table) << error;
    for (const auto& hook : command_hooks(read_json("hooks/codex/hooks.json"))) {
        EXPECT_EQ(hook.event, "PreToolUse");
        EXPECT_EQ(hook.hook["type"], "command");
        EXPECT_TRUE(matcher_matches(hook.matcher, "Bash")) << hook.matcher;
        const std::vector<std::string> arguments = built_arguments(hook.hook["command"]);
        for (const auto& tool : tools_of(hook.matcher, "Bash")) {
            SCOPED_TRACE(tool);
            HookInput input;
            input.tool_name = tool;
            const bool launch = classify_call(*table, input).launch;
            v2_caller_at(20);
            const ProcessResult room = run(arguments, {}, codex_input(tool));
            EXPECT_EQ(room.exit_code, 0) << room.stderr_text;
            EXPECT_EQ(room.stdout_text, "");

            v2_caller_at(195);
            const ProcessResult full = run(arguments, {}, codex_input(tool));
            EXPECT_EQ(full.exit_code, 0) << "exit 1 is no block in Codex; the deny is on stdout";
            const nlohmann::json json = nlohmann::json::parse(full.stdout_text);
            if (launch) {
                EXPECT_EQ(json["hookSpecificOutput"]["permissionDecision"], "deny") << json;
            } else {
                EXPECT_FALSE(json["hookSpecificOutput"].contains("permissionDecision"))
                    << "a shell call is no launch: never denied, so recovery commands run";
                EXPECT_TRUE(json["hookSpecificOutput"].contains("additionalContext")) << json;
            }
        }
    }
}

}  // namespace
}  // namespace spawngate
