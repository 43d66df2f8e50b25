// The worker cap (`--max-workers N --worker-pattern RE`) with real processes: workers are
// /bin/sleep processes whose argv reads "worker-<token> 600", started inside a real pids cgroup
// with plenty of room, so only the cap can decide. The token is unique to this test process, so
// no other process on the machine is ever counted.

#include <string>
#include <vector>

#include "marked_processes.hpp"
#include "pids_cgroup_fixture.hpp"

namespace spawngate::integration {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kRoomyLimit = 50;  // a few workers and the gate stay far below warn

// A transcript with a small recorded usage: an Agent launch also reads the context budget, and
// Claude Code always names a transcript.
constexpr std::string_view kTranscript =
    R"({"type":"assistant","message":{"role":"assistant","content":[],)"
    R"("usage":{"input_tokens":10,"cache_read_input_tokens":5000,"output_tokens":20}}})"
    "\n";

class WorkerCapInRealPidsCgroup : public GateInRealPidsCgroup {
  protected:
    void SetUp() override {
        GateInRealPidsCgroup::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        ASSERT_FALSE(transcript_.path().empty()) << "cannot write a transcript in /tmp";
    }

    // What a worker shows as its command line: unique to this test process and this test.
    std::string worker_name() const { return worker_name_; }
    // Anchored, so "worker-<token>" never matches "worker-<token>0" of another test.
    std::string worker_pattern() const { return "^" + worker_name_ + "( |$)"; }

    [[nodiscard]] bool add_workers(const ScopedPidsCgroup& cgroup, int count) {
        for (int i = 0; i < count; ++i) {
            const MarkedProcess worker = workers_.start(cgroup, {worker_name_, "600"});
            if (worker.pid < 0) {
                ADD_FAILURE() << worker.error;
                return false;
            }
        }
        return true;
    }

    // A cgroup with room for everything, holding `count` workers; null on failure.
    const ScopedPidsCgroup* roomy_cgroup_with_workers(int count) {
        const ScopedPidsCgroup* work = make_cgroup("work", kRoomyLimit);
        if (!work || !add_workers(*work, count)) return nullptr;
        return work;
    }

    std::vector<std::string> capped_at(int cap, std::vector<std::string> more = {}) const {
        std::vector<std::string> arguments{"--max-workers", std::to_string(cap), "--worker-pattern",
                                           worker_pattern()};
        arguments.insert(arguments.end(), more.begin(), more.end());
        return arguments;
    }

    std::string pre_tool_use(const std::string& tool_name, const std::string& tool_input) const {
        return R"({"session_id":"0c3a9d52-7d0e-4a61-8f0a-1b2c3d4e5f60","transcript_path":")" +
               transcript_.path() +
               R"(","cwd":"/work/main","hook_event_name":"PreToolUse","tool_name":")" + tool_name +
               R"(","tool_input":)" + tool_input + "}";
    }

    // The `workers` entry of the --json answer's limits, or null when there is none.
    static nlohmann::json workers_limit(const nlohmann::json& answer) {
        if (!answer.is_object() || !answer.contains("limits")) return nullptr;
        for (const auto& limit : answer["limits"])
            if (limit.value("kind", "") == "workers") return limit;
        return nullptr;
    }

    MarkedProcesses workers_;

  private:
    std::string worker_name_ = "worker-" + unique_cgroup_name("sgcap");
    ScopedTempFile transcript_{kTranscript};
};

TEST_F(WorkerCapInRealPidsCgroup, LaunchBelowTheCapIsAllowedSilently) {
    const ScopedPidsCgroup* work = roomy_cgroup_with_workers(2);
    ASSERT_TRUE(work);

    const GateRun run = run_gate(*work, capped_at(3));

    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_EQ(run.stderr_text, "");
}

TEST_F(WorkerCapInRealPidsCgroup, LaunchAtTheCapIsBlockedWithGuidanceNamingTheCapAndPattern) {
    const ScopedPidsCgroup* work = roomy_cgroup_with_workers(3);
    ASSERT_TRUE(work);

    const GateRun run = run_gate(*work, capped_at(3));

    EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
    EXPECT_THAT(run.stderr_text, HasSubstr("spawngate: blocked: worker cap: 3 workers"));
    EXPECT_THAT(run.stderr_text, HasSubstr("/" + worker_pattern() + "/"));
    EXPECT_THAT(run.stderr_text, HasSubstr("at most 3 may run at once"));
    EXPECT_THAT(run.stderr_text, HasSubstr("what to do"));
}

TEST_F(WorkerCapInRealPidsCgroup, JsonAnswerListsTheWorkersLimitWithCountCapAndPattern) {
    const ScopedPidsCgroup* work = roomy_cgroup_with_workers(2);
    ASSERT_TRUE(work);

    const GateRun run = run_gate(*work, capped_at(3, {"--json"}));

    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    const nlohmann::json answer = parse_json(run.stdout_text);
    ASSERT_TRUE(answer.is_object()) << run.stdout_text;
    EXPECT_EQ(answer["verdict"], "allow");
    const nlohmann::json workers = workers_limit(answer);
    ASSERT_TRUE(workers.is_object()) << "no workers limit in: " << run.stdout_text;
    EXPECT_EQ(workers["name"], worker_pattern());
    EXPECT_EQ(workers["current"], 2);
    EXPECT_EQ(workers["max"], 3);
    EXPECT_EQ(workers["level"], "allow");
}

TEST_F(WorkerCapInRealPidsCgroup, JsonAnswerAtTheCapNamesTheWorkerCapAsDeciding) {
    const ScopedPidsCgroup* work = roomy_cgroup_with_workers(3);
    ASSERT_TRUE(work);

    const GateRun run = run_gate(*work, capped_at(3, {"--json"}));

    EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
    const nlohmann::json answer = parse_json(run.stdout_text);
    ASSERT_TRUE(answer.is_object()) << run.stdout_text;
    EXPECT_EQ(answer["verdict"], "block");
    EXPECT_EQ(answer["deciding"]["kind"], "workers");
    const nlohmann::json workers = workers_limit(answer);
    ASSERT_TRUE(workers.is_object()) << run.stdout_text;
    EXPECT_EQ(workers["current"], 3);
    EXPECT_EQ(workers["level"], "block");
}

TEST_F(WorkerCapInRealPidsCgroup, TheGateIsNotCountedThoughItsOwnArgvMatchesThePattern) {
    const ScopedPidsCgroup* work = roomy_cgroup_with_workers(0);
    ASSERT_TRUE(work);
    // Unanchored: the gate's own command line ("... --worker-pattern worker-...") matches it.
    const GateRun run =
        run_gate(*work, {"--max-workers", "1", "--worker-pattern", worker_name(), "--json"});

    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    const nlohmann::json workers = workers_limit(parse_json(run.stdout_text));
    ASSERT_TRUE(workers.is_object()) << run.stdout_text;
    EXPECT_EQ(workers["current"], 0);
}

TEST_F(WorkerCapInRealPidsCgroup, WorkersInACgroupBelowTheCallersCountTowardsTheCap) {
    const ScopedPidsCgroup* work = make_cgroup("work", kRoomyLimit);
    ASSERT_TRUE(work);
    const ScopedPidsCgroup* tools = make_cgroup("tools", std::nullopt, work);
    ASSERT_TRUE(tools);
    ASSERT_TRUE(add_workers(*work, 1));
    ASSERT_TRUE(add_workers(*tools, 1));

    const GateRun run = run_gate(*work, capped_at(2));

    EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
    EXPECT_THAT(run.stderr_text, HasSubstr("worker cap: 2 workers"));
}

TEST_F(WorkerCapInRealPidsCgroup, WorkersOutsideTheCallersCgroupDoNotCount) {
    const ScopedPidsCgroup* work = roomy_cgroup_with_workers(1);
    ASSERT_TRUE(work);
    const ScopedPidsCgroup* elsewhere = make_cgroup("elsewhere", std::nullopt);
    ASSERT_TRUE(elsewhere);
    ASSERT_TRUE(add_workers(*elsewhere, 3));  // same token, a sibling cgroup

    const GateRun run = run_gate(*work, capped_at(2, {"--json"}));

    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    const nlohmann::json workers = workers_limit(parse_json(run.stdout_text));
    ASSERT_TRUE(workers.is_object()) << run.stdout_text;
    EXPECT_EQ(workers["current"], 1);
}

TEST_F(WorkerCapInRealPidsCgroup, ClaudeAgentLaunchAtTheCapIsBlockedWithTheReasonOnStderr) {
    const ScopedPidsCgroup* work = roomy_cgroup_with_workers(2);
    ASSERT_TRUE(work);
    const std::string agent =
        pre_tool_use("Agent", R"({"description":"Review","prompt":"Review the diff.",)"
                              R"("subagent_type":"general-purpose"})");

    const GateRun run = run_gate(*work, capped_at(2, {"--hook", "claude"}), agent);

    EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
    EXPECT_THAT(run.stderr_text, HasSubstr("worker cap: 2 workers"));
    EXPECT_THAT(run.stderr_text, HasSubstr("/" + worker_pattern() + "/"));
}

TEST_F(WorkerCapInRealPidsCgroup, ClaudeForegroundBashAtTheCapIsNeverBlocked) {
    const ScopedPidsCgroup* work = roomy_cgroup_with_workers(2);
    ASSERT_TRUE(work);
    // The command that frees a worker slot must still run when the cap is reached.
    const std::string bash =
        pre_tool_use("Bash", R"({"command":"pkill -f worker","description":"Stop a worker"})");

    const GateRun run = run_gate(*work, capped_at(2, {"--hook", "claude"}), bash);

    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_THAT(run.stderr_text, ::testing::Not(HasSubstr("worker cap")));
}

TEST_F(WorkerCapInRealPidsCgroup, ClaudeBackgroundBashAtTheCapIsBlockedAsALaunch) {
    const ScopedPidsCgroup* work = roomy_cgroup_with_workers(2);
    ASSERT_TRUE(work);
    const std::string background = pre_tool_use(
        "Bash",
        R"({"command":"./start-worker.sh","description":"Start","run_in_background":true})");

    const GateRun run = run_gate(*work, capped_at(2, {"--hook", "claude"}), background);

    EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
    EXPECT_THAT(run.stderr_text, HasSubstr("worker cap"));
}

}  // namespace
}  // namespace spawngate::integration
