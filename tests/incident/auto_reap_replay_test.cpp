// The 200/200 incident, second scenario (issue 4 section 6, field report 003): stale deploy
// processes that were never reaped after their deploy hold the budget at the block level, and the
// next agent launch (`spawngate --cost 25 --reserve`) is refused. With `--auto-reap` the gate runs
// one reaper cycle in its own process with the shipped `stale-deploy` rule (narrowed to this
// test's deploy directory and a 1 s age), ends the stale deploys, logs each one, measures again
// and admits the launch, and the agent then creates its 25 tasks without a single refused fork.
// Root only; skips with the reason elsewhere.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "burst_agents.hpp"
#include "child_processes.hpp"
#include "marked_processes.hpp"
#include "pids_budget.hpp"
#include "scoped_pids_cgroup.hpp"
#include "scoped_temp_dir.hpp"
#include "text_parse.hpp"

namespace spawngate::incident {
namespace {

using integration::ChildProcesses;
using integration::MarkedProcesses;
using integration::ScopedPidsCgroup;
using integration::ScopedTempDir;

constexpr std::int64_t kContainerLimit = 200;
constexpr int kLongLivedTasks = 120;  // 60 %: agents and services that are meant to run
// 120 + 30 stale + the launcher + the gate + 25 = 177 of 200, 88.5 %: blocked. Without the stale
// deploys: 147 of 200, 73.5 %: admitted (with a warning).
constexpr int kStaleDeploys = 30;
constexpr int kLaunchCost = 25;
// The rule's age limit is 1 s (the shipped rule says 120 s): the deploys must be older.
constexpr auto kStaleAfter = std::chrono::milliseconds(1300);

// The "max" counter of pids.events: forks refused at this cgroup's limit since it was created.
std::optional<std::uint64_t> refused_forks(const ScopedPidsCgroup& cgroup) {
    return read_pids_history(Root{"/"}, cgroup.directory()).max_events;
}

// The first percentage on the gate's line that starts with `prefix`, e.g. "88.5%"; "?" if none.
std::string percent_on_line(const std::string& gate_stderr, const std::string& prefix) {
    std::istringstream lines(gate_stderr);
    static const std::regex percent("[0-9]+\\.[0-9]%");
    for (std::string line; std::getline(lines, line);) {
        std::smatch found;
        if (line.starts_with(prefix) && std::regex_search(line, found, percent)) return found.str();
    }
    return "?";
}

class IncidentReplayAutoReap : public ::testing::Test {
  protected:
    void SetUp() override {
        if (const std::string why = integration::pids_cgroups_unavailable(); !why.empty())
            GTEST_SKIP() << "needs a writable pids cgroup hierarchy: " << why;
        ASSERT_FALSE(dir_.path().empty()) << "cannot create a temporary directory in /tmp";
        auto created = integration::create_pids_cgroup(
            integration::unique_cgroup_name("spawngate-incident"), kContainerLimit);
        ASSERT_TRUE(created.cgroup) << created.error;
        container_ = std::move(created.cgroup);
        for (int i = 0; i < kLongLivedTasks / 10; ++i)
            ASSERT_EQ(long_lived_.add_thread_holder(*container_, 10), "");
        ASSERT_EQ(container_->wait_for_pids_current(kLongLivedTasks),
                  std::optional<std::uint64_t>(kLongLivedTasks));
        ASSERT_NO_FATAL_FAILURE(start_stale_deploys());
        ASSERT_TRUE(dir_.write("spawngate.toml", ""));  // the machine's /etc cannot move the levels
        ASSERT_NO_FATAL_FAILURE(write_reaper_config());
    }

    void TearDown() override {
        burst_.stop_all();
        deploys_.kill_all();
        long_lived_.kill_all();
        container_.reset();
    }

    // Deploy runs that finished long ago but whose tool never exited: /bin/sleep started through
    // a symlink named `deploy` (so its process name is "deploy") as "<dir>/releases/deploy 600".
    void start_stale_deploys() {
        ASSERT_EQ(::mkdir(dir_.file("releases").c_str(), 0755), 0);
        ASSERT_EQ(::symlink("/bin/sleep", deploy_tool().c_str()), 0);
        for (int i = 0; i < kStaleDeploys; ++i) {
            const integration::MarkedProcess deploy =
                deploys_.start(*container_, {deploy_tool(), "600"}, false, deploy_tool());
            ASSERT_GT(deploy.pid, 0) << deploy.error;
            stale_.push_back(deploy.pid);
        }
        const auto expected = static_cast<std::uint64_t>(kLongLivedTasks + kStaleDeploys);
        ASSERT_EQ(container_->wait_for_pids_current(expected), expected);
        std::this_thread::sleep_for(kStaleAfter);
    }
    std::string deploy_tool() const { return dir_.file("releases/deploy"); }

    // The shipped stale-deploy rule (reaper/reaper.toml): its process_name as shipped; its cmdline
    // alternative for a deploy tool run directly, with the path narrowed to this test's releases
    // directory; 1 s instead of 120 s; scoped to the container; TERM, 10 s grace, descendants.
    void write_reaper_config() {
        const std::string config =
            "[[rule]]\n"
            "name = \"stale-deploy\"\n"
            "process_name = '^(deploy.*|kamal|cap|ansible-playboo|deployer|(ba|da|z)?sh|"
            "python[0-9.]*|ruby[0-9.]*|node|bun|perl)$'\n"
            "cmdline = '^" +
            dir_.file("releases") +
            "/(deploy(\\.sh)?|kamal|cap|ansible-playbook|deployer)( |$)'\n"
            "older_than = \"1s\"\n"
            "cgroup = \"" +
            container_->path() +
            "\"\n"
            "descendants = true\n"
            "signal = \"TERM\"\n"
            "grace = \"10s\"\n";
        ASSERT_TRUE(dir_.write("reaper.toml", config));
    }

    // One agent launched through the gate with `--cost 25 --reserve` (and `more`).
    AgentReport launch_one_agent(const std::vector<std::string>& more) {
        BurstOptions options;
        options.agents = 1;
        options.tasks_per_agent = kLaunchCost;
        options.gate_path = SPAWNGATE_PATH;
        options.gate_arguments = {"--cost",
                                  std::to_string(kLaunchCost),
                                  "--reserve",
                                  "--config",
                                  dir_.file("spawngate.toml"),
                                  "--state-dir",
                                  dir_.file("ledger"),
                                  "--reaper-heartbeat",
                                  dir_.file("no-heartbeat")};
        options.gate_arguments.insert(options.gate_arguments.end(), more.begin(), more.end());
        const std::vector<AgentReport> reports = burst_.launch(*container_, options);
        return reports.empty() ? AgentReport{} : reports.front();
    }

    std::vector<std::string> auto_reap() const {
        return {"--auto-reap",
                "--reaper-config",
                dir_.file("reaper.toml"),
                "--reaper-log",
                dir_.file("reaper.jsonl"),
                "--reaper-lock",
                dir_.file("run/reaper.lock"),
                "--reaper-state",
                dir_.file("run/reaper.state.json")};
    }

    // Log lines of processes the rule ended (exited after TERM or killed after the grace).
    int logged_reaps() const {
        std::istringstream log(dir_.read("reaper.jsonl"));
        int reaps = 0;
        for (std::string line; std::getline(log, line);)
            if (line.find("\"rule\":\"stale-deploy\"") != std::string::npos &&
                (line.find("\"outcome\":\"exited_after_signal\"") != std::string::npos ||
                 line.find("\"outcome\":\"killed_after_grace\"") != std::string::npos))
                ++reaps;
        return reaps;
    }

    ScopedTempDir dir_{"spawngate-incident-reap"};
    std::unique_ptr<ScopedPidsCgroup> container_;
    ChildProcesses long_lived_;
    MarkedProcesses deploys_;
    std::vector<pid_t> stale_;
    Burst burst_;
};

TEST_F(IncidentReplayAutoReap, StaleDeploysAreReapedByTheGateAndTheLaunchIsAdmitted) {
    const auto refused_before = refused_forks(*container_);
    ASSERT_TRUE(refused_before) << "pids.events has no max counter";

    // Without auto-reap: refused with guidance, and nothing is ended.
    const AgentReport refused = launch_one_agent({});
    EXPECT_FALSE(refused.launched);
    EXPECT_EQ(refused.gate_exit, 2) << refused.gate_stderr;
    EXPECT_NE(
        refused.gate_stderr.find("spawngate: blocked: pids limit of cgroup " + container_->path()),
        std::string::npos)
        << refused.gate_stderr;
    for (const pid_t pid : stale_) EXPECT_FALSE(deploys_.has_exited(pid)) << "deploy pid " << pid;

    // With auto-reap: the stale deploys are ended and logged, and the same launch is admitted.
    const AgentReport admitted = launch_one_agent(auto_reap());
    EXPECT_TRUE(admitted.launched) << admitted.gate_stderr;
    EXPECT_EQ(admitted.gate_exit, 0) << admitted.gate_stderr;
    EXPECT_NE(admitted.gate_stderr.find("spawngate: note: auto-reap: rule "
                                        "stale-deploy: pid "),
              std::string::npos)
        << admitted.gate_stderr;
    for (const pid_t pid : stale_)
        EXPECT_TRUE(deploys_.wait_status(pid, std::chrono::seconds(10))) << "deploy pid " << pid;
    const int reaped = logged_reaps();
    EXPECT_EQ(reaped, kStaleDeploys) << dir_.read("reaper.jsonl");
    EXPECT_EQ(admitted.tasks_created, kLaunchCost);
    EXPECT_EQ(admitted.fork_failures, 0);
    const auto refused_after = refused_forks(*container_);
    ASSERT_TRUE(refused_after);
    EXPECT_EQ(*refused_after, *refused_before) << "no fork may fail at the limit";
    const auto current = container_->pids_current();
    ASSERT_TRUE(current);
    EXPECT_LT(*current, static_cast<std::uint64_t>(kContainerLimit));

    std::printf(
        "replay auto-reap: %d long-lived + %d stale deploy tasks of %lld; --cost %d "
        "without auto-reap: blocked at %s; with auto-reap: %d stale deploys reaped and "
        "logged, admitted at %s, agent created %d tasks, %d task creations failed, "
        "pids.events max +%llu, pids.current %llu of %lld\n",
        kLongLivedTasks, kStaleDeploys, static_cast<long long>(kContainerLimit), kLaunchCost,
        percent_on_line(refused.gate_stderr, "spawngate: blocked:").c_str(), reaped,
        percent_on_line(admitted.gate_stderr, "spawngate: warning:").c_str(),
        admitted.tasks_created, admitted.fork_failures,
        static_cast<unsigned long long>(*refused_after - *refused_before),
        static_cast<unsigned long long>(*current), static_cast<long long>(kContainerLimit));
}

}  // namespace
}  // namespace spawngate::incident
