// The tasks a hook invocation itself adds: the gate, and a shell parent that stays (Claude Code's
// `sh -c`), read from /proc/PPID/comm on a fixture tree.
#include "hook_runner.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "fixture_tree.hpp"

namespace spawngate {
namespace {

std::string parent_comm_file() {
    return "/proc/" + std::to_string(::getppid()) + "/comm";
}

TEST(HookRunner, AShellParentThatStaysIsASecondPassingTask) {
    testkit::FixtureTree tree;
    for (const char* shell : {"sh", "dash", "bash"}) {
        tree.write(parent_comm_file(), std::string(shell) + "\n");
        EXPECT_EQ(hook_runner_tasks(tree.root()), 2u) << shell;
    }
}

TEST(HookRunner, TheGateAloneWhenTheCliStartedItDirectly) {
    testkit::FixtureTree tree;
    tree.write(parent_comm_file(), "node\n");  // bash exec'd the gate: the CLI is its parent
    EXPECT_EQ(hook_runner_tasks(tree.root()), 1u);
    tree.write(parent_comm_file(), "shellcheck\n");
    EXPECT_EQ(hook_runner_tasks(tree.root()), 1u);
}

TEST(HookRunner, AnUnreadableParentCountsOnlyTheGate) {
    testkit::FixtureTree tree;
    tree.make_directory("/proc");
    EXPECT_EQ(hook_runner_tasks(tree.root()), 1u);
}

}  // namespace
}  // namespace spawngate
