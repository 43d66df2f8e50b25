// The reaper itself killed mid-cycle, then started again. The victim ignores SIGTERM (it records
// each one in a file), so the reaper is caught in the grace between TERM and KILL. After SIGKILL
// the lock must not be stuck, the restarted reaper must finish the job (the victim dies exactly
// once, by SIGKILL), the log must hold whole lines only and no state file may be half written.
// SIGTERM must not kill the reaper there: it finishes the cycle, logs what it did and exits.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "exit_codes.hpp"
#include "reaper_fault_scenario.hpp"

namespace spawngate::faults {
namespace {

using testkit::RealProcess;

class ReaperKilledMidCycle : public ReaperFaultScenario {
  protected:
    std::string terms_file() const { return directory + "/terms"; }

    RealProcess& term_ignoring_victim() {
        return keep(RealProcess::spawn(TERM_COUNTER_PATH, {"stuck-" + token, terms_file()}, false,
                                       procs_file()));
    }

    std::size_t terms_received() const {
        const std::string text = read_text(terms_file());
        return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    }

    // Polls until the victim has had `count` TERMs: the reaper is then waiting out the grace.
    bool wait_for_terms(std::size_t count) const {
        for (int waited = 0; waited < 1000; ++waited) {
            if (terms_received() >= count) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return false;
    }

    std::string config_with_grace(const std::string& grace, const std::string& name) const {
        return write_config("[[rule]]\nname = \"stuck\"\n" + scope("^stuck-" + token) +
                                "grace = \"" + grace + "\"\n",
                            name);
    }

    void expect_no_half_written_state() const {
        for (const auto& entry : std::filesystem::directory_iterator(run_directory()))
            EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos)
                << "left behind: " << entry.path();
    }
};

TEST_F(ReaperKilledMidCycle, SigkillInTheGraceLeavesNoStuckLockAndTheRestartKillsTheVictimOnce) {
    RealProcess& victim = term_ignoring_victim();
    const pid_t first =
        start_reaper(standard_arguments(config_with_grace("20s", "long-grace.toml")));
    ASSERT_TRUE(wait_for_terms(1)) << "the first reaper never sent TERM";
    ASSERT_EQ(::kill(first, SIGKILL), 0);  // our own unreaped child
    const ReaperExit killed = wait_reaper(first);
    EXPECT_EQ(killed.signal, SIGKILL);
    EXPECT_TRUE(victim.alive());
    EXPECT_TRUE(decisions_for(victim.pid()).empty()) << "nothing was finished, nothing is logged";

    const std::string short_grace = config_with_grace("200ms", "short-grace.toml");
    const ReaperExit restarted = run_reaper(standard_arguments(short_grace));
    EXPECT_EQ(restarted.exit_code, kExitOk) << restarted.stderr_text;
    EXPECT_EQ(restarted.stderr_text.find("holds"), std::string::npos)
        << "the killed reaper's lock was stuck: " << restarted.stderr_text;
    const auto status = victim.reap();
    ASSERT_TRUE(status) << "the restarted reaper did not end the victim";
    EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
    EXPECT_EQ(terms_received(), 2u) << "one TERM from each reaper";

    // A third run finds nothing: the victim's pid is never signalled again.
    const ReaperExit third = run_reaper(standard_arguments(short_grace));
    EXPECT_EQ(third.exit_code, kExitOk) << third.stderr_text;
    const auto lines = decisions_for(victim.pid());
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["outcome"], "killed_after_grace");
    EXPECT_EQ(lines[0]["signals_sent"], nlohmann::json::array({"TERM", "STOP", "KILL"}));
    expect_no_half_written_state();
    EXPECT_TRUE(std::filesystem::exists(run_directory() + "/reaper.heartbeat"));
}

TEST_F(ReaperKilledMidCycle, SigtermInTheGraceFinishesTheCycleLogsItAndExitsCleanly) {
    RealProcess& victim = term_ignoring_victim();
    const std::string config = config_with_grace("1s", "reaper.toml");
    const pid_t reaper = start_reaper(standard_arguments(config));
    ASSERT_TRUE(wait_for_terms(1)) << "the reaper never sent TERM";
    ASSERT_EQ(::kill(reaper, SIGTERM), 0);  // our own unreaped child
    const ReaperExit stopped = wait_reaper(reaper);
    EXPECT_EQ(stopped.signal, 0) << "SIGTERM killed the reaper mid-cycle";
    EXPECT_EQ(stopped.exit_code, kExitOk) << stopped.stderr_text;
    EXPECT_NE(stopped.stderr_text.find("signal 15 arrived during the cycle"), std::string::npos)
        << stopped.stderr_text;
    const auto status = victim.reap();
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
    auto lines = decisions_for(victim.pid());
    ASSERT_EQ(lines.size(), 1u) << read_text(log_path());
    EXPECT_EQ(lines[0]["outcome"], "killed_after_grace");
    EXPECT_EQ(lines[0]["signals_sent"], nlohmann::json::array({"TERM", "STOP", "KILL"}));
    EXPECT_TRUE(std::filesystem::exists(run_directory() + "/reaper.heartbeat"));

    // Started again, it has nothing left to do: no second TERM, no second decision.
    const ReaperExit again = run_reaper(standard_arguments(config));
    EXPECT_EQ(again.exit_code, kExitOk) << again.stderr_text;
    EXPECT_EQ(terms_received(), 1u);
    EXPECT_EQ(decisions_for(victim.pid()).size(), 1u);
    expect_no_half_written_state();
}

}  // namespace
}  // namespace spawngate::faults
