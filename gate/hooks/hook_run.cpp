#include "hook_run.hpp"

#include "gate_run.hpp"
#include "hook_claude.hpp"
#include "hook_codex.hpp"
#include "hook_gemini.hpp"
#include "hook_input.hpp"
#include "hook_runner.hpp"
#include "launch_table.hpp"
#include "verdict_report.hpp"

namespace spawngate {
namespace {

bool is_post(HookProtocol protocol) {
    return protocol == HookProtocol::ClaudePost || protocol == HookProtocol::GeminiPost;
}

HookAnswer bad_input(const std::string& error, const GateSettings& settings) {
    switch (settings.hook) {
        case HookProtocol::Gemini:
        case HookProtocol::GeminiPost:
            return answer_gemini_bad_input(error, settings);
        case HookProtocol::Codex:
            return answer_codex_bad_input(error, settings);
        default:
            return answer_claude_bad_input(error, settings);
    }
}

// The protocol's launch table: the configured one, else the shipped one. The configured text was
// checked when it was set, so it parses; the shipped one is tested.
LaunchTable launch_table(const GateSettings& settings) {
    std::string_view text = default_launch_table(settings.hook);
    switch (settings.hook) {
        case HookProtocol::ClaudePre:
        case HookProtocol::ClaudePost:
            if (!settings.claude_launches.empty()) text = settings.claude_launches;
            break;
        case HookProtocol::Gemini:
        case HookProtocol::GeminiPost:
            if (!settings.gemini_launches.empty()) text = settings.gemini_launches;
            break;
        case HookProtocol::Codex:
            if (!settings.codex_launches.empty()) text = settings.codex_launches;
            break;
        case HookProtocol::None:
            break;
    }
    std::string error;
    return parse_launch_table(text, error).value_or(LaunchTable{});
}

}  // namespace

HookAnswer run_hook(GateSettings settings, int input_fd) {
    const HookInputRead read = read_hook_input(input_fd);
    if (!read.input) return bad_input(read.error, settings);
    const HookInput& input = *read.input;

    // Only launches spend budget, and only before they run; anything else is judged as it
    // stands, and is never blocked.
    const LaunchClass call = classify_call(launch_table(settings), input);
    const bool launch = call.launch && !is_post(settings.hook);
    if (launch) {
        settings.cost *= call.times;
    } else {
        settings.cost = 0;
        settings.reserve = false;
        settings.max_workers = 0;
        settings.auto_reap = false;
    }
    // The context budget guards subagent launches: each report lands in the parent's context.
    LaunchContext context;
    context.passing_tasks = hook_runner_tasks(Root(settings.root));
    if (settings.hook == HookProtocol::ClaudePre && launch && call.subagent) {
        context.context_budget = true;
        context.transcript_path = input.transcript_path;
    }

    const GateOutcome outcome = judge_launch(settings, context);
    HookAnswer answer;
    switch (settings.hook) {
        case HookProtocol::Gemini:
        case HookProtocol::GeminiPost:
            answer = answer_gemini(launch, outcome.verdict, outcome.measurement, settings);
            break;
        case HookProtocol::Codex:
            answer = answer_codex(launch, outcome.verdict, outcome.measurement, settings);
            break;
        default:
            answer = answer_claude(launch, outcome.verdict, outcome.measurement, settings);
    }
    answer.stderr_text += notes_text(outcome.notes);
    return answer;
}

}  // namespace spawngate
