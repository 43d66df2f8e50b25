// Tying processes started during the action to the tree being reaped, on plain structs.

#include <gtest/gtest.h>

#include "tree_sweep.hpp"

namespace spawngate {
namespace {

constexpr std::uint64_t kSnapshotTicks = 5000;

ProcessInfo process(pid_t pid, pid_t ppid, std::uint64_t start_ticks, pid_t group, pid_t session,
                    const std::string& name = "sleep") {
    ProcessInfo info;
    info.stat_read = true;
    info.pid = pid;
    info.ppid = ppid;
    info.start_time_ticks = start_ticks;
    info.process_group = group;
    info.session = session;
    info.name = name;
    info.state = 'S';
    return info;
}

void add(Snapshot& snapshot, ProcessInfo info) {
    snapshot.index[info.pid] = snapshot.processes.size();
    snapshot.processes.push_back(std::move(info));
}

class TreeSweepTest : public ::testing::Test {
  protected:
    Snapshot before;
    Snapshot now;
    // The tree: a TERM-ignoring loop (pid 100) leading its own group, in a login session 50.
    std::vector<SweepMember> members{{100, 4000, 100, 50, 0, true}};
    std::vector<std::string> subreapers{"tini"};
    std::unordered_set<pid_t> judged{100};

    void SetUp() override {
        for (Snapshot* snapshot : {&before, &now}) {
            add(*snapshot, process(1, 0, 10, 1, 1, "init"));
            add(*snapshot, process(50, 1, 100, 50, 50, "bash"));
            add(*snapshot, process(100, 50, 4000, 100, 50, "deploy.sh"));
        }
    }

    std::vector<Newcomer> sweep() {
        return find_newcomers(now, before, kSnapshotTicks, members, subreapers, judged);
    }
};

TEST_F(TreeSweepTest, ChildOfALiveMemberStartedDuringTheActionIsANewcomer) {
    add(now, process(200, 100, 5100, 100, 50));
    const auto found = sweep();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].pid, 200);
    EXPECT_EQ(found[0].tree, 0u);
    EXPECT_EQ(found[0].because, "child of pid 100 (deploy.sh), started during the action");
}

TEST_F(TreeSweepTest, ProcessThatExistedAtTheSnapshotIsNotANewcomer) {
    // A child the decision spared (another user's, say) is in the snapshot: it stays spared.
    add(before, process(200, 100, 4500, 100, 50));
    add(now, process(200, 100, 4500, 100, 50));
    EXPECT_TRUE(sweep().empty());
}

TEST_F(TreeSweepTest, PidReusedSinceTheSnapshotIsANewcomer) {
    add(before, process(200, 1, 3000, 200, 200, "other"));
    add(now, process(200, 100, 5200, 100, 50));
    ASSERT_EQ(sweep().size(), 1u);
}

TEST_F(TreeSweepTest, ProcessOlderThanTheSnapshotIsNeverANewcomer) {
    // Missing from the snapshot (unreadable then), but older: it was not started by the action.
    add(now, process(200, 100, 4999, 100, 50));
    EXPECT_TRUE(sweep().empty());
}

TEST_F(TreeSweepTest, OrphanInTheProcessGroupOfAMemberIsANewcomer) {
    members[0].alive = false;  // the loop died on TERM; its child was re-parented to init
    add(now, process(200, 1, 5100, 100, 50));
    const auto found = sweep();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].because,
              "orphaned during the action, in the process group of pid 100 (deploy.sh)");
}

TEST_F(TreeSweepTest, OrphanInTheSessionAMemberLeadsIsANewcomer) {
    members[0].session = 100;  // the deploy leads its session (run by cron, say)
    add(now, process(200, 1, 5100, 300, 100));
    const auto found = sweep();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].because,
              "orphaned during the action, in the session led by pid 100 (deploy.sh)");
}

TEST_F(TreeSweepTest, OrphanAdoptedByASubreaperCounts) {
    add(now, process(10, 1, 20, 10, 10, "tini"));
    add(now, process(200, 10, 5100, 100, 50));
    ASSERT_EQ(sweep().size(), 1u);
}

TEST_F(TreeSweepTest, OrphanOfTheSameLoginSessionButAnotherGroupIsNotTouched) {
    // The login shell (session 50) is no member: another job of that session is not the tree's.
    add(now, process(200, 1, 5100, 200, 50));
    EXPECT_TRUE(sweep().empty());
}

TEST_F(TreeSweepTest, NewChildOfAParentThatIsNotAMemberIsNotTouched) {
    add(now, process(200, 50, 5100, 200, 50));  // the login shell ran something new
    EXPECT_TRUE(sweep().empty());
}

TEST_F(TreeSweepTest, ChildOfADeadMemberIsTiedOnlyThroughItsGroupOrSession) {
    // The member is gone and its pid may be someone else's now: a ppid equal to it proves nothing.
    members[0].alive = false;
    add(now, process(200, 100, 5100, 300, 300));
    EXPECT_TRUE(sweep().empty());
}

TEST_F(TreeSweepTest, JudgedZombieAndKernelProcessesAreNotReturned) {
    add(now, process(200, 100, 5100, 100, 50));
    ProcessInfo zombie = process(201, 100, 5100, 100, 50);
    zombie.state = 'Z';
    add(now, zombie);
    ProcessInfo kernel = process(202, 100, 5100, 100, 50);
    kernel.kernel_thread = true;
    add(now, kernel);
    judged.insert(200);
    EXPECT_TRUE(sweep().empty());
}

TEST(SnapshotTicks, AreTheUptimeInClockTicks) {
    BootClock clock;
    clock.uptime_ms = 123'456;
    clock.ticks_per_second = 100;
    EXPECT_EQ(snapshot_ticks(clock), 12'345u);
}

}  // namespace
}  // namespace spawngate
