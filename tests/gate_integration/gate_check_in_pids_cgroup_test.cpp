// The built spawngate executable, run inside real pids cgroups filled with real processes: the
// plain interface (exit code and stderr) and --json. Counting convention in every test: the
// gate's own process is one task of the cgroup while it measures, and a launch costs 1 by
// default, so N sleepers are judged as (N + 1) + 1 tasks.

#include <string>

#include "pids_cgroup_fixture.hpp"

namespace spawngate::integration {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string limit_of(const ScopedPidsCgroup& cgroup) {
    return "pids limit of cgroup " + cgroup.path() + " (pids.max in " + cgroup.directory() + ")";
}

// The judged limit named `name` in the gate's --json "limits" array, or null.
nlohmann::json limit_named(const nlohmann::json& report, const std::string& name) {
    for (const auto& limit : report.value("limits", nlohmann::json::array()))
        if (limit.value("name", "") == name) return limit;
    return nullptr;
}

TEST_F(GateInRealPidsCgroup, AllowsSilentlyBelowTheWarnLevel) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    ASSERT_TRUE(add_sleepers(*work, 11));  // 12 tasks with the gate, 13 of 20 = 65 %

    const GateRun run = run_gate(*work, {});

    EXPECT_EQ(run.exit_code, 0);
    EXPECT_EQ(run.stderr_text, "");
    EXPECT_EQ(run.stdout_text, "");
}

TEST_F(GateInRealPidsCgroup, WarnsWithOneStderrLineAtSeventyPercent) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    ASSERT_TRUE(add_sleepers(*work, 12));  // 13 tasks with the gate, 14 of 20 = 70 %

    const GateRun run = run_gate(*work, {});

    EXPECT_EQ(run.exit_code, 0);
    EXPECT_THAT(run.stderr_text, StartsWith("spawngate: warning: " + limit_of(*work) +
                                            ": 13 + 1 of 20 tasks, 70.0%"));
    EXPECT_EQ(run.stderr_text.find('\n'), run.stderr_text.size() - 1) << "one line only";
    EXPECT_EQ(run.stdout_text, "");
}

TEST_F(GateInRealPidsCgroup, BlocksWithGuidanceAtEightyFivePercent) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    ASSERT_TRUE(add_sleepers(*work, 15));  // 16 tasks with the gate, 17 of 20 = 85 %

    const GateRun run = run_gate(*work, {});

    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.stderr_text, StartsWith("spawngate: blocked: " + limit_of(*work) +
                                            ": 16 + 1 of 20 tasks, 85.0%"));
    EXPECT_THAT(run.stderr_text, HasSubstr("spawnreaper --once"));
    EXPECT_THAT(run.stderr_text,
                HasSubstr("write a larger number to " + work->directory() + "/pids.max"));
    EXPECT_EQ(run.stdout_text, "");
}

TEST_F(GateInRealPidsCgroup, CostPushesAWarningIntoABlock) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    ASSERT_TRUE(add_sleepers(*work, 12));  // 13 tasks with the gate

    const GateRun default_cost = run_gate(*work, {});               // 13 + 1 of 20 = 70 %
    const GateRun cost_of_four = run_gate(*work, {"--cost", "4"});  // 13 + 4 of 20 = 85 %

    EXPECT_EQ(default_cost.exit_code, 0);
    EXPECT_THAT(default_cost.stderr_text, StartsWith("spawngate: warning: "));
    EXPECT_EQ(cost_of_four.exit_code, 2);
    EXPECT_THAT(cost_of_four.stderr_text, StartsWith("spawngate: blocked: " + limit_of(*work) +
                                                     ": 13 + 4 of 20 tasks, 85.0%"));
}

TEST_F(GateInRealPidsCgroup, JsonVerdictFollowsTheTaskCountFromAllowToWarnToBlock) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    struct Step {
        int sleepers_added;
        std::uint64_t tasks_seen;  // sleepers so far plus the gate itself
        const char* verdict;
        int exit_code;
        double percent;
    };
    for (const Step& step : {Step{11, 12, "allow", 0, 65.0}, Step{1, 13, "warn", 0, 70.0},
                             Step{3, 16, "block", 2, 85.0}}) {
        SCOPED_TRACE(step.verdict);
        ASSERT_TRUE(add_sleepers(*work, step.sleepers_added));

        const GateRun run = run_gate(*work, {"--json"});
        const nlohmann::json report = parse_json(run.stdout_text);
        ASSERT_TRUE(report.is_object()) << "stdout: " << run.stdout_text;

        EXPECT_EQ(run.exit_code, step.exit_code);
        EXPECT_EQ(report.value("verdict", ""), step.verdict);
        ASSERT_TRUE(report.contains("deciding") && report["deciding"].is_object()) << report;
        EXPECT_EQ(report["deciding"].value("kind", ""), "cgroup-pids");
        EXPECT_EQ(report["deciding"].value("name", ""), work->path());
        EXPECT_NEAR(report["deciding"].value("percent", -1.0), step.percent, 0.01);
        const nlohmann::json limit = limit_named(report, work->path());
        ASSERT_TRUE(limit.is_object()) << report;
        EXPECT_EQ(limit.value("path", ""), work->directory());
        EXPECT_EQ(limit.value("current", 0u), step.tasks_seen);
        EXPECT_EQ(limit.value("added", 0u), 1u);
        EXPECT_EQ(limit.value("max", 0u), 20u);
        EXPECT_EQ(limit.value("level", ""), step.verdict);
        EXPECT_EQ(report.value("processes", 0u), step.tasks_seen);
        EXPECT_EQ(report.value("threads", 0u), step.tasks_seen);
    }
}

TEST_F(GateInRealPidsCgroup, JsonListsEveryLevelUpToTheMountRootWithoutProblems) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    ASSERT_TRUE(add_sleepers(*work, 3));

    const GateRun run = run_gate(*work, {"--json"});
    const nlohmann::json report = parse_json(run.stdout_text);
    ASSERT_TRUE(report.is_object()) << "stdout: " << run.stdout_text;

    ASSERT_TRUE(report.contains("levels") && report["levels"].size() == 3) << report;
    const nlohmann::json& levels = report["levels"];
    EXPECT_EQ(levels[0].value("cgroup", ""), work->path());
    EXPECT_EQ(levels[0].value("current", 0u), 4u);
    EXPECT_EQ(levels[0].value("max", 0u), 20u);
    // The test's top cgroup: counted, unlimited.
    EXPECT_EQ(levels[1].value("cgroup", ""), work->path().substr(0, work->path().rfind('/')));
    EXPECT_EQ(levels[1].value("current", 0u), 4u);
    EXPECT_TRUE(levels[1]["max"].is_null()) << levels[1];
    // The mount root has no pids.max at all on v1 (nor on v2): no limit, and not a problem.
    EXPECT_EQ(levels[2].value("cgroup", ""), "/");
    EXPECT_TRUE(levels[2]["max"].is_null()) << levels[2];
    EXPECT_EQ(report.value("problems", nlohmann::json::array()), nlohmann::json::array());
    EXPECT_EQ(report.value("unmeasured", true), false);
}

TEST_F(GateInRealPidsCgroup, ParentLimitTighterThanTheChildsBlocksAndNamesTheParent) {
    const ScopedPidsCgroup* parent = make_cgroup("parent", 10);
    ASSERT_TRUE(parent);
    const ScopedPidsCgroup* child = make_cgroup("child", 20, parent);
    ASSERT_TRUE(child);
    // 8 tasks with the gate: the child is at 9 of 20 (45 %), the parent at 9 of 10 (90 %).
    ASSERT_TRUE(add_sleepers(*child, 7));

    const GateRun run = run_gate(*child, {});

    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.stderr_text, StartsWith("spawngate: blocked: " + limit_of(*parent) +
                                            ": 8 + 1 of 10 tasks, 90.0%"));
    EXPECT_THAT(run.stderr_text,
                HasSubstr("write a larger number to " + parent->directory() + "/pids.max"));
    EXPECT_THAT(run.stderr_text, Not(HasSubstr(limit_of(*child))));
}

TEST_F(GateInRealPidsCgroup, JsonNamesTheTighterParentAsDecidingAndStillReportsTheChild) {
    const ScopedPidsCgroup* parent = make_cgroup("parent", 10);
    ASSERT_TRUE(parent);
    const ScopedPidsCgroup* child = make_cgroup("child", 20, parent);
    ASSERT_TRUE(child);
    ASSERT_TRUE(add_sleepers(*child, 7));

    const GateRun run = run_gate(*child, {"--json"});
    const nlohmann::json report = parse_json(run.stdout_text);
    ASSERT_TRUE(report.is_object()) << "stdout: " << run.stdout_text;

    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(report.value("verdict", ""), "block");
    ASSERT_TRUE(report.contains("deciding") && report["deciding"].is_object()) << report;
    EXPECT_EQ(report["deciding"].value("name", ""), parent->path());
    EXPECT_NEAR(report["deciding"].value("percent", -1.0), 90.0, 0.01);
    const nlohmann::json parent_limit = limit_named(report, parent->path());
    const nlohmann::json child_limit = limit_named(report, child->path());
    ASSERT_TRUE(parent_limit.is_object() && child_limit.is_object()) << report;
    EXPECT_EQ(parent_limit.value("current", 0u), 8u);
    EXPECT_EQ(parent_limit.value("max", 0u), 10u);
    EXPECT_EQ(parent_limit.value("level", ""), "block");
    EXPECT_EQ(child_limit.value("current", 0u), 8u);
    EXPECT_EQ(child_limit.value("max", 0u), 20u);
    EXPECT_EQ(child_limit.value("level", ""), "allow");
}

TEST_F(GateInRealPidsCgroup, SiblingTasksCountAgainstTheSharedParentsLimit) {
    const ScopedPidsCgroup* parent = make_cgroup("parent", 10);
    ASSERT_TRUE(parent);
    const ScopedPidsCgroup* gate_home = make_cgroup("gate", 20, parent);
    ASSERT_TRUE(gate_home);
    const ScopedPidsCgroup* sibling = make_cgroup("sibling", std::nullopt, parent);
    ASSERT_TRUE(sibling);
    // The gate's own cgroup holds only the gate (2 of 20); the parent holds 8 (9 of 10).
    ASSERT_TRUE(add_sleepers(*sibling, 7));

    const GateRun run = run_gate(*gate_home, {});

    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.stderr_text, StartsWith("spawngate: blocked: " + limit_of(*parent) +
                                            ": 8 + 1 of 10 tasks, 90.0%"));
}

TEST_F(GateInRealPidsCgroup, ThreadsOfOneProcessCountAgainstPidsCurrent) {
    const ScopedPidsCgroup* work = make_cgroup("work", 20);
    ASSERT_TRUE(work);
    // One process, 16 threads: 2 processes with the gate but 17 tasks, 18 of 20 = 90 %.
    ASSERT_TRUE(add_thread_holder(*work, 16));

    const GateRun run = run_gate(*work, {"--json"});
    const nlohmann::json report = parse_json(run.stdout_text);
    ASSERT_TRUE(report.is_object()) << "stdout: " << run.stdout_text;

    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(report.value("verdict", ""), "block");
    EXPECT_EQ(report.value("processes", 0u), 2u);
    EXPECT_EQ(report.value("threads", 0u), 17u);
    const nlohmann::json limit = limit_named(report, work->path());
    ASSERT_TRUE(limit.is_object()) << report;
    EXPECT_EQ(limit.value("current", 0u), 17u);
    EXPECT_THAT(run.stderr_text, HasSubstr("threads in this cgroup: 17 (each counts as a task)"));
}

}  // namespace
}  // namespace spawngate::integration
