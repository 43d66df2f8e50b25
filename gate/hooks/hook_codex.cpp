#include "hook_codex.hpp"

#include <fmt/format.h>

#include "json_writer.hpp"

namespace spawngate {
namespace {

HookAnswer deny(const std::string& reason) {
    JsonWriter json;
    json.begin_object()
        .key("hookSpecificOutput")
        .begin_object()
        .field("hookEventName", "PreToolUse")
        .field("permissionDecision", "deny")
        .field("permissionDecisionReason", reason)
        .end_object()
        .end_object();
    return {0, json.text() + "\n", reason + "\n"};
}

HookAnswer tell(const std::string& text) {
    if (text.empty()) return {0, {}, {}};
    JsonWriter json;
    json.begin_object()
        .field("systemMessage", text)
        .key("hookSpecificOutput")
        .begin_object()
        .field("hookEventName", "PreToolUse")
        .field("additionalContext", text)
        .end_object()
        .end_object();
    return {0, json.text() + "\n", {}};
}

}  // namespace

HookAnswer answer_codex(bool launch, const Verdict& verdict, const Measurement& measurement,
                        const GateSettings& settings) {
    if (verdict.level == Level::Block && launch)
        return deny(hook_block_reason(verdict, measurement, settings));
    return tell(hook_state(verdict, measurement, settings));
}

HookAnswer answer_codex_bad_input(const std::string& error, const GateSettings& settings) {
    if (settings.fail_closed)
        return deny(
            fmt::format("spawngate: cannot judge this tool call: {}; blocking "
                        "(--fail-closed)",
                        error));
    return tell(fmt::format(
        "spawngate: cannot judge this tool call: {}; allowing it (--fail-closed would block)",
        error));
}

}  // namespace spawngate
