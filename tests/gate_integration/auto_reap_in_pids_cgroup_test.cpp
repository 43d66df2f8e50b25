// Auto-reap at critical (`spawngate --auto-reap`) with real processes in a real pids cgroup:
// stale processes (argv "stale-<token> 600", older than the rule's 1 s) and bystanders hold the
// budget at the block level; the gate, run inside the cgroup, runs one reaper cycle in its own
// process with a rule written by the test and scoped to that cgroup, then judges again. The
// reaper's log, lock and respawn state live in the test's temporary directory, never in
// /var/log/spawngate or /run/spawngate, where a real reaper may be working.

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "marked_processes.hpp"
#include "pids_cgroup_fixture.hpp"
#include "scoped_temp_dir.hpp"
#include "unique_fd.hpp"

namespace spawngate::integration {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// 3 bystanders + 4 stale + the gate + the launch's cost of 1 = 9 of 10: 90 %, blocked. Once the
// stale ones are gone: 5 of 10, 50 %, allowed.
constexpr std::int64_t kLimit = 10;
constexpr int kBystanders = 3;
constexpr int kStale = 4;
// The rule's age limit is 1 s: the stale processes must be older than that when the gate runs.
constexpr auto kStaleAfter = std::chrono::milliseconds(1300);
constexpr auto kPatience = std::chrono::seconds(10);

class AutoReapInRealPidsCgroup : public GateInRealPidsCgroup {
  protected:
    void SetUp() override {
        GateInRealPidsCgroup::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        ASSERT_FALSE(dir_.path().empty()) << "cannot create a temporary directory in /tmp";
    }

    // The cgroup at the block level: bystanders, then `kStale` stale processes (the first
    // `term_ignoring` of them ignore SIGTERM), aged past the rule's 1 s.
    void fill_to_the_block_level(int term_ignoring = 0) {
        work_ = make_cgroup("work", kLimit);
        ASSERT_TRUE(work_);
        for (int i = 0; i < kBystanders; ++i) bystanders_.push_back(start({"sleep", "600"}));
        for (int i = 0; i < kStale; ++i)
            stale_.push_back(start({stale_name_, "600"}, i < term_ignoring));
        ASSERT_FALSE(HasFailure());
        const auto expected = static_cast<std::uint64_t>(kBystanders + kStale);
        ASSERT_EQ(work_->wait_for_pids_current(expected), expected);
        std::this_thread::sleep_for(kStaleAfter);
    }

    pid_t start(const std::vector<std::string>& argv, bool ignore_term = false) {
        const MarkedProcess started = processes_.start(*work_, argv, ignore_term);
        if (started.pid < 0) ADD_FAILURE() << started.error;
        return started.pid;
    }

    // A reaper config with one rule: the stale processes' command line (or `cmdline`), older than
    // 1 s, only in the test's cgroup; TERM with the reaper's usual 10 s grace.
    void write_reaper_config(const std::string& cmdline) {
        ASSERT_TRUE(dir_.write("reaper.toml",
                               "[[rule]]\n"
                               "name = \"stale-test\"\n"
                               "cmdline = '" +
                                   cmdline +
                                   "'\n"
                                   "older_than = \"1s\"\n"
                                   "cgroup = \"" +
                                   work_->path() +
                                   "\"\n"
                                   "signal = \"TERM\"\n"
                                   "grace = \"10s\"\n"));
    }
    void write_reaper_config() { write_reaper_config("^" + stale_name_ + " "); }

    // Every reaper path in the temporary directory; `--auto-reap` itself is added by the test.
    std::vector<std::string> reaper_paths() const {
        return {"--reaper-config", dir_.file("reaper.toml"),
                "--reaper-log",    dir_.file("reaper.jsonl"),
                "--reaper-lock",   dir_.file("run/reaper.lock"),
                "--reaper-state",  dir_.file("run/reaper.state.json"),
                "--state-dir",     dir_.file("ledger")};
    }
    std::vector<std::string> auto_reap(std::vector<std::string> more = {}) const {
        std::vector<std::string> arguments = reaper_paths();
        arguments.insert(arguments.begin(), "--auto-reap");
        arguments.insert(arguments.end(), more.begin(), more.end());
        return arguments;
    }

    // The reaper log's lines, parsed.
    std::vector<nlohmann::json> log_lines() const {
        std::vector<nlohmann::json> lines;
        std::istringstream text(dir_.read("reaper.jsonl"));
        for (std::string line; std::getline(text, line);)
            lines.push_back(nlohmann::json::parse(line, nullptr, false));
        return lines;
    }

    // The signal that ended `pid`, once it has exited and been reaped; 0 when it exited by
    // itself, -1 when it is still running after `kPatience`.
    int ending_signal(pid_t pid) const {
        const auto status = processes_.wait_status(pid, kPatience);
        if (!status) return -1;
        return WIFSIGNALED(*status) ? WTERMSIG(*status) : 0;
    }

    ScopedTempDir dir_{"spawngate-auto-reap"};
    const ScopedPidsCgroup* work_ = nullptr;
    std::string stale_name_ = "stale-" + unique_cgroup_name("sgreap");
    std::vector<pid_t> bystanders_;
    std::vector<pid_t> stale_;
    MarkedProcesses processes_;
};

TEST_F(AutoReapInRealPidsCgroup, EndsTheStaleProcessesAndAdmitsTheLaunch) {
    ASSERT_NO_FATAL_FAILURE(fill_to_the_block_level());
    ASSERT_NO_FATAL_FAILURE(write_reaper_config());

    const GateRun run = run_gate(*work_, auto_reap());

    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_THAT(run.stderr_text, Not(HasSubstr("blocked")));
    for (const pid_t pid : stale_) {
        EXPECT_THAT(run.stderr_text, HasSubstr("spawngate: note: auto-reap: rule "
                                               "stale-test: pid " +
                                               std::to_string(pid) + " "));
        EXPECT_EQ(ending_signal(pid), SIGTERM) << "stale pid " << pid;
    }
    for (const pid_t pid : bystanders_)
        EXPECT_FALSE(processes_.has_exited(pid)) << "bystander pid " << pid << " was ended";
}

TEST_F(AutoReapInRealPidsCgroup, LogsOneJsonLinePerReapedProcessWithItsOutcome) {
    ASSERT_NO_FATAL_FAILURE(fill_to_the_block_level());
    ASSERT_NO_FATAL_FAILURE(write_reaper_config());

    const GateRun run = run_gate(*work_, auto_reap());

    ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
    const std::vector<nlohmann::json> lines = log_lines();
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(kStale)) << dir_.read("reaper.jsonl");
    std::set<pid_t> logged;
    for (const nlohmann::json& line : lines) {
        ASSERT_TRUE(line.is_object()) << dir_.read("reaper.jsonl");
        EXPECT_EQ(line["event"], "decision");
        EXPECT_EQ(line["rule"], "stale-test");
        EXPECT_EQ(line["action"], "reap");
        EXPECT_EQ(line["outcome"], "exited_after_signal");
        EXPECT_EQ(line["signals_sent"], nlohmann::json::array({"TERM"}));
        EXPECT_EQ(line["cmdline"], stale_name_ + " 600");
        logged.insert(line["pid"].get<pid_t>());
    }
    EXPECT_EQ(logged, std::set<pid_t>(stale_.begin(), stale_.end()));
}

TEST_F(AutoReapInRealPidsCgroup, WithoutAutoReapTheSameLaunchIsBlockedAndNothingIsKilled) {
    ASSERT_NO_FATAL_FAILURE(fill_to_the_block_level());
    ASSERT_NO_FATAL_FAILURE(write_reaper_config());

    const GateRun run = run_gate(*work_, reaper_paths());

    EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
    EXPECT_THAT(run.stderr_text,
                HasSubstr("spawngate: blocked: pids limit of cgroup " + work_->path()));
    EXPECT_THAT(run.stderr_text, Not(HasSubstr("auto-reap")));
    for (const pid_t pid : stale_) EXPECT_FALSE(processes_.has_exited(pid)) << "stale pid " << pid;
    EXPECT_EQ(dir_.read("reaper.jsonl"), "");
}

TEST_F(AutoReapInRealPidsCgroup, BelowTheBlockLevelAutoReapLeavesMatchingProcessesAlone) {
    work_ = make_cgroup("work", 100);  // 4 stale + the gate + 1: 6 % of this limit
    ASSERT_TRUE(work_);
    for (int i = 0; i < kStale; ++i) stale_.push_back(start({stale_name_, "600"}));
    ASSERT_FALSE(HasFailure());
    std::this_thread::sleep_for(kStaleAfter);
    ASSERT_NO_FATAL_FAILURE(write_reaper_config());

    const GateRun run = run_gate(*work_, auto_reap());

    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_THAT(run.stderr_text, Not(HasSubstr("auto-reap")));
    for (const pid_t pid : stale_) EXPECT_FALSE(processes_.has_exited(pid)) << "stale pid " << pid;
    EXPECT_EQ(dir_.read("reaper.jsonl"), "");
}

TEST_F(AutoReapInRealPidsCgroup, TermIgnoringStaleProcessIsKilledAfterTheCappedGrace) {
    ASSERT_NO_FATAL_FAILURE(fill_to_the_block_level(/*term_ignoring=*/1));
    ASSERT_NO_FATAL_FAILURE(write_reaper_config());  // the rule's own grace is 10 s

    const auto started = std::chrono::steady_clock::now();
    const GateRun run = run_gate(*work_, auto_reap({"--auto-reap-grace", "1000"}));
    const auto took = std::chrono::steady_clock::now() - started;

    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_LT(took, std::chrono::seconds(8)) << "the gate waited for the rule's 10 s grace";
    const pid_t stubborn = stale_.front();
    EXPECT_EQ(ending_signal(stubborn), SIGKILL);
    EXPECT_THAT(run.stderr_text, HasSubstr("pid " + std::to_string(stubborn)));
    bool logged = false;
    for (const nlohmann::json& line : log_lines()) {
        if (!line.is_object() || line["pid"] != stubborn) continue;
        logged = true;
        EXPECT_EQ(line["outcome"], "killed_after_grace");
        EXPECT_EQ(line["grace_ms"], 1000);
        EXPECT_EQ(line["signals_sent"], nlohmann::json::array({"TERM", "STOP", "KILL"}));
    }
    EXPECT_TRUE(logged) << dir_.read("reaper.jsonl");
}

TEST_F(AutoReapInRealPidsCgroup, WhenTheRulesMatchNothingTheGateBlocksAndSaysNoProcessMatched) {
    ASSERT_NO_FATAL_FAILURE(fill_to_the_block_level());
    ASSERT_NO_FATAL_FAILURE(write_reaper_config("^" + stale_name_ + "-nothing-runs-as-this "));

    const GateRun run = run_gate(*work_, auto_reap());

    EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
    EXPECT_THAT(run.stderr_text, HasSubstr("spawngate: blocked: pids limit"));
    EXPECT_THAT(run.stderr_text,
                HasSubstr("spawngate: note: auto-reap: no process matched the reaper's rules"));
    for (const pid_t pid : stale_) EXPECT_FALSE(processes_.has_exited(pid)) << "stale pid " << pid;
}

TEST_F(AutoReapInRealPidsCgroup, WhenAReaperHoldsTheLockTheGateLeavesTheReapingToItAndBlocks) {
    ASSERT_NO_FATAL_FAILURE(fill_to_the_block_level());
    ASSERT_NO_FATAL_FAILURE(write_reaper_config());
    // This test process plays the running reaper: it holds the lock and wrote its pid there.
    ASSERT_EQ(::mkdir(dir_.file("run").c_str(), 0755), 0);
    const UniqueFd lock(
        ::open(dir_.file("run/reaper.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_TRUE(lock.valid());
    ASSERT_EQ(::flock(lock.get(), LOCK_EX | LOCK_NB), 0);
    const std::string holder = std::to_string(::getpid()) + "\n";
    ASSERT_EQ(::write(lock.get(), holder.data(), holder.size()),
              static_cast<ssize_t>(holder.size()));

    const GateRun run = run_gate(*work_, auto_reap());

    EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
    EXPECT_THAT(run.stderr_text, HasSubstr("spawngate: blocked: pids limit"));
    EXPECT_THAT(run.stderr_text,
                HasSubstr("spawngate: note: auto-reap: skipped: a reaper is acting right now "
                          "(pid " +
                          std::to_string(::getpid()) + ")"));
    for (const pid_t pid : stale_) EXPECT_FALSE(processes_.has_exited(pid)) << "stale pid " << pid;
    EXPECT_EQ(dir_.read("reaper.jsonl"), "");
}

}  // namespace
}  // namespace spawngate::integration
