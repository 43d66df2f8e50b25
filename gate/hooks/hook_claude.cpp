#include "hook_claude.hpp"

#include "json_writer.hpp"
#include "verdict_report.hpp"

namespace spawngate {
namespace {

std::string trim_newline(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

std::string warning_json(const std::string& message, bool post) {
    JsonWriter json;
    json.begin_object().field("systemMessage", message);
    if (post) {
        json.key("hookSpecificOutput")
            .begin_object()
            .field("hookEventName", "PostToolUse")
            .field("additionalContext", message)
            .end_object();
    }
    json.end_object();
    return json.text() + "\n";
}

}  // namespace

bool is_subagent_launch(const HookInput& input) {
    return input.tool_name == "Agent" || input.tool_name == "Task";
}

bool is_launch(const HookInput& input) {
    return is_subagent_launch(input) || (input.tool_name == "Bash" && input.run_in_background);
}

HookAnswer answer_claude(const HookInput& input, const Verdict& verdict,
                         const Measurement& measurement, const GateSettings& settings) {
    const bool post = settings.hook == HookProtocol::ClaudePost;
    const bool may_block = !post && is_launch(input);
    std::string note = trim_newline(measurement_note(verdict, measurement, settings));

    if (verdict.level == Level::Block && may_block) {
        std::string reason = block_guidance(verdict, settings);
        if (!note.empty()) reason += note + "\n";
        return {2, {}, reason};
    }
    std::string message;
    if (verdict.level == Level::Block) {
        // Not a launch (or after the fact): say it, never stop the call.
        message = trim_newline(block_guidance(verdict, settings));
        message.insert(0, post ? "" : "(not a launch, so not blocked) ");
    } else if (verdict.level == Level::Warn) {
        message = trim_newline(warning_line(verdict, settings));
    }
    if (!note.empty()) message += (message.empty() ? "" : "\n") + note;
    if (message.empty()) return {0, {}, {}};
    return {0, warning_json(message, post), {}};
}

HookAnswer answer_claude_bad_input(const std::string& error, const GateSettings& settings) {
    const bool post = settings.hook == HookProtocol::ClaudePost;
    if (settings.fail_closed && !post) {
        return {2,
                {},
                "spawngate: cannot judge this tool call: " + error +
                    "; blocking (--fail-closed). Check the hook configuration.\n"};
    }
    return {0,
            warning_json("spawngate: cannot judge this tool call: " + error +
                             "; allowing it (--fail-closed would block)",
                         post),
            {}};
}

}  // namespace spawngate
