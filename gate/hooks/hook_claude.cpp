#include "hook_claude.hpp"

#include "json_writer.hpp"

namespace spawngate {
namespace {

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

HookAnswer answer_claude(bool launch, const Verdict& verdict, const Measurement& measurement,
                         const GateSettings& settings) {
    const bool post = settings.hook == HookProtocol::ClaudePost;
    if (verdict.level == Level::Block && launch && !post)
        return {2, {}, hook_block_reason(verdict, measurement, settings) + "\n"};
    const std::string message = hook_state(verdict, measurement, settings);
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
