// The 200/200 incident, replayed with real processes (field report 003): a container with a
// 200-task pids limit, about 60 % in use, and a burst of six agents launched within one second,
// each growing to 25 tasks. Without a gate on the launch path the burst overshoots and forks
// fail; with `spawngate --cost 25 --reserve` on the path, the launches that do not fit are
// refused with guidance and no fork ever fails. Root only; skips with the reason elsewhere.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "burst_agents.hpp"
#include "child_processes.hpp"
#include "pids_budget.hpp"
#include "scoped_pids_cgroup.hpp"
#include "text_parse.hpp"

namespace spawngate::incident {
namespace {

using integration::ChildProcesses;
using integration::ScopedPidsCgroup;

constexpr std::int64_t kContainerLimit = 200;
constexpr int kLongLivedTasks = 120;  // 60 % of the limit, held by earlier deploys and agents
constexpr int kAgents = 6;
constexpr int kTasksPerAgent = 25;

// The "max" counter of pids.events: forks refused at this cgroup's limit since it was created.
std::optional<std::uint64_t> refused_forks(const ScopedPidsCgroup& cgroup) {
    return read_pids_history(Root{"/"}, cgroup.directory()).max_events;
}

class IncidentReplay : public ::testing::Test {
  protected:
    void SetUp() override {
        if (const std::string why = integration::pids_cgroups_unavailable(); !why.empty())
            GTEST_SKIP() << "needs a writable pids cgroup hierarchy: " << why;
        auto created = integration::create_pids_cgroup(
            integration::unique_cgroup_name("spawngate-incident"), kContainerLimit);
        ASSERT_TRUE(created.cgroup) << created.error;
        container_ = std::move(created.cgroup);
        // Long-lived tasks: processes of 10 threads each, as deploy tools and agents hold.
        for (int i = 0; i < kLongLivedTasks / 10; ++i)
            ASSERT_EQ(long_lived_.add_thread_holder(*container_, 10), "");
        ASSERT_EQ(container_->wait_for_pids_current(kLongLivedTasks),
                  std::optional<std::uint64_t>(kLongLivedTasks));
        char state_dir[] = "/tmp/spawngate-incident-state-XXXXXX";
        ASSERT_NE(::mkdtemp(state_dir), nullptr);
        state_dir_ = state_dir;
        ::chmod(state_dir, 0755);
        // An empty config, so a /etc/spawngate/spawngate.toml on the machine cannot move the
        // thresholds this replay relies on.
        std::FILE* config = std::fopen((state_dir_ + "/spawngate.toml").c_str(), "w");
        ASSERT_NE(config, nullptr);
        std::fclose(config);
    }
    void TearDown() override {
        burst_.stop_all();
        long_lived_.kill_all();
        container_.reset();
        if (!state_dir_.empty()) std::filesystem::remove_all(state_dir_);
    }

    BurstOptions gated() const {
        BurstOptions options;
        options.agents = kAgents;
        options.tasks_per_agent = kTasksPerAgent;
        options.gate_path = SPAWNGATE_PATH;
        options.gate_arguments = {"--cost",
                                  std::to_string(kTasksPerAgent),
                                  "--reserve",
                                  "--state-dir",
                                  state_dir_,
                                  "--config",
                                  state_dir_ + "/spawngate.toml",
                                  "--reaper-heartbeat",
                                  state_dir_ + "/no-heartbeat"};
        return options;
    }

    std::unique_ptr<ScopedPidsCgroup> container_;
    ChildProcesses long_lived_;
    Burst burst_;
    std::string state_dir_;
};

TEST_F(IncidentReplay, WithoutTheGateTheBurstOvershootsAndForksFail) {
    const auto refused_before = refused_forks(*container_);
    ASSERT_TRUE(refused_before) << "pids.events has no max counter";

    BurstOptions unchecked;
    unchecked.agents = kAgents;
    unchecked.tasks_per_agent = kTasksPerAgent;
    const auto reports = burst_.launch(*container_, unchecked);

    int failures = 0;
    for (const auto& report : reports) failures += report.fork_failures;
    ASSERT_EQ(reports.size(), static_cast<std::size_t>(kAgents));
    EXPECT_GT(failures, 0) << "120 + 6 x 25 tasks cannot fit under 200";
    const std::uint64_t refused_by_kernel = *refused_forks(*container_) - *refused_before;
    EXPECT_GT(refused_by_kernel, 0u)
        << "the kernel's own count of refused forks (pids.events max) must rise";
    std::printf(
        "replay without the gate: %d agents launched, %d task creations failed, "
        "pids.events max +%llu\n",
        kAgents, failures, static_cast<unsigned long long>(refused_by_kernel));
}

TEST_F(IncidentReplay, WithTheGateOnTheLaunchPathNoForkFailsAndTheRestAreRefused) {
    const auto refused_before = refused_forks(*container_);
    ASSERT_TRUE(refused_before) << "pids.events has no max counter";

    const auto reports = burst_.launch(*container_, gated());
    ASSERT_EQ(reports.size(), static_cast<std::size_t>(kAgents));

    int launched = 0, refused = 0, failures = 0, refused_on_reservations = 0;
    for (const auto& report : reports) {
        failures += report.fork_failures;
        if (report.launched) {
            ++launched;
            EXPECT_EQ(report.tasks_created, kTasksPerAgent);
        } else {
            ++refused;
            EXPECT_EQ(report.gate_exit, 2) << report.gate_stderr;
            EXPECT_NE(report.gate_stderr.find("blocked"), std::string::npos) << report.gate_stderr;
            EXPECT_NE(report.gate_stderr.find("what to do"), std::string::npos)
                << report.gate_stderr;
            // A refusal inside the burst counts what earlier launches reserved, until their
            // tasks appear in pids.current and take the reservation's place.
            if (report.gate_stderr.find("reserved") != std::string::npos) ++refused_on_reservations;
        }
    }
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(*refused_forks(*container_), *refused_before) << "no fork may fail at the limit";
    EXPECT_GE(launched, 1) << "the first agent fits: (120 + launchers + 25) / 200 is below 85 %";
    EXPECT_GE(refused, 1);
    const auto current = container_->pids_current();
    ASSERT_TRUE(current);
    EXPECT_LT(*current, static_cast<std::uint64_t>(kContainerLimit));
    std::printf(
        "replay with the gate: %d admitted, %d refused with guidance, %d task creations "
        "failed, pids.events max +0, pids.current %llu of %lld (%d refusals counted "
        "reservations not yet visible)\n",
        launched, refused, failures, static_cast<unsigned long long>(*current),
        static_cast<long long>(kContainerLimit), refused_on_reservations);
}

}  // namespace
}  // namespace spawngate::incident
