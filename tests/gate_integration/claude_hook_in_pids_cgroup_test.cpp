// `spawngate --hook claude` as Claude Code runs it: a PreToolUse JSON document on stdin, the
// gate's process inside a real, filling pids cgroup. Blocks answer exit 2 with the reason on
// stderr (Claude Code hands stderr to the model); warnings answer exit 0 with a systemMessage on
// stdout. Counting: N sleepers plus the launch's cost of 1; the gate's own task ends before the
// launch starts and is not charged to it (gate/hooks/hook_runner.hpp).

#include <string>
#include <string_view>

#include "pids_cgroup_fixture.hpp"

namespace spawngate::integration {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A session transcript as Claude Code writes it (JSON lines); the latest assistant turn used
// about 20k tokens of context, far from any context limit, so only the pids budget decides.
constexpr std::string_view kTranscript =
    R"({"type":"user","isSidechain":false,"message":{"role":"user","content":"Survey the tests"}})"
    "\n"
    R"({"type":"assistant","isSidechain":false,"message":{"role":"assistant",)"
    R"("content":[{"type":"text","text":"Launching a subagent."}],"usage":{"input_tokens":12,)"
    R"("cache_creation_input_tokens":1800,"cache_read_input_tokens":18000,"output_tokens":250}}})"
    "\n";

class ClaudeHookInRealPidsCgroup : public GateInRealPidsCgroup {
  protected:
    void SetUp() override {
        GateInRealPidsCgroup::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        ASSERT_FALSE(transcript_.path().empty()) << "cannot write a transcript in /tmp";
    }

    std::string pre_tool_use(const std::string& tool_name, const std::string& tool_input) const {
        return R"({"session_id":"5f1c2d7e-0b4a-4e59-9d1c-2a7b3e8f6c10","transcript_path":")" +
               transcript_.path() +
               R"(","cwd":"/work/main","permission_mode":"default",)"
               R"("hook_event_name":"PreToolUse","tool_name":")" +
               tool_name + R"(","tool_input":)" + tool_input + "}";
    }

    std::string agent_launch() const {
        return pre_tool_use("Agent", R"({"description":"Survey the gate's tests",)"
                                     R"("prompt":"List every test that touches cgroups.",)"
                                     R"("subagent_type":"general-purpose"})");
    }

    std::string bash_command(bool in_background) const {
        return pre_tool_use("Bash", std::string(R"({"command":"make -j2 check",)") +
                                        R"("description":"Build","run_in_background":)" +
                                        (in_background ? "true" : "false") + "}");
    }

  private:
    ScopedTempFile transcript_{kTranscript};
};

// The systemMessage of a hook answer on stdout, or "" when there is none.
std::string system_message(const std::string& stdout_text) {
    const nlohmann::json answer = nlohmann::json::parse(stdout_text, nullptr, false);
    if (answer.is_discarded() || !answer.is_object()) return {};
    return answer.value("systemMessage", "");
}

TEST_F(ClaudeHookInRealPidsCgroup, AllowsAnAgentLaunchSilentlyBelowTheWarnLevel) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    ASSERT_TRUE(add_sleepers(*work, 12));  // 12 + 1 of 20 = 65 %

    const GateRun run = run_gate(*work, {"--hook", "claude"}, agent_launch());

    EXPECT_EQ(run.exit_code, 0);
    EXPECT_EQ(run.stdout_text, "");
    EXPECT_EQ(run.stderr_text, "");
}

TEST_F(ClaudeHookInRealPidsCgroup, WarnsAnAgentLaunchWithASystemMessageOnStdout) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    ASSERT_TRUE(add_sleepers(*work, 13));  // 13 + 1 of 20 = 70 %

    const GateRun run = run_gate(*work, {"--hook", "claude"}, agent_launch());

    EXPECT_EQ(run.exit_code, 0);
    const nlohmann::json answer = nlohmann::json::parse(run.stdout_text, nullptr, false);
    ASSERT_TRUE(answer.is_object()) << "stdout: " << run.stdout_text;
    EXPECT_FALSE(answer["hookSpecificOutput"].contains("permissionDecision"))
        << "a warning must not deny: " << answer;
    EXPECT_EQ(answer["hookSpecificOutput"]["additionalContext"], answer["systemMessage"])
        << "the model hears of it too";
    EXPECT_THAT(answer.value("systemMessage", ""),
                StartsWith("spawngate: warning: pids limit of cgroup " + work->path()));
    EXPECT_THAT(answer.value("systemMessage", ""), HasSubstr("13 + 1 of 20 tasks, 70.0%"));
    EXPECT_EQ(run.stderr_text, "");
}

TEST_F(ClaudeHookInRealPidsCgroup, BlocksAnAgentLaunchWithExitTwoAndGuidanceOnStderr) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    ASSERT_TRUE(add_sleepers(*work, 16));  // 16 + 1 of 20 = 85 %

    const GateRun run = run_gate(*work, {"--hook", "claude"}, agent_launch());

    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.stderr_text,
                StartsWith("spawngate: blocked: pids limit of cgroup " + work->path()));
    EXPECT_THAT(run.stderr_text, HasSubstr("16 + 1 of 20 tasks, 85.0%"));
    EXPECT_THAT(run.stderr_text, HasSubstr("what to do:"));
    EXPECT_EQ(run.stdout_text, "");
}

TEST_F(ClaudeHookInRealPidsCgroup, BlocksALaunchUnderTheFormerToolNameTask) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    ASSERT_TRUE(add_sleepers(*work, 16));

    const GateRun run = run_gate(*work, {"--hook", "claude"},
                                 pre_tool_use("Task", R"({"description":"d","prompt":"p"})"));

    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.stderr_text, StartsWith("spawngate: blocked: "));
}

TEST_F(ClaudeHookInRealPidsCgroup, BlocksABackgroundBashLaunch) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    ASSERT_TRUE(add_sleepers(*work, 16));

    const GateRun run = run_gate(*work, {"--hook", "claude"}, bash_command(true));

    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.stderr_text, StartsWith("spawngate: blocked: "));
}

TEST_F(ClaudeHookInRealPidsCgroup, LetsAForegroundBashCommandThroughAtTheBlockLevel) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    // Not a launch, so no cost: 17 of 20 = 85 %, the block level.
    ASSERT_TRUE(add_sleepers(*work, 17));

    const GateRun run = run_gate(*work, {"--hook", "claude"}, bash_command(false));

    EXPECT_EQ(run.exit_code, 0);
    // Not blocked, so not told it was: the budget's state and what it means for launches.
    EXPECT_THAT(system_message(run.stdout_text), StartsWith("spawngate: pids limit of cgroup "))
        << "stdout: " << run.stdout_text;
    EXPECT_THAT(system_message(run.stdout_text), HasSubstr("new launches"));
    EXPECT_EQ(run.stderr_text, "");
}

TEST_F(ClaudeHookInRealPidsCgroup, BlocksOnATighterParentLimitAndNamesTheParent) {
    const ScopedPidsCgroup* parent = make_cgroup("parent", 10);
    ASSERT_TRUE(parent);
    const ScopedPidsCgroup* child = make_cgroup("child", 20, parent);
    ASSERT_TRUE(child);
    ASSERT_TRUE(add_sleepers(*child, 8));  // parent 8 + 1 of 10 = 90 %, child 45 %

    const GateRun run = run_gate(*child, {"--hook", "claude"}, agent_launch());

    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.stderr_text,
                StartsWith("spawngate: blocked: pids limit of cgroup " + parent->path() +
                           " (pids.max in " + parent->directory() + "): 8 + 1 of 10 tasks"));
}

}  // namespace
}  // namespace spawngate::integration
