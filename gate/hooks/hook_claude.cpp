#include "hook_claude.hpp"

#include <fmt/format.h>

#include "json_writer.hpp"

namespace spawngate {
namespace {

// systemMessage reaches the user only; additionalContext reaches the model, from PreToolUse and
// PostToolUse alike (measured with Claude Code 2.1: tests/conformance/claude/FINDINGS.md).
std::string warning_json(const std::string& message, bool post) {
    JsonWriter json;
    json.begin_object()
        .field("systemMessage", message)
        .key("hookSpecificOutput")
        .begin_object()
        .field("hookEventName", post ? "PostToolUse" : "PreToolUse")
        .field("additionalContext", message)
        .end_object()
        .end_object();
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
                fmt::format("spawngate: cannot judge this tool call: {}; blocking "
                            "(--fail-closed). Check the hook configuration.\n",
                            error)};
    }
    return {0,
            warning_json(fmt::format("spawngate: cannot judge this tool call: {}; allowing it "
                                     "(--fail-closed would block)",
                                     error),
                         post),
            {}};
}

}  // namespace spawngate
