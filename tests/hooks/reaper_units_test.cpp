// The reaper's systemd units and cron line under hooks/ (hooks/**/spawnreaper.*): every command
// they run is `spawnreaper` with options the built `spawnreaper --help` lists.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "hooks_fixture.hpp"

namespace spawngate {
namespace {

using testkit::ProcessResult;
using testkit::ProcessRun;

#ifdef SPAWNREAPER_PATH
constexpr const char* kBuiltReaper = SPAWNREAPER_PATH;
#else
constexpr const char* kBuiltReaper = "";
#endif

std::vector<std::filesystem::path> reaper_files() {
    std::vector<std::filesystem::path> files;
    const std::filesystem::path hooks = testkit::source_file("hooks");
    for (const auto& entry : std::filesystem::recursive_directory_iterator(hooks))
        if (entry.is_regular_file() && entry.path().filename().string().starts_with("spawnreaper"))
            files.push_back(entry.path());
    return files;
}

// The commands a unit or cron file runs: ExecStart*= lines of a unit, the command part of a
// crontab line (five time fields, in /etc/cron.d format also a user).
std::vector<std::string> commands_in(const std::filesystem::path& file) {
    const std::string text = testkit::read_whole_file(file.string());
    std::vector<std::string> commands;
    const std::regex exec_line(R"(^Exec(Start|StartPre|StartPost|Reload)=[-@:+!]*(.*)$)");
    const std::regex cron_line(R"(^(@\w+|(\S+\s+){4}\S+)\s+(.*)$)");
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? text.size() : end + 1;
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        std::smatch match;
        if (std::regex_match(line, match, exec_line)) {
            commands.push_back(match[2]);
        } else if (file.extension() != ".service" && file.extension() != ".timer" &&
                   line.find('=') == std::string::npos &&
                   std::regex_match(line, match, cron_line)) {
            commands.push_back(match[3]);
        }
    }
    return commands;
}

TEST(ReaperUnits, EveryCommandRunsSpawnreaperWithOptionsItHas) {
    const std::vector<std::filesystem::path> files = reaper_files();
    if (files.empty()) GTEST_SKIP() << "no hooks/**/spawnreaper.* files (the reaper's units) yet";
    if (std::string_view(kBuiltReaper).empty() || !std::filesystem::exists(kBuiltReaper))
        GTEST_SKIP() << "the spawnreaper executable is not built in this tree";
    ProcessRun process;
    process.arguments = {"--help"};
    const ProcessResult help = testkit::run_process(kBuiltReaper, process);
    ASSERT_EQ(help.exit_code, 0) << help.stderr_text;

    std::size_t reaper_commands = 0;
    for (const auto& file : files) {
        for (const auto& command : commands_in(file)) {
            const std::vector<std::string> words = testkit::split_exec_command(command);
            const auto reaper = std::find_if(words.begin(), words.end(), [](const std::string& w) {
                return std::filesystem::path(w).filename() == "spawnreaper";
            });
            if (reaper == words.end()) continue;
            ++reaper_commands;
            const std::vector<std::string> options =
                testkit::long_options(std::vector<std::string>(reaper + 1, words.end()));
            for (const auto& option : options)
                EXPECT_TRUE(testkit::contains(help.stdout_text, option))
                    << file.filename() << ": " << option << " is not in spawnreaper --help";
        }
    }
    EXPECT_GT(reaper_commands, 0u) << "no file runs spawnreaper";
}

// "2m", "2min", "120s", "120" (systemd and spawnreaper durations) in seconds; 0 when unreadable.
std::uint64_t duration_s(const std::string& text) {
    std::smatch match;
    if (!std::regex_match(text, match, std::regex(R"((\d+)\s*(s|sec|m|min|h)?)"))) return 0;
    const std::uint64_t value = std::stoull(match[1]);
    const std::string unit = match[2];
    return unit == "m" || unit == "min" ? value * 60 : unit == "h" ? value * 3600 : value;
}

// The gate calls the reaper stopped after three of the intervals its heartbeat records, so the
// --interval a scheduled run records must be the cadence that schedules it.
TEST(ReaperUnits, IntervalRecordedInTheHeartbeatIsTheScheduledCadence) {
    std::size_t checked = 0;
    const std::regex interval_option(R"(--interval[= ](\S+))");
    for (const auto& file : reaper_files()) {
        const std::string text = testkit::read_whole_file(file.string());
        std::uint64_t cadence_s = 0;
        std::smatch match;
        if (file.extension() == ".cron") {
            if (std::regex_search(text, match, std::regex(R"((^|\n)\*/(\d+) \* \* \* \* )")))
                cadence_s = std::stoull(match[2]) * 60;
        } else if (file.extension() == ".service") {
            const std::filesystem::path timer =
                std::filesystem::path(file).replace_extension(".timer");
            const std::string timer_text = testkit::read_whole_file(timer.string());
            if (std::regex_search(timer_text, match, std::regex(R"(OnUnitActiveSec=(\S+))")))
                cadence_s = duration_s(match[1]);
        } else {
            continue;
        }
        ASSERT_TRUE(std::regex_search(text, match, interval_option))
            << file.filename() << " runs spawnreaper without --interval";
        ++checked;
        EXPECT_EQ(duration_s(match[1]), cadence_s) << file.filename();
    }
    if (checked == 0) GTEST_SKIP() << "no hooks/**/spawnreaper.service or .cron yet";
}

TEST(ReaperUnits, ServiceHasAnExecStartAndTimerATrigger) {
    std::size_t checked = 0;
    for (const auto& file : reaper_files()) {
        const std::string text = testkit::read_whole_file(file.string());
        if (file.extension() == ".service") {
            ++checked;
            EXPECT_TRUE(std::regex_search(text, std::regex(R"((^|\n)ExecStart=\S)"))) << file;
        } else if (file.extension() == ".timer") {
            ++checked;
            EXPECT_TRUE(std::regex_search(
                text, std::regex(R"((^|\n)On(Calendar|UnitActiveSec|BootSec|ActiveSec)=\S)")))
                << file;
        }
    }
    if (checked == 0) GTEST_SKIP() << "no hooks/**/spawnreaper.service or .timer yet";
}

}  // namespace
}  // namespace spawngate
