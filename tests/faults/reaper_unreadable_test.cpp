// Files that turn unreadable (EACCES) or empty mid-scan. A fixture /proc with three matching
// processes; right before the cycle reads one file of the middle one, the test takes read
// permission away (the cycle runs on a thread without CAP_DAC_OVERRIDE, so root gets EACCES too)
// or empties the file. The cycle must report that process's file and why, leave that process out
// of every decision (it is never signalled on partial data), and decide the other two as usual.
// Dry run throughout: fixture pids are not real processes.

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "dac_capabilities.hpp"
#include "fixture_tree.hpp"
#include "reap_cycle.hpp"

namespace spawngate::faults {
namespace {

using testkit::FixtureTree;

std::string stat_line(int pid, const std::string& comm, int ppid = 1) {
    return std::to_string(pid) + " (" + comm + ") S " + std::to_string(ppid) + " " +
           std::to_string(pid) + " " + std::to_string(pid) +
           " 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1000 1000 100 0\n";
}

enum class Turn { Unreadable, Empty };

// Before `step` of `pid`, makes `file` of that process unreadable or empty.
class SpoilFileBeforeStep : public ProcessStepObserver {
  public:
    SpoilFileBeforeStep(const FixtureTree& tree, ProcessStep step, pid_t pid, std::string file,
                        Turn turn)
        : tree_(tree), step_(step), pid_(pid), file_(std::move(file)), turn_(turn) {}
    void before(ProcessStep step, pid_t pid) override {
        if (step != step_ || pid != pid_) return;
        fired_ = true;
        const std::string path = tree_.path_of("/proc/" + std::to_string(pid) + "/" + file_);
        if (turn_ == Turn::Unreadable) {
            ::chmod(path.c_str(), 0);
        } else {
            std::filesystem::resize_file(path, 0);
        }
    }
    bool fired() const { return fired_; }

  private:
    const FixtureTree& tree_;
    ProcessStep step_;
    pid_t pid_;
    std::string file_;
    Turn turn_;
    bool fired_ = false;
};

class UnreadableMidScan : public ::testing::Test {
  protected:
    FixtureTree tree;
    CycleOptions options;

    void SetUp() override {
        tree.write("/proc/uptime", "10000.00 1.00\n");
        tree.write("/proc/stat", "cpu 1 2 3\nbtime 1700000000\n");
        tree.write("/proc/1/stat", stat_line(1, "init", 0));
        tree.write("/proc/1/comm", "init\n");
        for (const int pid : {100, 101, 102}) {
            const std::string dir = "/proc/" + std::to_string(pid);
            tree.write(dir + "/stat", stat_line(pid, "worker"));
            tree.write(dir + "/comm", "worker\n");
            tree.write(dir + "/status",
                       "Uid:\t" + std::to_string(::getuid()) + "\t0\t0\t0\nThreads:\t1\n");
            tree.write(dir + "/cmdline", std::string("protected-job\0--id\0", 19) + dir);
        }
        options.root = tree.path();
        options.dry_run = true;
        options.log_path.clear();
        options.state_path.clear();
        options.summary_to_stderr = false;
    }

    static ReaperConfig config(const std::string& text) {
        const ConfigLoad load = parse_reaper_config(text, "test");
        EXPECT_TRUE(load.config) << (load.error ? load.error->text() : "");
        return *load.config;
    }

    // Runs the cycle without the DAC capabilities, spoiling `file` of pid 101 before `step`.
    CycleReport run(const ReaperConfig& rules, ProcessStep step, const std::string& file,
                    Turn turn) {
        SpoilFileBeforeStep observer(tree, step, 101, file, turn);
        options.observer = &observer;
        CycleReport report;
        std::string why_not;
        const bool ran =
            run_without_dac_override([&] { report = run_reap_cycle(rules, options); }, why_not);
        if (!ran) ADD_FAILURE() << "cannot drop CAP_DAC_OVERRIDE: " << why_not;
        EXPECT_TRUE(observer.fired()) << "the cycle never read " << file << " of pid 101";
        return report;
    }

    static std::vector<pid_t> decided(const CycleReport& report) {
        std::vector<pid_t> pids;
        for (const DecisionRecord& record : report.records)
            pids.push_back(record.decision.victim.pid);
        std::sort(pids.begin(), pids.end());
        return pids;
    }

    static void expect_reported(const CycleReport& report, const std::string& file,
                                const std::string& why) {
        std::string all;
        for (const Problem& problem : report.unreadable) all += problem.text() + "\n";
        ASSERT_EQ(report.unreadable.size(), 1u) << all;
        const std::string text = report.unreadable[0].text();
        EXPECT_NE(text.find("/proc/101/" + file), std::string::npos) << text;
        EXPECT_NE(text.find(why), std::string::npos) << text;
        EXPECT_NE(text.find("skipped"), std::string::npos) << text;
    }
};

// A rule that needs only stat, status and comm; the protect list needs the cmdline.
const char* kNameRule =
    "[reaper]\nprotect_cmdlines = ['^protected-job']\n"
    "[[rule]]\nname = \"workers\"\nprocess_name = '^worker$'\n";
const char* kCmdlineRule = "[[rule]]\nname = \"workers\"\ncmdline = '^protected-job'\n";

TEST_F(UnreadableMidScan, StatTurningUnreadableIsReportedAndThatProcessSkipped) {
    const CycleReport report =
        run(config(kCmdlineRule), ProcessStep::Stat, "stat", Turn::Unreadable);
    EXPECT_EQ(decided(report), (std::vector<pid_t>{100, 102}));
    expect_reported(report, "stat", "Permission denied");
}

TEST_F(UnreadableMidScan, StatTurningEmptyIsReportedAndThatProcessSkipped) {
    const CycleReport report = run(config(kCmdlineRule), ProcessStep::Stat, "stat", Turn::Empty);
    EXPECT_EQ(decided(report), (std::vector<pid_t>{100, 102}));
    expect_reported(report, "stat", "empty");
}

TEST_F(UnreadableMidScan, StatusTurningUnreadableIsReportedAndThatProcessSkipped) {
    const CycleReport report =
        run(config(kCmdlineRule), ProcessStep::Status, "status", Turn::Unreadable);
    EXPECT_EQ(decided(report), (std::vector<pid_t>{100, 102}));
    expect_reported(report, "status", "Permission denied");
}

TEST_F(UnreadableMidScan, StatusTurningEmptyIsReportedAndThatProcessSkipped) {
    const CycleReport report =
        run(config(kCmdlineRule), ProcessStep::Status, "status", Turn::Empty);
    EXPECT_EQ(decided(report), (std::vector<pid_t>{100, 102}));
    expect_reported(report, "status", "empty");
}

// The dangerous case: no rule needs the cmdline, but the protect list does. A process whose
// cmdline cannot be read might be protected, so it must not be reaped on what could be read.
TEST_F(UnreadableMidScan, UnreadableCmdlineOfAPossiblyProtectedProcessIsNeverDecided) {
    const CycleReport report =
        run(config(kNameRule), ProcessStep::Cmdline, "cmdline", Turn::Unreadable);
    for (const DecisionRecord& record : report.records)
        EXPECT_EQ(record.action, Action::Spared) << record.decision.victim.pid;
    EXPECT_EQ(decided(report), (std::vector<pid_t>{100, 102}));
    EXPECT_EQ(report.would_reap, 0u);
    expect_reported(report, "cmdline", "Permission denied");
}

// An empty cmdline is a real answer (kernel threads, zombies): it matches no pattern, so the
// process is simply not a match, and nothing is reported.
TEST_F(UnreadableMidScan, CmdlineTurningEmptyMatchesNoPatternAndIsNotAProblem) {
    const CycleReport report =
        run(config(kCmdlineRule), ProcessStep::Cmdline, "cmdline", Turn::Empty);
    EXPECT_EQ(decided(report), (std::vector<pid_t>{100, 102}));
    EXPECT_TRUE(report.unreadable.empty());
}

}  // namespace
}  // namespace spawngate::faults
