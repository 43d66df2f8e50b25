// count_workers on fixture trees: the caller's pids cgroup subtree (cgroup.procs files) and the
// command lines of its processes (/proc/PID/cmdline, argv as NUL-separated strings).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "fixture_tree.hpp"
#include "settings.hpp"
#include "worker_count.hpp"

namespace spawngate {
namespace {

using namespace std::string_literals;
using testkit::FixtureTree;

constexpr pid_t kGate = 4000;  // the gate's own pid in these trees
const std::string kDefaultPattern = GateSettings{}.worker_pattern;

class WorkerCount : public ::testing::Test {
  protected:
    // The caller's pids cgroup: /agents on a v1 pids hierarchy.
    const std::optional<CgroupLocation> agents =
        CgroupLocation{false, "/sys/fs/cgroup/pids", "/agents"};

    // A process with `argv` (NUL-separated, as the kernel shows it) in cgroup `cgroup`.
    void process(pid_t pid, const std::string& argv, const std::string& cgroup = "/agents") {
        tree.write("/proc/" + std::to_string(pid) + "/cmdline", argv);
        add_to_cgroup(pid, cgroup);
    }
    void add_to_cgroup(pid_t pid, const std::string& cgroup) {
        std::string& procs = members[cgroup];
        procs += std::to_string(pid) + "\n";
        tree.write("/sys/fs/cgroup/pids" + cgroup + "/cgroup.procs", procs);
    }

    std::optional<std::uint64_t> count(const std::string& pattern,
                                       const std::optional<CgroupLocation>& pids) const {
        return count_workers(tree.root(), pids, pattern, kGate);
    }
    std::optional<std::uint64_t> count(const std::string& pattern) const {
        return count(pattern, agents);
    }

    FixtureTree tree;
    std::map<std::string, std::string> members;
};

TEST_F(WorkerCount, CountsProcessesWhoseCommandLineMatches) {
    process(101, "claude\0--resume\0"s);
    process(102, "node\0/usr/local/bin/gemini\0"s);
    process(103, "bash\0"s);
    process(104, "/opt/codex/bin/codex\0exec\0fix the tests\0"s);

    EXPECT_EQ(count(kDefaultPattern), 3u);
}

TEST_F(WorkerCount, DefaultPatternDoesNotCountProgramsThatOnlyMentionAnAgent) {
    process(101, "grep\0claude\0"s);
    process(102, "claudette\0"s);
    process(103, "vim\0gemini.md\0"s);
    process(104, "codex-helper\0"s);

    EXPECT_EQ(count(kDefaultPattern), 0u);
}

TEST_F(WorkerCount, MatchesTheArgvJoinedBySingleSpaces) {
    process(101, "python3\0worker.py\0--queue\0builds\0"s);
    process(102, "python3\0worker.py\0--queue\0tests\0"s);

    EXPECT_EQ(count("^python3 worker\\.py --queue builds$"), 1u);
}

TEST_F(WorkerCount, CountsTheWholeSubtreeOfTheCallersCgroup) {
    process(101, "claude\0"s);
    process(102, "claude\0"s, "/agents/session-1");
    process(103, "claude\0"s, "/agents/session-1/tools");

    EXPECT_EQ(count(kDefaultPattern), 3u);
}

TEST_F(WorkerCount, ProcessesOutsideTheCallersSubtreeAreNotCounted) {
    process(101, "claude\0"s);
    process(102, "claude\0"s, "/deploys");
    process(103, "claude\0"s, "/agents-old");  // a sibling whose name starts alike

    EXPECT_EQ(count(kDefaultPattern), 1u);
}

TEST_F(WorkerCount, TheGateItselfIsNeverCounted) {
    process(kGate, "spawngate\0--max-workers\0"s + "3\0--worker-pattern\0spawngate\0"s);
    process(101, "spawngate\0status\0"s);

    EXPECT_EQ(count("spawngate"), 1u);
}

TEST_F(WorkerCount, ProcessThatExitedSinceTheListingIsNotCounted) {
    process(101, "claude\0"s);
    add_to_cgroup(102, "/agents");  // listed, but its /proc directory is gone

    EXPECT_EQ(count(kDefaultPattern), 1u);
}

TEST_F(WorkerCount, ZombieWithAnEmptyCommandLineIsNotCounted) {
    process(101, "claude\0"s);
    process(102, "");  // zombies and kernel threads show an empty cmdline

    EXPECT_EQ(count("^"), 1u) << "even a pattern matching everything skips empty command lines";
}

TEST_F(WorkerCount, WithoutAPidsCgroupEveryProcessOnTheHostIsACandidate) {
    process(101, "claude\0"s, "/agents");
    process(102, "claude\0"s, "/elsewhere");
    tree.write("/proc/103/cmdline", "claude\0"s);  // in no cgroup fixture at all

    EXPECT_EQ(count(kDefaultPattern, std::nullopt), 3u);
}

TEST_F(WorkerCount, InvalidPatternGivesNoCountRatherThanZero) {
    process(101, "claude\0"s);

    EXPECT_EQ(count("(claude"), std::nullopt);
}

TEST_F(WorkerCount, UnreadableCgroupIsNotTakenAsAnEmptyOne) {
    process(101, "claude\0"s);
    const std::optional<CgroupLocation> vanished =
        CgroupLocation{false, "/sys/fs/cgroup/pids", "/agents-gone"};

    EXPECT_EQ(count(kDefaultPattern, vanished), std::nullopt)
        << "a cgroup.procs that cannot be read must not read as zero workers";
}

}  // namespace
}  // namespace spawngate
