// The real Codex CLI (pinned in tests/conformance/pinned_clis.txt) end to end: `codex exec`
// against a local mock of the OpenAI Responses API that answers with one scripted tool call,
// spawngate's shipped hook snippet (hooks/codex/hooks.json, only the binary path substituted)
// reviewed in a fresh CODEX_HOME, the CLI and so its hooks inside a real pids cgroup filled
// around the CLI's own tasks. What the model received is read back from the mock's log. The
// measured facts behind every case are in FINDINGS.md next to this file.
//
// Skips with the reason where it cannot run: not root or no pids cgroups (the fixture), no
// python3, or install_cli.sh exit 77 (no node/npm, registry unreachable).

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_processes.hpp"
#include "codex_run.hpp"
#include "pids_cgroup_fixture.hpp"
#include "run_process.hpp"

extern char** environ;

namespace spawngate::conformance {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;
using ::testing::UnorderedElementsAreArray;

constexpr const char* kPython = "/usr/bin/python3";

// The CLI's cgroup. pids.max is large so the CLI's own ~45 tasks (Node wrapper threads, the
// native binary's runtime threads) are a small, measured part of it.
constexpr std::int64_t kPidsMax = 1000;
// Tasks in that cgroup (the CLI's own included) when the hook runs. The gate adds itself (1) and,
// for a launch, the snippet's --cost 5: 50.6 %, 78.6 % and 92.6 % of pids.max.
constexpr std::uint64_t kBelowWarn = 500;
constexpr std::uint64_t kBetweenWarnAndBlock = 780;
constexpr std::uint64_t kAboveBlock = 920;

// What the gate's messages start with; the model must see them.
constexpr const char* kBlocked = "spawngate: blocked";
constexpr const char* kWarning = "spawngate: warning";
constexpr const char* kCannotJudge = "spawngate: cannot judge this tool call";

// The call ids the mock gives the scripted calls.
constexpr const char* kCallId = "call_spawngate_tool";
constexpr const char* kWaitCallId = "call_spawngate_wait";

// Codex 0.171.0's tool list, as its first request offers it (namespaced tools as
// "namespace/name"). A new or renamed tool fails this test: decide whether it launches anything
// (FINDINGS.md), then update the list and the snippet's matcher.
const std::vector<std::string> kOfferedTools = {
    "exec_command",  // a shell; a session handed back when it outlives yield_time_ms
    "write_stdin",   // writes to / polls such a session; no PreToolUse hook fires for it
    "request_user_input",
    "view_image",
    "multi_agent_v1/close_agent",
    "multi_agent_v1/resume_agent",  // restarts a closed subagent
    "multi_agent_v1/send_input",    // starts a new turn of a running subagent
    "multi_agent_v1/spawn_agent",   // starts a subagent
    "multi_agent_v1/wait_agent",
    "get_goal",
    "create_goal",
    "update_goal",
};

struct Install {
    std::string codex;        // the CLI, when installed
    std::string skip_reason;  // install_cli.sh exit 77
    std::string error;        // anything else
};

std::vector<std::string> own_environment() {
    std::vector<std::string> entries;
    for (char** entry = environ; entry && *entry; ++entry) entries.emplace_back(*entry);
    return entries;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string own_path() {
    const char* path = ::getenv("PATH");
    return path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
}

// install_cli.sh codex CACHE, with this process's environment (npm needs HOME, proxies, ...).
Install install_codex() {
    testkit::ProcessRun run{.arguments = {SPAWNGATE_SOURCE_DIR "/tests/conformance/install_cli.sh",
                                          "codex", CONFORMANCE_CACHE_DIR},
                            .environment = own_environment(),
                            .stdin_text = {},
                            .close_stdin = true,
                            .timeout = std::chrono::minutes(11)};
    const testkit::ProcessResult result = testkit::run_process("/bin/bash", run);
    if (result.exit_code == 77)
        return {.codex = {}, .skip_reason = result.stderr_text, .error = {}};
    if (result.exit_code != 0)
        return {.codex = {},
                .skip_reason = {},
                .error = "install_cli.sh codex failed (exit " + std::to_string(result.exit_code) +
                         "): " + result.stderr_text};
    const std::string directory = result.stdout_text.substr(0, result.stdout_text.find('\n'));
    return {.codex = directory + "/node_modules/.bin/codex", .skip_reason = {}, .error = {}};
}

// What the gate told the model: the developer messages (hookSpecificOutput.additionalContext)
// that mention spawngate. Only these, so a failure does not print Codex's whole system prompt.
std::vector<std::string> gate_messages(const RecordedRequests& requests) {
    std::vector<std::string> messages;
    for (std::string& text : requests.developer_texts())
        if (text.find("spawngate") != std::string::npos) messages.push_back(std::move(text));
    return messages;
}

// A script whose only tool call is `call` (then the final text).
nlohmann::json one_call(nlohmann::json call) {
    call["call_id"] = kCallId;
    return {{"calls", nlohmann::json::array({call})}, {"final_text", "done"}};
}

// A shell call; a short yield_time_ms hands the session back while the command still runs.
nlohmann::json shell(const std::string& command, std::optional<int> yield_time_ms = {}) {
    nlohmann::json arguments = {{"cmd", command}};
    if (yield_time_ms) arguments["yield_time_ms"] = *yield_time_ms;
    return one_call({{"name", "exec_command"}, {"arguments", arguments}});
}

// spawn_agent, then wait_agent on the spawned agent: the main agent waits until the subagent
// has asked the model, so a started subagent always shows in the mock's log. When the spawn is
// blocked there is no agent id and the mock skips the wait.
nlohmann::json subagent_launch() {
    nlohmann::json script =
        one_call({{"namespace", "multi_agent_v1"},
                  {"name", "spawn_agent"},
                  {"arguments", {{"message", "List every test that touches cgroups."}}}});
    script["calls"].push_back({{"namespace", "multi_agent_v1"},
                               {"name", "wait_agent"},
                               {"call_id", kWaitCallId},
                               {"arguments", {{"targets", {"$agent_id"}}, {"timeout_ms", 20000}}}});
    return script;
}

// spawn_agent, wait_agent, close_agent, then resume_agent on the closed subagent (call 3).
nlohmann::json resume_closed_subagent() {
    auto agent_call = [](const std::string& name, const std::string& call_id,
                         nlohmann::json arguments) {
        return nlohmann::json{{"namespace", "multi_agent_v1"},
                              {"name", name},
                              {"call_id", call_id},
                              {"arguments", std::move(arguments)}};
    };
    return {{"calls",
             {agent_call("spawn_agent", "call_spawngate_spawn", {{"message", "Survey the tests."}}),
              agent_call("wait_agent", kWaitCallId,
                         {{"targets", {"$agent_id"}}, {"timeout_ms", 20000}}),
              agent_call("close_agent", "call_spawngate_close", {{"target", "$agent_id"}}),
              agent_call("resume_agent", kCallId, {{"id", "$agent_id"}})}},
            {"final_text", "done"}};
}

struct Plan {
    nlohmann::json script;
    std::uint64_t tasks_when_hook_runs = kBelowWarn;
    int fill_before_call = 0;  // the cgroup is filled right before this scripted call
    bool review_hooks = true;
    std::string hook_command_prefix;  // put in front of the snippet's hook command
    bool install_with_setup = false;  // `spawngate setup codex` writes the hooks, as a user would
};

// `script` with the cgroup holding `tasks` tasks when the hook runs; the hook reviewed.
Plan session(nlohmann::json script, std::uint64_t tasks) {
    Plan made;
    made.script = std::move(script);
    made.tasks_when_hook_runs = tasks;
    return made;
}

struct Outcome {
    bool completed = false;  // false: the run itself failed (reported already)
    CodexExit exit;
};

class CodexConformance : public integration::GateInRealPidsCgroup {
  protected:
    void SetUp() override {
        GateInRealPidsCgroup::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        if (::access(kPython, X_OK) != 0)
            GTEST_SKIP() << "needs " << kPython << " for the mock Responses API";
        const Install install = install_codex();
        if (!install.skip_reason.empty())
            GTEST_SKIP() << "the pinned Codex CLI cannot be installed here: "
                         << install.skip_reason;
        ASSERT_EQ(install.error, "");
        codex_ = install.codex;
        cgroup_ = make_cgroup("codex", kPidsMax);
        ASSERT_TRUE(cgroup_);
        directory_ = std::make_unique<RunDirectory>(
            CONFORMANCE_RUNS_DIR, ::testing::UnitTest::GetInstance()->current_test_info()->name());
        ASSERT_FALSE(directory_->path().empty())
            << "cannot create a directory in " << CONFORMANCE_RUNS_DIR;
    }

    void TearDown() override {
        if (HasFailure() && directory_ && !directory_->path().empty()) {
            directory_->keep();
            std::cout << "kept the CLI's logs and the recorded requests in " << directory_->path()
                      << "\n";
        }
    }

    // A file in the CLI's work directory; the scripted command creates it when it runs.
    std::string marker(const std::string& name) const { return run_file("work/" + name); }
    std::string run_file(const std::string& name) const { return directory_->file(name); }
    static bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

    // One CLI session: everything up to the model request due plan.fill_before_call (the first
    // by default), then the cgroup filled to plan.tasks_when_hook_runs around the CLI's own
    // tasks, then the rest of the script. Every run also checks that no fork in the cgroup
    // failed (the `max` counter of pids.events).
    Outcome run_codex(const Plan& plan) {
        Outcome outcome;
        CodexRun run({.codex = codex_,
                      .mock = SPAWNGATE_SOURCE_DIR "/tests/conformance/codex/mock_openai.py",
                      .review = SPAWNGATE_SOURCE_DIR "/tests/conformance/codex/review_hooks.py",
                      .snippet = SPAWNGATE_SOURCE_DIR "/hooks/codex/hooks.json",
                      .gate = SPAWNGATE_PATH,
                      .python = kPython,
                      .search_path = own_path()},
                     *directory_);
        auto step = [&](const std::string& error) {
            if (!error.empty()) ADD_FAILURE() << error;
            return error.empty();
        };
        if (!step(run.prepare(plan.script, plan.hook_command_prefix, plan.fill_before_call)))
            return outcome;
        if (plan.install_with_setup && !step(run.install_hooks_with_setup())) return outcome;
        if (plan.review_hooks && !step(run.review_hooks())) return outcome;
        if (!step(run.start(cgroup_->procs_file()))) return outcome;
        if (!step(run.wait_until_waiting_on_model(std::chrono::seconds(60)))) return outcome;
        if (!fill(plan.tasks_when_hook_runs)) return outcome;
        if (!step(run.release())) return outcome;
        if (!step(run.finish(std::chrono::seconds(60), outcome.exit))) return outcome;
        // A blocked call ends the turn normally too: any other exit means the session broke.
        if (outcome.exit.exit_code != 0) {
            ADD_FAILURE() << "codex exec exited " << outcome.exit.exit_code << "; its stderr:\n"
                          << outcome.exit.stderr_text;
            return outcome;
        }
        EXPECT_EQ(fork_failures(), 0u)
            << "a fork in " << cgroup_->directory() << " failed at pids.max";
        outcome.completed = true;
        return outcome;
    }

  private:
    // Adds one thread holder so the cgroup holds `tasks` tasks, the CLI's own included. The
    // CLI's thread count moves by a few while it waits, so a few tasks short is close enough.
    bool fill(std::uint64_t tasks) {
        const auto cli_tasks = cgroup_->pids_current();
        if (!cli_tasks) {
            ADD_FAILURE() << "cannot read " << cgroup_->directory() << "/pids.current";
            return false;
        }
        if (*cli_tasks + 1 >= tasks) {
            ADD_FAILURE() << "the CLI alone holds " << *cli_tasks << " tasks, more than the "
                          << tasks << " this case needs";
            return false;
        }
        const std::string error =
            filler_.add_thread_holder(*cgroup_, static_cast<int>(tasks - *cli_tasks));
        if (!error.empty()) {
            ADD_FAILURE() << error;
            return false;
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        std::uint64_t current = 0;
        while (std::chrono::steady_clock::now() < deadline) {
            current = cgroup_->pids_current().value_or(0);
            if (current + 5 >= tasks) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        RecordProperty("cli_tasks", static_cast<int>(*cli_tasks));
        RecordProperty("tasks_when_hook_runs", static_cast<int>(current));
        if (current + 5 < tasks) {
            ADD_FAILURE() << cgroup_->directory() << "/pids.current stayed at " << current
                          << ", expected about " << tasks;
            return false;
        }
        return true;
    }

    // The `max` counter of pids.events: forks refused at this cgroup's pids.max.
    std::uint64_t fork_failures() const {
        std::ifstream events(cgroup_->directory() + "/pids.events");
        std::string key;
        std::uint64_t count = 0;
        while (events >> key >> count)
            if (key == "max") return count;
        return 0;
    }

    std::string codex_;
    const integration::ScopedPidsCgroup* cgroup_ = nullptr;
    std::unique_ptr<RunDirectory> directory_;
    integration::ChildProcesses filler_;  // destroyed before the fixture removes the cgroups
};

// The tool list is the table every launch decision rests on; this keeps it true.
TEST_F(CodexConformance, OffersTheToolsTheFindingsName) {
    const Outcome run = run_codex(session({{"final_text", "done"}}, kBelowWarn));
    ASSERT_TRUE(run.completed);

    EXPECT_THAT(run.exit.requests.offered_tools(), UnorderedElementsAreArray(kOfferedTools));
}

TEST_F(CodexConformance, SubagentLaunchRunsSilentlyBelowTheWarnLevel) {
    const Outcome run = run_codex(session(subagent_launch(), kBelowWarn));
    ASSERT_TRUE(run.completed);

    EXPECT_GE(run.exit.requests.subagent_requests(), 1u) << "the subagent never asked the model";
    EXPECT_THAT(run.exit.requests.output_of(kCallId), Optional(HasSubstr("agent_id")));
    EXPECT_THAT(gate_messages(run.exit.requests), IsEmpty());
}

TEST_F(CodexConformance, SubagentLaunchIsBlockedAboveTheBlockLevelWithTheReasonSeenByTheModel) {
    const Outcome run = run_codex(session(subagent_launch(), kAboveBlock));
    ASSERT_TRUE(run.completed);

    EXPECT_EQ(run.exit.requests.subagent_requests(), 0u) << "a subagent started";
    EXPECT_THAT(run.exit.requests.output_of(kCallId), Optional(HasSubstr(kBlocked)));
}

TEST_F(CodexConformance, WarningOnASubagentLaunchReachesTheModel) {
    const Outcome run = run_codex(session(subagent_launch(), kBetweenWarnAndBlock));
    ASSERT_TRUE(run.completed);

    EXPECT_GE(run.exit.requests.subagent_requests(), 1u) << "a warning must not stop the launch";
    EXPECT_THAT(gate_messages(run.exit.requests), Contains(HasSubstr(kWarning)));
}

// resume_agent starts a closed subagent again (it answers {"status": "pending_init"}).
TEST_F(CodexConformance, HooksInstalledBySpawngateSetupFireOnceReviewed) {
    Plan installed = session(subagent_launch(), kAboveBlock);
    installed.install_with_setup = true;
    const Outcome run = run_codex(installed);
    ASSERT_TRUE(run.completed);

    EXPECT_EQ(run.exit.requests.subagent_requests(), 0u) << "a subagent started";
    EXPECT_THAT(run.exit.requests.output_of(kCallId), Optional(HasSubstr(kBlocked)));
}

TEST_F(CodexConformance, ResumingAClosedSubagentIsBlockedAboveTheBlockLevel) {
    Plan resume = session(resume_closed_subagent(), kAboveBlock);
    resume.fill_before_call = 3;  // the spawn before it ran below the warn level
    const Outcome run = run_codex(resume);
    ASSERT_TRUE(run.completed);

    EXPECT_THAT(run.exit.requests.output_of("call_spawngate_spawn"),
                Optional(HasSubstr("agent_id")));
    EXPECT_THAT(run.exit.requests.output_of(kCallId), Optional(HasSubstr(kBlocked)));
}

// exec_command hands the session back ("Process running with session ID N") when the command
// outlives yield_time_ms: the one way a Codex shell call leaves a process running after the call
// (a command's own `cmd &` is gone by the next call). The hook sees only {"command": ...}, never
// yield_time_ms, so no hook can tell this call from a foreground one (FINDINGS.md): the gate
// cannot block it without blocking the recovery commands too. This pins that fact: when a Codex
// release adds what tells them apart, this fails, and the launch table gets its entry.
TEST_F(CodexConformance, BackgroundShellCannotBeToldFromAForegroundOneByTheHook) {
    const std::string ran = marker("background-shell-ran");
    const std::string seen = run_file("hook-input.json");
    Plan background = session(shell("touch " + ran + "; exec sleep 30", 250), kAboveBlock);
    background.hook_command_prefix = "tee " + seen + " | ";
    const Outcome run = run_codex(background);
    ASSERT_TRUE(run.completed);

    const nlohmann::json input = nlohmann::json::parse(read_text(seen), nullptr, false);
    ASSERT_TRUE(input.is_object()) << "the hook's input was not captured";
    EXPECT_EQ(input["tool_name"], "Bash");
    std::vector<std::string> fields;
    for (const auto& [field, value] : input["tool_input"].items()) fields.push_back(field);
    EXPECT_EQ(fields, std::vector<std::string>{"command"})
        << "Codex now tells the hook more about a shell call: " << input.dump();
    EXPECT_TRUE(exists(ran)) << "a shell call is no launch in Codex: never blocked";
    EXPECT_THAT(gate_messages(run.exit.requests), Contains(HasSubstr("will be blocked")))
        << "the model is told the state of the budget";
}

TEST_F(CodexConformance, ForegroundShellStillRunsAboveTheBlockLevel) {
    const std::string ran = marker("foreground-shell-ran");
    const Outcome run = run_codex(session(shell("touch " + ran), kAboveBlock));
    ASSERT_TRUE(run.completed);

    EXPECT_TRUE(exists(ran)) << "the foreground shell did not run";
    EXPECT_THAT(run.exit.requests.output_of(kCallId),
                Optional(HasSubstr("Process exited with code 0")));
}

TEST_F(CodexConformance, KillZeroStillRunsAboveTheBlockLevel) {
    const std::string ran = marker("kill-zero-ran");
    const Outcome run = run_codex(session(shell("kill -0 $$ && touch " + ran), kAboveBlock));
    ASSERT_TRUE(run.completed);

    EXPECT_TRUE(exists(ran)) << "`kill -0 $$` did not run";
}

TEST_F(CodexConformance, SpawnreaperDryRunStillRunsAboveTheBlockLevel) {
    const std::string ran = marker("spawnreaper-ran");
    // The reaper's log, heartbeat and state off and its lock in the run directory: a dry run
    // here must not write the machine's /var/log or /run.
    const std::string reaper = std::string(SPAWNREAPER_PATH) +
                               " --once --dry-run --log '' --heartbeat '' --state '' --lock " +
                               run_file("reaper.lock");
    const Outcome run = run_codex(session(shell(reaper + " && touch " + ran), kAboveBlock));
    ASSERT_TRUE(run.completed);

    EXPECT_TRUE(exists(ran)) << "`spawnreaper --once --dry-run` did not run";
    EXPECT_THAT(run.exit.requests.output_of(kCallId), Optional(HasSubstr("spawnreaper: cycle 1")));
}

TEST_F(CodexConformance, WarningOnAShellCallReachesTheModel) {
    const std::string ran = marker("shell-ran");
    const Outcome run = run_codex(session(shell("touch " + ran), kBetweenWarnAndBlock));
    ASSERT_TRUE(run.completed);

    EXPECT_TRUE(exists(ran)) << "a warning must not stop the call";
    EXPECT_THAT(gate_messages(run.exit.requests), Contains(HasSubstr(kWarning)));
}

// Codex writes the hook's stdin itself, always a complete JSON object (serde), so bad input
// cannot come from the CLI: the hook command reads and drops it and pipes a truncated document
// into the gate instead. The gate's answer still goes back through the real CLI.
TEST_F(CodexConformance, BadHookInputLetsTheCallThroughAndTellsTheModel) {
    const std::string ran = marker("shell-ran");
    Plan bad_input = session(shell("touch " + ran), kBelowWarn);
    bad_input.hook_command_prefix = "cat >/dev/null; printf '%s' '{\"tool_name\": ' | ";
    const Outcome run = run_codex(bad_input);
    ASSERT_TRUE(run.completed);

    EXPECT_TRUE(exists(ran)) << "without --fail-closed, input the gate cannot judge is allowed";
    EXPECT_THAT(gate_messages(run.exit.requests), Contains(HasSubstr(kCannotJudge)));
}

// A hook nobody reviewed is skipped without a word in `codex exec`; the snippet needs a review
// (or --dangerously-bypass-hook-trust) before it guards anything.
TEST_F(CodexConformance, TheSnippetDoesNothingUntilReviewed) {
    const std::string ran = marker("shell-ran");
    Plan unreviewed = session(shell("touch " + ran), kBelowWarn);
    unreviewed.review_hooks = false;
    const Outcome run = run_codex(unreviewed);
    ASSERT_TRUE(run.completed);

    EXPECT_TRUE(exists(ran));
    EXPECT_THAT(run.exit.stderr_text, Not(HasSubstr("hook: PreToolUse")));
}

}  // namespace
}  // namespace spawngate::conformance
