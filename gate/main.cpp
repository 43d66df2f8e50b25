// spawngate: parse, measure, decide, answer. Kept thin: each step lives in its own file.

#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include "command_line.hpp"
#include "exit_codes.hpp"
#include "gate_run.hpp"
#include "help_text.hpp"
#include "hook_run.hpp"
#include "hot_path.hpp"
#include "measurement.hpp"
#include "setup_command.hpp"
#include "status_report.hpp"
#include "verdict.hpp"
#include "verdict_report.hpp"

namespace {

using namespace spawngate;

SPAWNGATE_HOT_PATH void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t wrote = ::write(fd, text.data(), text.size());
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) return;  // nowhere to say it: the exit code still speaks
        text.remove_prefix(static_cast<std::size_t>(wrote));
    }
}

int usage_error(const std::string& message) {
    write_all(2, "spawngate: " + message + "\n");
    return kExitUsage;
}

SPAWNGATE_HOT_PATH int run_check(const GateSettings& settings) {
    const GateOutcome outcome = judge_launch(settings);
    const Verdict& verdict = outcome.verdict;
    const Measurement& measurement = outcome.measurement;
    if (settings.json) {
        const Reservation* recorded = outcome.recorded ? &*outcome.recorded : nullptr;
        write_all(1, verdict_json(verdict, measurement, settings, recorded) + "\n");
    }
    std::string said = measurement_note(verdict, measurement, settings) + notes_text(outcome.notes);
    if (verdict.level == Level::Block) said = block_guidance(verdict, settings) + said;
    if (verdict.level == Level::Warn) said = warning_line(verdict, settings) + said;
    write_all(2, said);
    return verdict.level == Level::Block ? kExitBlock : kExitAllow;
}

SPAWNGATE_HOT_PATH int run(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "setup") return run_setup(argc, argv);
    const CommandLineParse parsed = parse_command_line(argc, argv);
    if (!parsed.command_line) return usage_error(parsed.error.message);
    const CommandLine& line = *parsed.command_line;
    if (line.command == Command::Help) {
        write_all(1, help_text());
        return kExitAllow;
    }
    if (line.command == Command::Version) {
        write_all(1, "spawngate " SPAWNGATE_VERSION "\n");
        return kExitAllow;
    }
    const SettingsLoad loaded =
        load_settings(line, [](const char* name) -> const char* { return std::getenv(name); });
    if (!loaded.settings) return usage_error(loaded.error.message);
    const GateSettings& settings = *loaded.settings;

    if (line.command == Command::Status) {
        const StatusOutput status = status_report(Root(settings.root), settings);
        write_all(1, status.text);
        write_all(2, status.error_text);
        return status.exit_code;
    }
    if (settings.hook != HookProtocol::None) {
        const HookAnswer answer = run_hook(settings, STDIN_FILENO);
        write_all(1, answer.stdout_text);
        write_all(2, answer.stderr_text);
        return answer.exit_code;
    }
    return run_check(settings);
}

}  // namespace

int main(int argc, char** argv) {
    // Everything was written with write(2), so nothing is buffered: leave without running the
    // C++ runtime's exit handlers, which only touch cold pages (a page fault each) on the way out.
    ::_exit(run(argc, argv));
}
