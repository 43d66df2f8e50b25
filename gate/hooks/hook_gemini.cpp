#include "hook_gemini.hpp"

#include <fmt/format.h>

#include "json_writer.hpp"

namespace spawngate {
namespace {

HookAnswer deny(const std::string& reason) {
    JsonWriter json;
    json.begin_object().field("decision", "deny").field("reason", reason).end_object();
    return {0, json.text() + "\n", reason + "\n"};
}

HookAnswer message(const std::string& text, bool post) {
    if (text.empty()) return {0, "{}\n", {}};
    JsonWriter json;
    json.begin_object().field("systemMessage", text);
    if (post) {
        json.key("hookSpecificOutput")
            .begin_object()
            .field("hookEventName", "AfterTool")
            .field("additionalContext", text)
            .end_object();
    }
    json.end_object();
    return {0, json.text() + "\n", {}};
}

}  // namespace

HookAnswer answer_gemini(bool launch, const Verdict& verdict, const Measurement& measurement,
                         const GateSettings& settings) {
    const bool post = settings.hook == HookProtocol::GeminiPost;
    if (verdict.level == Level::Block && launch && !post)
        return deny(hook_block_reason(verdict, measurement, settings));
    return message(hook_state(verdict, measurement, settings), post);
}

HookAnswer answer_gemini_bad_input(const std::string& error, const GateSettings& settings) {
    const bool post = settings.hook == HookProtocol::GeminiPost;
    if (settings.fail_closed && !post)
        return deny(
            fmt::format("spawngate: cannot judge this tool call: {}; blocking "
                        "(--fail-closed)",
                        error));
    return message(fmt::format("spawngate: cannot judge this tool call: {}; allowing it "
                               "(--fail-closed would block)",
                               error),
                   post);
}

}  // namespace spawngate
