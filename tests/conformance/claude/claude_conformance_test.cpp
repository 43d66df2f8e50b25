// The real Claude Code CLI (the version pinned in tests/conformance/pinned_clis.txt), headless,
// against a local mock of the Anthropic Messages API, with spawngate's shipped hook snippet, in
// a real pids cgroup. The mock model asks for scripted tool calls; what a test asserts is what a
// user of the pair would see: whether the command ran (a marker file), what the model received
// after the hook (the mock's record of the next request), what the user was shown, and that the
// kernel never refused a task (pids.events).
//
// The cgroups: agents (pids.max 1000) holds filler (one thread holder) and session (the CLI and
// everything it starts). The gate judges agents, the tightest level, and counts the threads of
// session only, so the filler's threads do not trip the thread warning. Measured with 2.1.332
// (FINDINGS.md): the idle CLI is 9 tasks, and a hook adds 2 while it runs (/bin/sh -c and the
// gate).

#include <fstream>
#include <string>

#include "claude_session.hpp"
#include "gate_runner.hpp"
#include "pids_cgroup_fixture.hpp"

namespace spawngate::conformance {
namespace {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr std::int64_t kPidsMax = 1000;
constexpr int kClaudeTasks = 9;  // the CLI between requests: its main thread and 8 more
constexpr int kHookTasks = 2;    // /bin/sh -c COMMAND, and the gate it forks

// Where the budget stands while the CLI runs, in tasks of kPidsMax (warn 70 %, block 85 %).
constexpr int kBelowWarn = 500;
constexpr int kBetweenWarnAndBlock = 780;
constexpr int kAboveBlock = 920;

// 170,000 tokens of context, as the transcript records the model's usage.
const nlohmann::json kUsageAt170k = {{"input_tokens", 2000},
                                     {"cache_creation_input_tokens", 8000},
                                     {"cache_read_input_tokens", 160000},
                                     {"output_tokens", 40}};

class ClaudeCodeInRealPidsCgroup : public integration::GateInRealPidsCgroup {
  protected:
    void SetUp() override {
        GateInRealPidsCgroup::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        if (const std::string why = mock_unavailable(); !why.empty()) GTEST_SKIP() << why;
        const ClaudeInstall& install = install_claude();
        if (!install.skip_reason.empty())
            GTEST_SKIP() << "the pinned Claude Code CLI cannot run here: " << install.skip_reason;
        ASSERT_EQ(install.failure, "");
        ASSERT_EQ(session_.setup_error(), "");
        limit_ = make_cgroup("agents", kPidsMax);
        ASSERT_TRUE(limit_);
        filler_ = make_cgroup("filler", std::nullopt, limit_);
        session_cgroup_ = make_cgroup("session", std::nullopt, limit_);
        ASSERT_TRUE(filler_ && session_cgroup_);
    }

    // Fills agents so that, with the CLI's own tasks, it stands at `tasks` of kPidsMax.
    [[nodiscard]] bool fill_to(int tasks) {
        return add_thread_holder(*filler_, tasks - kClaudeTasks);
    }

    // One session in which the model makes `calls`, with `model` (the CLI's default when empty)
    // reporting `usage` on every answer.
    SessionRecord run_session(std::vector<ToolCall> calls, std::string model = {},
                              nlohmann::json usage = nlohmann::json::object()) {
        SessionPlan plan;
        plan.calls = std::move(calls);
        plan.model = std::move(model);
        plan.usage = std::move(usage);
        SessionRecord record =
            session_.run(install_claude().executable, plan, session_cgroup_->procs_file(),
                         limit_->directory() + "/pids.current");
        EXPECT_EQ(record.failure, "") << record.summary();
        return record;
    }

    // The session stood where the test meant it to while the hooks ran: every request the mock
    // saw, plus the hook's own tasks and a launch's cost, lies in [low, high) tasks. Guards
    // every assertion below against passing at the wrong level.
    void expect_level(const SessionRecord& record, int low, int high) const {
        const auto seen = record.pids_seen();
        ASSERT_THAT(seen, Not(IsEmpty())) << record.summary();
        for (const std::uint64_t tasks : seen) {
            EXPECT_GE(static_cast<int>(tasks) + kHookTasks, low) << "pids.current " << tasks;
            EXPECT_LT(static_cast<int>(tasks) + kHookTasks + 1, high) << "pids.current " << tasks;
        }
    }

    // pids.events of agents: how often the kernel refused a fork or clone for its limit.
    std::uint64_t refused_tasks() const {
        std::ifstream in(limit_->directory() + "/pids.events");
        std::string key;
        std::uint64_t count = 0;
        while (in >> key >> count)
            if (key == "max") return count;
        ADD_FAILURE() << "no 'max' line in " << limit_->directory() << "/pids.events";
        return 0;
    }

    std::string marker_command(std::string_view name) const {
        return "touch '" + session_.marker(name) + "'";
    }

    // The reason or warning names spawngate and the limit that decided.
    auto names_the_budget() const {
        return AllOf(HasSubstr("spawngate"), HasSubstr(limit_->path()));
    }

    ClaudeSession session_{SPAWNGATE_SOURCE_DIR, SPAWNGATE_PATH};
    const integration::ScopedPidsCgroup* limit_ = nullptr;
    const integration::ScopedPidsCgroup* filler_ = nullptr;
    const integration::ScopedPidsCgroup* session_cgroup_ = nullptr;
};

ToolCall bash(std::string command, bool in_background = false) {
    nlohmann::json input = {{"command", std::move(command)}, {"description", "Run a command"}};
    if (in_background) input["run_in_background"] = true;
    return {"Bash", input};
}

// As the model writes it: no run_in_background (this version runs agents in the background by
// default, and its hook input then has no such field).
ToolCall agent_launch() {
    return {
        "Agent",
        {{"description", "Survey the tests"},
         {"prompt", std::string(kSubagentPromptMark) + ": list every test that touches cgroups."},
         {"subagent_type", "general-purpose"}}};
}

// A workflow that starts one subagent; the tool itself says workflows "can spawn dozens".
ToolCall workflow_launch() {
    return {"Workflow",
            {{"script",
              "export const meta = { name: \"survey\", description: \"Survey\", "
              "phases: [] }\nawait agent(\"" +
                  std::string(kSubagentPromptMark) + ": list the tests\")\n"}}};
}

// Above the block level, the issue asks for a description of the state rather than a verdict:
// "the budget is at N %, and new launches will be blocked".
auto describes_the_state() {
    return AllOf(ContainsRegex("[0-9]+(\\.[0-9]+)? ?%"), HasSubstr("will be blocked"),
                 Not(HasSubstr("blocked:")), Not(HasSubstr("not blocked")));
}

std::string system_message(const HookRun& run) {
    const nlohmann::json answer = nlohmann::json::parse(run.stdout_text, nullptr, false);
    if (!answer.is_object()) return {};
    return answer.value("systemMessage", "");
}

TEST_F(ClaudeCodeInRealPidsCgroup, SubagentLaunchBelowTheWarnLevelRunsAndTellsTheModelNothing) {
    ASSERT_TRUE(fill_to(kBelowWarn));

    const SessionRecord record = run_session({agent_launch()});

    expect_level(record, 0, 700);
    EXPECT_TRUE(record.subagent_started()) << record.summary();
    const auto outcome = record.outcome(0);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_FALSE(outcome->is_error) << outcome->result;
    EXPECT_THAT(outcome->result + outcome->context_after,
                AllOf(Not(HasSubstr("spawngate:")), Not(HasSubstr(limit_->path()))));
    EXPECT_EQ(refused_tasks(), 0u);
}

TEST_F(ClaudeCodeInRealPidsCgroup, SubagentLaunchAtTheWarnLevelRunsAndTheWarningReachesTheModel) {
    ASSERT_TRUE(fill_to(kBetweenWarnAndBlock));

    const SessionRecord record = run_session({agent_launch()});

    expect_level(record, 700, 850);
    EXPECT_TRUE(record.subagent_started()) << record.summary();
    const auto outcome = record.outcome(0);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_FALSE(outcome->is_error) << outcome->result;
    EXPECT_THAT(outcome->result + outcome->context_after, names_the_budget()) << record.summary();
    EXPECT_EQ(refused_tasks(), 0u);
}

TEST_F(ClaudeCodeInRealPidsCgroup, SubagentLaunchAboveTheBlockLevelIsBlockedAndTheModelReadsWhy) {
    ASSERT_TRUE(fill_to(kAboveBlock));

    const SessionRecord record = run_session({agent_launch()});

    expect_level(record, 850, static_cast<int>(kPidsMax));
    EXPECT_FALSE(record.subagent_started()) << record.summary();
    const auto outcome = record.outcome(0);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_TRUE(outcome->is_error);
    EXPECT_THAT(outcome->result, names_the_budget()) << record.summary();
    EXPECT_EQ(refused_tasks(), 0u);
}

TEST_F(ClaudeCodeInRealPidsCgroup, HooksInstalledBySpawngateSetupFire) {
    ASSERT_EQ(session_.install_hooks_with_setup(SPAWNGATE_PATH), "");
    ASSERT_TRUE(fill_to(kAboveBlock));

    const SessionRecord record = run_session({agent_launch()});

    EXPECT_FALSE(record.subagent_started()) << record.summary();
    const auto outcome = record.outcome(0);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_TRUE(outcome->is_error);
    EXPECT_THAT(outcome->result, names_the_budget()) << record.summary();
}

// Workflow (in this version's tool list) starts subagents in the background, like Agent.
TEST_F(ClaudeCodeInRealPidsCgroup, WorkflowLaunchAboveTheBlockLevelIsBlockedAndTheModelReadsWhy) {
    ASSERT_TRUE(fill_to(kAboveBlock));

    const SessionRecord record = run_session({workflow_launch()});

    expect_level(record, 850, static_cast<int>(kPidsMax));
    EXPECT_EQ(record.hook_runs("PreToolUse:Workflow").size(), 1u)
        << "no PreToolUse hook ran for Workflow: the snippet's matcher must name it";
    EXPECT_FALSE(record.subagent_started()) << record.summary();
    const auto outcome = record.outcome(0);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_TRUE(outcome->is_error) << outcome->result;
    EXPECT_THAT(outcome->result, names_the_budget()) << record.summary();
    EXPECT_EQ(refused_tasks(), 0u);
}

TEST_F(ClaudeCodeInRealPidsCgroup, BackgroundShellAboveTheBlockLevelIsBlockedAndTheModelReadsWhy) {
    ASSERT_TRUE(fill_to(kAboveBlock));

    const SessionRecord record =
        run_session({bash(marker_command("background-ran"), /*in_background=*/true)});

    expect_level(record, 850, static_cast<int>(kPidsMax));
    EXPECT_FALSE(session_.exists("background-ran"));
    const auto outcome = record.outcome(0);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_TRUE(outcome->is_error);
    EXPECT_THAT(outcome->result, names_the_budget()) << record.summary();
    EXPECT_EQ(refused_tasks(), 0u);
}

TEST_F(ClaudeCodeInRealPidsCgroup, BackgroundShellAtTheWarnLevelRunsAndTheWarningReachesTheModel) {
    ASSERT_TRUE(fill_to(kBetweenWarnAndBlock));

    const SessionRecord record =
        run_session({bash(marker_command("background-ran"), /*in_background=*/true)});

    expect_level(record, 700, 850);
    EXPECT_TRUE(session_.exists("background-ran")) << record.summary();
    const auto outcome = record.outcome(0);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_FALSE(outcome->is_error) << outcome->result;
    EXPECT_THAT(outcome->result + outcome->context_after, names_the_budget()) << record.summary();
    EXPECT_EQ(refused_tasks(), 0u);
}

TEST_F(ClaudeCodeInRealPidsCgroup, ForegroundShellAboveTheBlockLevelRuns) {
    ASSERT_TRUE(fill_to(kAboveBlock));

    const SessionRecord record = run_session({bash(marker_command("foreground-ran"))});

    expect_level(record, 850, static_cast<int>(kPidsMax));
    EXPECT_TRUE(session_.exists("foreground-ran")) << record.summary();
    const auto outcome = record.outcome(0);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_FALSE(outcome->is_error) << outcome->result;
    EXPECT_EQ(refused_tasks(), 0u);
}

// What an operator (or the model, following the guidance) runs to recover a full budget.
TEST_F(ClaudeCodeInRealPidsCgroup, RecoveryCommandsAboveTheBlockLevelRun) {
    ASSERT_TRUE(fill_to(kAboveBlock));
    // The reaper's lock, heartbeat, state and log in the session directory: a dry run on this
    // machine must leave /run and /var/log alone.
    const std::string reaper = std::string(SPAWNREAPER_PATH) + " --once --dry-run --lock '" +
                               session_.marker("reaper.lock") +
                               "' --log '' --heartbeat '' --state ''";

    const SessionRecord record =
        run_session({bash(reaper + "; echo $? > '" + session_.marker("reaper-exit") + "'"),
                     bash("kill -0 $$ && " + marker_command("kill-ran"))});

    expect_level(record, 850, static_cast<int>(kPidsMax));
    EXPECT_EQ(session_.read("reaper-exit"), "0\n") << record.summary();
    EXPECT_TRUE(session_.exists("kill-ran")) << record.summary();
    EXPECT_EQ(refused_tasks(), 0u);
}

TEST_F(ClaudeCodeInRealPidsCgroup,
       PreToolUseMessageForAForegroundShellAboveTheBlockLevelDescribesTheState) {
    ASSERT_TRUE(fill_to(kAboveBlock));

    const SessionRecord record = run_session({bash(marker_command("foreground-ran"))});

    expect_level(record, 850, static_cast<int>(kPidsMax));
    const auto runs = record.hook_runs("PreToolUse:Bash");
    ASSERT_EQ(runs.size(), 1u) << record.summary();
    EXPECT_EQ(runs[0].exit_code, 0);
    EXPECT_THAT(system_message(runs[0]), AllOf(names_the_budget(), describes_the_state()))
        << "stdout: " << runs[0].stdout_text;
    EXPECT_EQ(refused_tasks(), 0u);
}

TEST_F(ClaudeCodeInRealPidsCgroup, TextAfterACallThatRanAboveTheBlockLevelDescribesTheState) {
    ASSERT_TRUE(fill_to(kAboveBlock));

    const SessionRecord record = run_session({bash(marker_command("foreground-ran"))});

    expect_level(record, 850, static_cast<int>(kPidsMax));
    const auto outcome = record.outcome(0);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_THAT(outcome->context_after, AllOf(names_the_budget(), describes_the_state()))
        << record.summary();
    EXPECT_EQ(refused_tasks(), 0u);
}

TEST_F(ClaudeCodeInRealPidsCgroup, PostToolUseWarningReachesTheModel) {
    ASSERT_TRUE(fill_to(kBetweenWarnAndBlock));

    const SessionRecord record = run_session({bash(marker_command("foreground-ran"))});

    expect_level(record, 700, 850);
    EXPECT_TRUE(session_.exists("foreground-ran"));
    const auto outcome = record.outcome(0);
    ASSERT_TRUE(outcome) << record.summary();
    // Claude Code puts a PostToolUse hook's additionalContext after the tool_result.
    EXPECT_THAT(outcome->context_after,
                AllOf(HasSubstr("PostToolUse:Bash hook additional context: "), names_the_budget()))
        << record.summary();
    EXPECT_EQ(refused_tasks(), 0u);
}

// The context budget. --model NAME[1m] selects the 1M window (the CLI sends NAME with the
// context-1m beta; the transcript's assistant messages record NAME without the suffix).
//
// The launch is the session's second call: when PreToolUse runs, the transcript may not hold
// the current turn's assistant message yet (measured: absent in 4 of 6 runs), so in a first
// turn the gate could find no usage at all and these tests would pass for the wrong reason. A
// first harmless call puts a turn with the same usage in the transcript.
std::vector<ToolCall> launch_after_one_turn() {
    return {bash("true"), agent_launch()};
}

TEST_F(ClaudeCodeInRealPidsCgroup, SubagentLaunchAt170kTokensInA1MWindowRuns) {
    ASSERT_TRUE(fill_to(kBelowWarn));

    const SessionRecord record =
        run_session(launch_after_one_turn(), "claude-sonnet-4-5[1m]", kUsageAt170k);

    expect_level(record, 0, 700);
    EXPECT_TRUE(record.subagent_started()) << record.summary();
    const auto outcome = record.outcome(1);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_FALSE(outcome->is_error) << outcome->result;
    EXPECT_EQ(refused_tasks(), 0u);
}

// This version's default model (claude-opus-5-5) has a 1M window without any suffix: the CLI
// reports contextWindow 1000000 for it.
TEST_F(ClaudeCodeInRealPidsCgroup, SubagentLaunchAt170kTokensWithTheDefaultModelRuns) {
    ASSERT_TRUE(fill_to(kBelowWarn));

    const SessionRecord record = run_session(launch_after_one_turn(), "", kUsageAt170k);

    expect_level(record, 0, 700);
    EXPECT_TRUE(record.subagent_started()) << record.summary();
    const auto outcome = record.outcome(1);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_FALSE(outcome->is_error) << outcome->result;
    EXPECT_EQ(refused_tasks(), 0u);
}

// The control: the same session in a 200k window is at 85 % of it, above the 80 % block.
TEST_F(ClaudeCodeInRealPidsCgroup,
       SubagentLaunchAt170kTokensInA200kWindowIsBlockedAndTheModelReadsWhy) {
    ASSERT_TRUE(fill_to(kBelowWarn));

    const SessionRecord record =
        run_session(launch_after_one_turn(), "claude-sonnet-4-5", kUsageAt170k);

    expect_level(record, 0, 700);
    EXPECT_FALSE(record.subagent_started()) << record.summary();
    const auto outcome = record.outcome(1);
    ASSERT_TRUE(outcome) << record.summary();
    EXPECT_TRUE(outcome->is_error);
    EXPECT_THAT(outcome->result,
                AllOf(HasSubstr("spawngate"), HasSubstr("context"), ContainsRegex("170[,. ]?000")))
        << record.summary();
    EXPECT_EQ(refused_tasks(), 0u);
}

// Claude Code always sends well-formed JSON, so bad input cannot come from the CLI: the
// snippet's command is fed malformed input directly, run the way Claude Code runs it
// (/bin/sh -c COMMAND, measured) in the session cgroup above the block level.
TEST_F(ClaudeCodeInRealPidsCgroup, MalformedHookInputIsLetThroughWithAWarning) {
    ASSERT_TRUE(fill_to(kAboveBlock));
    const std::string command = session_.hook_command("PreToolUse");
    ASSERT_THAT(command, HasSubstr(SPAWNGATE_PATH));

    const integration::GateRun run = integration::run_gate_in(
        *session_cgroup_, "/bin/sh",
        {"-c", "SPAWNGATE_CONFIG='" + session_.gate_config() + "' " + command},
        R"({"session_id":"s","hook_event_name":"PreToolUse","tool_name":"Agent","tool_input":)");

    EXPECT_EQ(run.failure, "");
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_THAT(system_message({"PreToolUse:Agent", run.exit_code, run.stdout_text, {}}),
                HasSubstr("cannot judge"))
        << "stdout: " << run.stdout_text;
    EXPECT_EQ(refused_tasks(), 0u);
}

}  // namespace
}  // namespace spawngate::conformance
