// Processes vanishing between every pair of reads. A cycle reads several files per process and
// then opens a pidfd, checks the identity and signals; a process can exit between any two of
// those steps. Through the cycle's step observer, a real victim process is ended right before
// step k: it exits and is reaped (its /proc directory is gone), it becomes a zombie, or it is
// reaped and its pid taken at once by an innocent process that no rule matches. The cycle must
// not crash, must treat the victim as vanished (never judge it on garbage), must reap the other
// victims of the same cycle, and must never signal the innocent or the bystander.

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <functional>
#include <optional>
#include <thread>

#include "child_with_pid.hpp"
#include "reap_cycle.hpp"
#include "reaper_fault_scenario.hpp"

namespace spawngate::faults {
namespace {

using testkit::RealProcess;

enum class Ending {
    ExitedAndReaped,  // /proc/PID is gone
    Zombie,           // exited, not yet reaped by its parent (the test)
    PidReused,        // reaped, and an innocent process now has its pid
};

const char* ending_name(Ending ending) {
    switch (ending) {
        case Ending::ExitedAndReaped:
            return "Exited";
        case Ending::Zombie:
            return "Zombie";
        case Ending::PidReused:
            return "PidReused";
    }
    return "Unknown";
}

bool is_scan_step(ProcessStep step) {
    return step != ProcessStep::PidfdOpen && step != ProcessStep::IdentityCheck &&
           step != ProcessStep::Signal;
}

// Ends the victim the first time the cycle is about to take `step` for it.
class EndVictimBeforeStep : public ProcessStepObserver {
  public:
    EndVictimBeforeStep(ProcessStep step, Ending ending, RealProcess& victim,
                        std::function<void(pid_t)> reuse)
        : step_(step), ending_(ending), victim_(victim), reuse_(std::move(reuse)) {}

    void before(ProcessStep step, pid_t pid) override {
        if (fired_ || step != step_ || pid != victim_.pid()) return;
        fired_ = true;
        const PidFd handle = [&] {
            int error = 0;
            return PidFd::open(pid, error);
        }();
        ASSERT_TRUE(handle.valid());
        ASSERT_EQ(handle.send_signal(SIGKILL), 0);
        ASSERT_TRUE(handle.wait_for_exit(5000));
        if (ending_ == Ending::Zombie) return;
        ASSERT_TRUE(victim_.reap());  // now /proc/PID is gone and the pid is free
        if (ending_ == Ending::PidReused) reuse_(pid);
    }
    bool fired() const { return fired_; }

  private:
    ProcessStep step_;
    Ending ending_;
    RealProcess& victim_;
    std::function<void(pid_t)> reuse_;
    bool fired_ = false;
};

class VanishBeforeEveryStep
    : public ReaperFaultScenario,
      public ::testing::WithParamInterface<std::tuple<ProcessStep, Ending>> {};

TEST_P(VanishBeforeEveryStep, VictimIsTreatedAsVanishedAndOthersAreReapedCorrectly) {
    const auto [step, ending] = GetParam();
    // Every rule names its processes, so the scan reads comm first; the rule's cmdline and exe
    // matchers make it read those files too, then status: every step a process can go through.
    const ConfigLoad load = parse_reaper_config(
        "[[rule]]\nname = \"vanish\"\nprocess_name = '^sleep$'\nexe = '/sleep$'\n" +
            scope("^vanish-" + token) + "grace = \"2s\"\n",
        "vanish test");
    ASSERT_TRUE(load.config) << load.error->text();
    RealProcess& first = sleeper("vanish-" + token + "-first");
    RealProcess& victim = sleeper("vanish-" + token + "-victim");
    RealProcess& last = sleeper("vanish-" + token + "-last");
    RealProcess& bystander = sleeper("bystander-" + token);
    const pid_t victim_pid = victim.pid();
    // A start time (10 ms ticks) that an innocent taking the pid later cannot share.
    std::this_thread::sleep_for(std::chrono::milliseconds(30));

    std::optional<ChildWithPid> innocent;
    std::string why_no_reuse;
    EndVictimBeforeStep observer(step, ending, victim, [&](pid_t pid) {
        // The innocent runs the same program but no rule matches its command line.
        ChildWithPid child = ChildWithPid::spawn(pid, "/bin/sleep", {"innocent-" + token, "300"},
                                                 procs_file(), why_no_reuse);
        if (child.valid()) innocent = std::move(child);
    });
    CycleOptions options;
    options.log_path = log_path();
    options.state_path.clear();
    options.summary_to_stderr = false;
    options.observer = &observer;
    const CycleReport report = run_reap_cycle(*load.config, options);
    if (ending == Ending::PidReused && !innocent)
        GTEST_SKIP() << "cannot give the freed pid to a new process: " << why_no_reuse;
    ASSERT_TRUE(observer.fired()) << "the cycle never reached step " << step_name(step);
    EXPECT_FALSE(report.cannot_run);

    // The others of the same cycle are reaped, once each; the bystander is untouched.
    for (RealProcess* other : {&first, &last}) {
        EXPECT_TRUE(other->wait_exit(2000)) << "pid " << other->pid();
        const auto lines = decisions_for(other->pid());
        ASSERT_EQ(lines.size(), 1u) << read_text(log_path());
        EXPECT_EQ(lines[0]["outcome"], "exited_after_signal");
        EXPECT_EQ(lines[0]["signals_sent"], nlohmann::json::array({"TERM"}));
    }
    EXPECT_TRUE(bystander.alive());
    EXPECT_TRUE(decisions_for(bystander.pid()).empty());
    EXPECT_EQ(report.failed, 0u);
    EXPECT_TRUE(report.unreadable.empty()) << report.unreadable.front().text();

    // The victim: never judged on what a dead process left behind.
    const auto lines = decisions_for(victim_pid);
    if (is_scan_step(step) && ending != Ending::PidReused) {
        if (ending == Ending::ExitedAndReaped) {
            EXPECT_NE(std::find(report.vanished.begin(), report.vanished.end(), victim_pid),
                      report.vanished.end())
                << "not reported as vanished";
        }
        // A zombie read in full by status is decided, and found dead when acted on.
        for (const auto& line : lines) EXPECT_EQ(line["signals_sent"], nlohmann::json::array());
        if (ending == Ending::ExitedAndReaped) {
            EXPECT_TRUE(lines.empty()) << lines[0].dump();
        }
    } else if (!is_scan_step(step)) {
        ASSERT_EQ(lines.size(), 1u) << read_text(log_path());
        const bool zombie_signalled = ending == Ending::Zombie && step == ProcessStep::Signal;
        if (!zombie_signalled) {
            EXPECT_EQ(lines[0]["outcome"], "vanished_before_signal") << lines[0].dump();
            EXPECT_EQ(lines[0]["signals_sent"], nlohmann::json::array());
        }
    }
    if (ending == Ending::PidReused) {
        ASSERT_TRUE(innocent);
        EXPECT_TRUE(innocent->alive())
            << "the innocent that took pid " << victim_pid << " was signalled";
        for (const auto& line : lines) {
            EXPECT_EQ(line["signals_sent"], nlohmann::json::array()) << line.dump();
            EXPECT_EQ(line["outcome"], "vanished_before_signal") << line.dump();
        }
    }
    // Identity only ever comes from the victim's own stat: no zeros, no garbage.
    for (const auto& line : lines) EXPECT_GT(line["start_time_ticks"].get<std::uint64_t>(), 0u);
    // Reaped ones are counted; the victim is not (a zombie signalled through its pidfd, which
    // the kernel accepts, is seen to have exited at once).
    const bool zombie_signalled = ending == Ending::Zombie && step == ProcessStep::Signal;
    EXPECT_EQ(report.reaped, zombie_signalled ? 3u : 2u);
}

INSTANTIATE_TEST_SUITE_P(
    EveryStep, VanishBeforeEveryStep,
    ::testing::Combine(
        ::testing::Values(ProcessStep::Comm, ProcessStep::Stat, ProcessStep::Cmdline,
                          ProcessStep::Exe, ProcessStep::Status, ProcessStep::PidfdOpen,
                          ProcessStep::IdentityCheck, ProcessStep::Signal),
        ::testing::Values(Ending::ExitedAndReaped, Ending::Zombie, Ending::PidReused)),
    [](const ::testing::TestParamInfo<std::tuple<ProcessStep, Ending>>& param_info) {
        std::string name = step_name(std::get<0>(param_info.param));
        std::erase(name, '_');
        return "Before_" + name + "_" + ending_name(std::get<1>(param_info.param));
    });

}  // namespace
}  // namespace spawngate::faults
