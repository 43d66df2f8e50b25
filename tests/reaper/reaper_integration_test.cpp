// The real-process scenario: the built spawnreaper binary against real processes, with a test
// config of short ages. Every rule here is scoped by a random token in argv and, where cgroupfs
// is writable, by a pids cgroup made for the test, so nothing outside the test can match; every
// process is killed and reaped by its guard when the test ends, also when it fails.

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <deque>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "real_process.hpp"
#include "reap_cycle.hpp"
#include "reaper_heartbeat.hpp"
#include "reaper_lock.hpp"
#include "reaper_scenario.hpp"

namespace spawngate {
namespace {

TEST_F(ReaperScenario, FakeDeployWithAChildIsReapedTogetherWithTheChild) {
    RealProcess& deploy = keep(RealProcess::spawn(
        "/bin/sh", {"deploy-" + token, "-c", "sleep 300 & wait"}, false, procs_file()));
    const auto children = testkit::children_of(deploy.pid(), 1, 2000);
    ASSERT_EQ(children.size(), 1u);
    RealProcess& child = keep(RealProcess::adopt(children[0]));
    RealProcess& bystander = sleeper("bystander-" + token);
    wait_older_than_one_second();

    const std::string config =
        // process_name makes the scan skip other processes' stat, so the descendants come from
        // the scan completed on demand.
        write_config("[[rule]]\nname = \"stale-deploy\"\nprocess_name = '^sh$'\n" +
                     scope("^deploy-" + token) +
                     "older_than = \"1s\"\ndescendants = true\ngrace = \"5s\"\n");
    const RunResult run = run_reaper([&] {
        auto arguments = standard_arguments(config);
        arguments.push_back("--once");
        return arguments;
    }());
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_TRUE(deploy.wait_exit(1000));
    EXPECT_TRUE(child.wait_exit(1000));
    EXPECT_TRUE(bystander.alive());

    const auto line = decision_for(deploy.pid());
    ASSERT_TRUE(line) << read_text(log_path());
    EXPECT_EQ((*line)["rule"], "stale-deploy");
    EXPECT_EQ((*line)["action"], "reap");
    EXPECT_EQ((*line)["outcome"], "exited_after_signal");
    EXPECT_EQ((*line)["signals_sent"], json::array({"TERM"}));
    EXPECT_EQ((*line)["method"], "pidfd");
    EXPECT_EQ((*line)["cmdline"], "deploy-" + token + " -c sleep 300 & wait");
    EXPECT_GE((*line)["age_s"].get<int>(), 1);
    ASSERT_EQ((*line)["descendants"].size(), 1u);
    EXPECT_EQ((*line)["descendants"][0]["pid"], child.pid());
    EXPECT_EQ((*line)["descendants"][0]["outcome"], "exited_after_signal");
    for (const char* field :
         {"time", "start_time_ticks", "name", "exe", "parent_chain", "user", "anon_memory_bytes",
          "anon_memory_source", "threads", "outcome_detail"})
        EXPECT_TRUE(line->contains(field)) << field;
    EXPECT_FALSE(decision_for(bystander.pid()));
    EXPECT_NE(run.stderr_text.find("rule stale-deploy: pid " + std::to_string(deploy.pid())),
              std::string::npos);
}

TEST_F(ReaperScenario, OrphanedInterpreterIsReapedAndAParentedOneIsNot) {
    if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3 to orphan";
    const std::vector<std::string> argv{"python3", "-c", "import time; time.sleep(300)",
                                        "orphan-" + token};
    RealProcess& orphan = keep(RealProcess::spawn_orphan("/usr/bin/python3", argv, procs_file()));
    RealProcess& parented = keep(RealProcess::spawn("/usr/bin/python3", argv, false, procs_file()));
    wait_older_than_one_second();

    const std::string config = write_config(
        "[[rule]]\nname = \"orphaned-interpreter\"\n"
        "process_name = '^python3$'\norphan = true\n" +
        scope("orphan-" + token) + "older_than = \"1s\"\ngrace = \"5s\"\n");
    auto arguments = standard_arguments(config);
    const RunResult run = run_reaper(arguments);
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_TRUE(orphan.wait_exit(1000));
    EXPECT_TRUE(parented.alive());
    const auto line = decision_for(orphan.pid());
    ASSERT_TRUE(line) << read_text(log_path());
    EXPECT_EQ((*line)["outcome"], "exited_after_signal");
    EXPECT_NE((*line)["reason"].get<std::string>().find("orphan (parent"), std::string::npos);
    EXPECT_FALSE(decision_for(parented.pid()));
}

TEST_F(ReaperScenario, TermIgnoringProcessIsKilledAfterTheGrace) {
    RealProcess& stubborn = sleeper("stubborn-" + token, true);
    const std::string config = write_config("[[rule]]\nname = \"stubborn\"\n" +
                                            scope("^stubborn-" + token) + "grace = \"1s\"\n");
    const auto started = std::chrono::steady_clock::now();
    const RunResult run = run_reaper(standard_arguments(config));
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    const auto status = stubborn.reap();
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
    EXPECT_GE(took, std::chrono::milliseconds(1000));
    const auto line = decision_for(stubborn.pid());
    ASSERT_TRUE(line);
    EXPECT_EQ((*line)["outcome"], "killed_after_grace");
    // STOP before KILL: a stopped process cannot fork while its tree is swept.
    EXPECT_EQ((*line)["signals_sent"], json::array({"TERM", "STOP", "KILL"}));
}

TEST_F(ReaperScenario, VictimsOfOneCycleShareOneGrace) {
    RealProcess& first = sleeper("shared-" + token + "-a", true);
    RealProcess& second = sleeper("shared-" + token + "-b", true);
    const std::string config = write_config("[[rule]]\nname = \"shared\"\n" +
                                            scope("^shared-" + token) + "grace = \"1s\"\n");
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(run_reaper(standard_arguments(config)).exit_code, 0);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_TRUE(first.wait_exit(1000));
    EXPECT_TRUE(second.wait_exit(1000));
    EXPECT_LT(took, std::chrono::milliseconds(1900))
        << "one grace for the cycle, not one per victim";
    EXPECT_EQ((*decision_for(first.pid()))["outcome"], "killed_after_grace");
    EXPECT_EQ((*decision_for(second.pid()))["outcome"], "killed_after_grace");
}

TEST_F(ReaperScenario, ProtectedMatchIsSparedAndLoggedAsSpared) {
    RealProcess& guarded = sleeper("protected-" + token);
    RealProcess& victim = sleeper("victim-" + token);
    const std::string config =
        write_config("[reaper]\nprotect_cmdlines = ['^protected-" + token +
                     "']\n[[rule]]\nname = \"tokened\"\n" + scope(token) + "grace = \"2s\"\n");
    const RunResult run = run_reaper(standard_arguments(config));
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_TRUE(victim.wait_exit(1000));
    EXPECT_TRUE(guarded.alive());
    const auto line = decision_for(guarded.pid());
    ASSERT_TRUE(line);
    EXPECT_EQ((*line)["action"], "spared");
    EXPECT_EQ((*line)["spared_by"], "on the protect list");
    EXPECT_EQ((*line)["signals_sent"], json::array());
}

TEST_F(ReaperScenario, ReapersOwnParentMatchingARuleIsSpared) {
    const std::string config = write_config("[[rule]]\nname = \"parent\"\n" +
                                            scope("^parent-" + token) + "grace = \"2s\"\n");
    std::string script = SPAWNREAPER_PATH;
    for (const std::string& argument : standard_arguments(config)) script += " '" + argument + "'";
    script += " 2>/dev/null; exit $?";
    RealProcess& parent =
        keep(RealProcess::spawn("/bin/sh", {"parent-" + token, "-c", script}, false, procs_file()));
    const auto status = parent.reap();
    ASSERT_TRUE(status);
    ASSERT_TRUE(WIFEXITED(*status))
        << "the reaper's parent was killed by signal " << WTERMSIG(*status);
    EXPECT_EQ(WEXITSTATUS(*status), 0);
    const auto line = decision_for(parent.pid());
    ASSERT_TRUE(line) << read_text(log_path());
    EXPECT_EQ((*line)["action"], "spared");
    EXPECT_EQ((*line)["spared_by"], "the reaper itself or one of its ancestors");
}

TEST_F(ReaperScenario, DryRunKillsNothingAndLogsTheSameDecisions) {
    RealProcess& first = sleeper("dry-" + token);
    RealProcess& stubborn = sleeper("dry-" + token + "-stubborn", true);
    const std::string config =
        write_config("[[rule]]\nname = \"dry\"\n" + scope("^dry-" + token) + "grace = \"1s\"\n");
    auto arguments = standard_arguments(config);
    arguments.push_back("--dry-run");
    const RunResult dry = run_reaper(arguments);
    EXPECT_EQ(dry.exit_code, 0) << dry.stderr_text;
    EXPECT_TRUE(first.alive());
    EXPECT_TRUE(stubborn.alive());
    std::set<pid_t> dry_pids;
    for (const json& line : log_lines()) {
        EXPECT_EQ(line["action"], "dry_run");
        EXPECT_EQ(line["signals_sent"], json::array());
        EXPECT_EQ(line["signal"], "TERM");
        dry_pids.insert(line["pid"].get<pid_t>());
    }
    EXPECT_EQ(dry_pids, (std::set<pid_t>{first.pid(), stubborn.pid()}));
    EXPECT_FALSE(std::filesystem::exists(directory + "/run/reaper.heartbeat"));

    std::filesystem::remove(log_path());
    EXPECT_EQ(run_reaper(standard_arguments(config)).exit_code, 0);
    std::set<pid_t> real_pids;
    for (const json& line : log_lines()) real_pids.insert(line["pid"].get<pid_t>());
    EXPECT_EQ(real_pids, dry_pids);
    EXPECT_TRUE(first.wait_exit(1000));
    EXPECT_TRUE(stubborn.wait_exit(1000));
}

TEST_F(ReaperScenario, SecondInstanceSeesTheLockAndExitsZero) {
    RealProcess& victim = sleeper("locked-" + token);
    const std::string config =
        write_config("[[rule]]\nname = \"locked\"\n" + scope("^locked-" + token));
    std::filesystem::create_directories(directory + "/run");
    const ReaperLock held = try_lock_reaper(directory + "/run/reaper.lock");
    ASSERT_EQ(held.state, ReaperLock::State::Held) << held.problem.text();
    const RunResult run = run_reaper(standard_arguments(config));
    EXPECT_EQ(run.exit_code, 0);
    EXPECT_NE(run.stderr_text.find("holds"), std::string::npos) << run.stderr_text;
    EXPECT_NE(run.stderr_text.find("pid " + std::to_string(::getpid())), std::string::npos)
        << run.stderr_text;
    EXPECT_TRUE(victim.alive());
}

// Without pidfds the only way left is kill(2) by pid, which can hit a recycled pid: the reaper
// signals nothing, says why, and exits with "a kill failed" (tests/faults covers a real seccomp
// filter; --no-pidfd acts as such a kernel).
TEST_F(ReaperScenario, WithoutPidfdsNothingIsSignalledAndTheReaperSaysWhy) {
    RealProcess& victim = sleeper("fallback-" + token);
    const std::string config =
        write_config("[[rule]]\nname = \"fallback\"\n" + scope("^fallback-" + token));
    auto arguments = standard_arguments(config);
    arguments.push_back("--no-pidfd");
    const RunResult run = run_reaper(arguments);
    EXPECT_EQ(run.exit_code, 1) << run.stderr_text;
    EXPECT_TRUE(victim.alive());
    EXPECT_NE(run.stderr_text.find("--no-pidfd: no process will be signalled"), std::string::npos)
        << run.stderr_text;
    const auto line = decision_for(victim.pid());
    ASSERT_TRUE(line);
    EXPECT_EQ((*line)["outcome"], "failed");
    EXPECT_EQ((*line)["signals_sent"], json::array());
}

TEST_F(ReaperScenario, ConfigErrorHasItsOwnExitCodeAndNamesRuleKeyAndLine) {
    const std::string config = write_config("[[rule]]\nname = \"broken\"\ncmdline = '.*'\n");
    const RunResult run = run_reaper(standard_arguments(config));
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.stderr_text.find("reaper.toml:3: rule 'broken', key 'cmdline'"),
              std::string::npos)
        << run.stderr_text;
}

TEST_F(ReaperScenario, RespawnLoopIsEscalatedOnceAndThenLeftAlone) {
    const std::string event_file = directory + "/escalation.json";
    const std::string config = write_config(
        "[reaper]\nrespawn_limit = 1\nrespawn_window = \"10m\"\n"
        "escalation_command = [\"/usr/bin/tee\", \"" +
        event_file +
        "\"]\n"
        "[[rule]]\nname = \"loop\"\n" +
        scope("^loop-" + token));
    RealProcess& first = sleeper("loop-" + token);
    EXPECT_EQ(run_reaper(standard_arguments(config)).exit_code, 0);
    EXPECT_TRUE(first.wait_exit(1000));
    RealProcess& respawned = sleeper("loop-" + token);
    const RunResult run = run_reaper(standard_arguments(config));
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_TRUE(respawned.alive());
    EXPECT_NE(run.stderr_text.find("ESCALATION"), std::string::npos);
    const json event = json::parse(read_text(event_file));
    EXPECT_EQ(event["event"], "escalation");
    EXPECT_EQ(event["rule"], "loop");
    EXPECT_EQ(event["cmdline"], "loop-" + token + " 300");
    const auto line = decision_for(respawned.pid());
    ASSERT_TRUE(line);
    EXPECT_EQ((*line)["action"], "suppressed");
}

TEST_F(ReaperScenario, MatchListsWhatARuleMatchesNowAndWhyAndActsOnNothing) {
    RealProcess& target = sleeper("match-" + token);
    const std::string config = write_config("[[rule]]\nname = \"m\"\n" + scope("^match-" + token));
    auto arguments = standard_arguments(config);
    arguments.insert(arguments.begin(), {"match", "m"});
    const RunResult run = run_reaper(arguments);
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_NE(run.stdout_text.find("rule m matches 1 process now"), std::string::npos)
        << run.stdout_text;
    // The row: PID right-aligned under its header, then age, and the name in the NAME column.
    const std::regex row("\\n +" + std::to_string(target.pid()) + "  [0-9.]+s +sleep +");
    EXPECT_TRUE(std::regex_search(run.stdout_text, row)) << run.stdout_text;
    EXPECT_NE(run.stdout_text.find("why: cmdline ~ /^match-" + token + "/"), std::string::npos);
    EXPECT_TRUE(target.alive());
    EXPECT_FALSE(std::filesystem::exists(log_path()));

    arguments[1] = "no-such-rule";
    EXPECT_EQ(run_reaper(arguments).exit_code, 3);
}

TEST_F(ReaperScenario, VersionPrintsTheProjectVersion) {
    const RunResult run = run_reaper({"--version"});
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_EQ(run.stdout_text, "spawnreaper " SPAWNREAPER_VERSION "\n");
}

TEST_F(ReaperScenario, RulesListsTheRulesOfTheConfigInUseAsATable) {
    const std::string config = write_config(
        "[[rule]]\nname = \"short\"\ncmdline = 'x'\n"
        "[[rule]]\nname = \"a-much-longer-rule-name\"\nprocess_name = '^sh$'\n"
        "older_than = \"2m\"\ndescendants = true\nsignal = \"INT\"\ngrace = \"3s\"\n");
    const RunResult run = run_reaper({"--config", config, "rules"});
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_EQ(
        run.stdout_text,
        "2 rules from " + config +
            "\n"
            "NAME                     SIGNAL  GRACE  DESCENDANTS  MATCHES\n"
            "short                    TERM    10s    no           cmdline /x/\n"
            "a-much-longer-rule-name  INT     3s     yes          older than 2m, name /^sh$/\n");
}

TEST_F(ReaperScenario, RulesNamesPrintsOnlyTheNamesWithTheConfigBeforeOrAfterTheSubcommand) {
    const std::string config = write_config(
        "[[rule]]\nname = \"one\"\ncmdline = 'x'\n[[rule]]\nname = \"two\"\ncmdline = 'y'\n");
    for (const auto& arguments :
         {std::vector<std::string>{"--config", config, "rules", "--names"},
          std::vector<std::string>{"rules", "--names", "--config", config},
          std::vector<std::string>{"rules", "--config", config, "--names"}}) {
        const RunResult run = run_reaper(arguments);
        EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
        EXPECT_EQ(run.stdout_text, "one\ntwo\n") << arguments[0];
        EXPECT_EQ(run.stderr_text, "");
    }
}

TEST_F(ReaperScenario, RulesWithABrokenConfigSaysWhereAndExitsWithTheConfigErrorCode) {
    const std::string config = write_config("[[rule]]\nname = \"bad\"\ncmdline = 'x'\ngrace = 5\n");
    for (const auto& arguments :
         {std::vector<std::string>{"--config", config, "rules"},
          std::vector<std::string>{"--config", config, "rules", "--names"}}) {
        const RunResult run = run_reaper(arguments);
        EXPECT_EQ(run.exit_code, 2);
        EXPECT_EQ(run.stdout_text, "");
        EXPECT_NE(run.stderr_text.find("spawnreaper: config error: " + config +
                                       ":4: rule 'bad', key 'grace': expected a string"),
                  std::string::npos)
            << run.stderr_text;
    }
}

TEST_F(ReaperScenario, EveryCycleWritesAHeartbeat) {
    const std::string config =
        write_config("[[rule]]\nname = \"idle\"\n" + scope("^nothing-" + token));
    auto arguments = standard_arguments(config);
    arguments.insert(arguments.end(), {"--interval", "2m"});
    EXPECT_EQ(run_reaper(arguments).exit_code, 0);
    const auto heartbeat = parse_heartbeat(read_text(directory + "/run/reaper.heartbeat"));
    ASSERT_TRUE(heartbeat);
    EXPECT_EQ(heartbeat->interval_s, 120u);
    EXPECT_EQ(heartbeat->cycle, 1u);
    EXPECT_EQ(heartbeat->reaped, 0u);
}

TEST_F(ReaperScenario, MetricsFileCountsDecisionsAcrossRuns) {
    const std::string config =
        write_config("[[rule]]\nname = \"metered\"\n" + scope("^metered-" + token));
    auto arguments = standard_arguments(config);
    arguments.insert(arguments.end(), {"--metrics", directory + "/reaper.prom"});
    for (int run = 0; run < 2; ++run) {
        RealProcess& victim = sleeper("metered-" + token);
        EXPECT_EQ(run_reaper(arguments).exit_code, 0);
        EXPECT_TRUE(victim.wait_exit(1000));
    }
    const std::string text = read_text(directory + "/reaper.prom");
    EXPECT_NE(
        text.find(
            "spawnreaper_decisions_total{rule=\"metered\",outcome=\"exited_after_signal\"} 2\n"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find("spawnreaper_cycles_total 2\n"), std::string::npos) << text;
}

TEST_F(ReaperScenario, WatchModeCyclesUntilStoppedAndReapsNewcomers) {
    const std::string config =
        write_config("[[rule]]\nname = \"watched\"\n" + scope("^watched-" + token));
    auto arguments = standard_arguments(config);
    arguments.insert(arguments.begin(), SPAWNREAPER_PATH);
    arguments.insert(arguments.end(), {"--watch", "1s", "--quiet"});
    RealProcess& watcher = keep(RealProcess::spawn(SPAWNREAPER_PATH, arguments));
    // Newcomers arrive after the first cycle, so each is reaped by a later one.
    const std::string heartbeat_file = directory + "/run/reaper.heartbeat";
    for (int waited = 0; waited < 500 && !std::filesystem::exists(heartbeat_file); ++waited)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    RealProcess& first = sleeper("watched-" + token);
    EXPECT_TRUE(first.wait_exit(3000));
    RealProcess& second = sleeper("watched-" + token + "-2");
    EXPECT_TRUE(second.wait_exit(3000));
    const auto heartbeat = parse_heartbeat(read_text(heartbeat_file));
    ASSERT_TRUE(heartbeat);
    EXPECT_GE(heartbeat->cycle, 2u);
    EXPECT_EQ(heartbeat->pid, watcher.pid());
    ::kill(watcher.pid(), SIGTERM);  // our own unreaped child: the pid cannot have been reused
    const auto status = watcher.reap();
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

TEST_F(ReaperScenario, LogThatCannotBeWrittenDoesNotStopTheReaping) {
    RealProcess& victim = sleeper("nolog-" + token);
    const std::string config =
        write_config("[[rule]]\nname = \"nolog\"\n" + scope("^nolog-" + token));
    std::ofstream(directory + "/not-a-directory") << "x";
    auto arguments = standard_arguments(config);
    arguments[3] = directory + "/not-a-directory/reaper.jsonl";
    const RunResult run = run_reaper(arguments);
    EXPECT_EQ(run.exit_code, 5) << run.stderr_text;
    EXPECT_TRUE(victim.wait_exit(1000));
    EXPECT_NE(run.stderr_text.find("cannot open the log"), std::string::npos) << run.stderr_text;
}

// What the gate's auto-reap calls: one cycle in this process, no fork, no binary.
TEST_F(ReaperScenario, LibraryCycleReapsInProcess) {
    RealProcess& victim = sleeper("inprocess-" + token);
    const ConfigLoad load = parse_reaper_config(
        "[[rule]]\nname = \"inprocess\"\n" + scope("^inprocess-" + token), "in-process test");
    ASSERT_TRUE(load.config) << load.error->text();
    CycleOptions options;
    options.log_path = log_path();
    options.state_path = directory + "/run/state.json";
    options.summary_to_stderr = false;
    const CycleReport report = run_reap_cycle(*load.config, options);
    EXPECT_EQ(report.reaped, 1u);
    EXPECT_EQ(report.failed, 0u);
    EXPECT_TRUE(report.problems.empty());
    EXPECT_TRUE(victim.wait_exit(1000));
    ASSERT_TRUE(decision_for(victim.pid()));
}

// The command lines shipped in hooks/ must run: each is run here as shipped, with only the
// binary's path replaced and a dry run on a test config appended.
std::vector<std::string> shipped_arguments(const std::string& file, const std::string& marker) {
    std::istringstream text(read_text(std::string(SPAWNGATE_SOURCE_DIR) + "/hooks/" + file));
    for (std::string line; std::getline(text, line);) {
        if (line.empty() || line.front() == '#') continue;
        const auto at = line.find(marker);
        if (at == std::string::npos) continue;
        std::istringstream words(line.substr(at + marker.size()));
        std::vector<std::string> arguments;
        for (std::string word; words >> word;) arguments.push_back(word);
        return arguments;
    }
    return {"no command line found in hooks/" + file};
}

TEST_F(ReaperScenario, ShippedSystemdUnitAndCronLineRunTheReaper) {
    RealProcess& target = sleeper("shipped-" + token);
    const std::string config =
        write_config("[[rule]]\nname = \"shipped\"\n" + scope("^shipped-" + token));
    for (const auto& [file, marker] :
         {std::pair<std::string, std::string>{"spawnreaper.service",
                                              "ExecStart=/usr/local/sbin/spawnreaper"},
          {"spawnreaper.cron", "|| /usr/local/sbin/spawnreaper"}}) {
        auto arguments = shipped_arguments(file, marker);
        const auto extra = standard_arguments(config);
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        arguments.push_back("--dry-run");
        const RunResult run = run_reaper(arguments);
        EXPECT_EQ(run.exit_code, 0) << file << ": " << run.stderr_text;
        EXPECT_NE(run.stderr_text.find("rule shipped: pid " + std::to_string(target.pid())),
                  std::string::npos)
            << file << ": " << run.stderr_text;
    }
    EXPECT_TRUE(target.alive());
}

}  // namespace
}  // namespace spawngate
