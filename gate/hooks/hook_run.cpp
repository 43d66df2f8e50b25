#include "hook_run.hpp"

#include "gate_run.hpp"
#include "hook_claude.hpp"
#include "hook_codex.hpp"
#include "hook_gemini.hpp"
#include "hook_input.hpp"
#include "verdict_report.hpp"

namespace spawngate {
namespace {

HookAnswer bad_input(const std::string& error, const GateSettings& settings) {
    switch (settings.hook) {
        case HookProtocol::Gemini:
            return answer_gemini_bad_input(error, settings);
        case HookProtocol::Codex:
            return answer_codex_bad_input(error, settings);
        default:
            return answer_claude_bad_input(error, settings);
    }
}

}  // namespace

HookAnswer run_hook(GateSettings settings, int input_fd) {
    const HookInputRead read = read_hook_input(input_fd);
    if (!read.input) return bad_input(read.error, settings);
    const HookInput& input = *read.input;

    const bool claude =
        settings.hook == HookProtocol::ClaudePre || settings.hook == HookProtocol::ClaudePost;
    // Only launches spend budget; anything else is judged as it stands. Gemini and Codex mark no
    // background calls, so every call their matcher lets through counts as a launch.
    if (settings.hook == HookProtocol::ClaudePost || (claude && !is_launch(input))) {
        settings.cost = 0;
        settings.reserve = false;
        settings.max_workers = 0;
        settings.auto_reap = false;
    }
    // The context budget guards subagent launches: each report lands in the parent's context.
    LaunchContext launch;
    if (settings.hook == HookProtocol::ClaudePre && is_subagent_launch(input)) {
        launch.context_budget = true;
        launch.transcript_path = input.transcript_path;
    }

    const GateOutcome outcome = judge_launch(settings, launch);
    HookAnswer answer;
    switch (settings.hook) {
        case HookProtocol::Gemini:
            answer = answer_gemini(outcome.verdict, outcome.measurement, settings);
            break;
        case HookProtocol::Codex:
            answer = answer_codex(outcome.verdict, outcome.measurement, settings);
            break;
        default:
            answer = answer_claude(input, outcome.verdict, outcome.measurement, settings);
    }
    answer.stderr_text += notes_text(outcome.notes);
    return answer;
}

}  // namespace spawngate
