// Scanning a fixture /proc: every process by its stat, details only on request, and whatever
// vanished or is garbage skipped quietly.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "fixture_tree.hpp"
#include "process_snapshot.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;

std::string stat_line(int pid, const std::string& comm, int ppid, char state = 'S',
                      unsigned flags = 0, unsigned long start_ticks = 10'000) {
    return std::to_string(pid) + " (" + comm + ") " + state + " " + std::to_string(ppid) + " " +
           std::to_string(pid) + " " + std::to_string(pid) + " 0 -1 " + std::to_string(flags) +
           " 0 0 0 0 0 0 0 0 20 0 3 0 " + std::to_string(start_ticks) + " 1000 100 0\n";
}

class SnapshotTest : public ::testing::Test {
  protected:
    FixtureTree tree;
    BootClock clock{100'000, 1'700'000'000, 100};  // 100 s since boot

    void SetUp() override {
        tree.write("/proc/1/stat", stat_line(1, "init", 0));
        tree.write("/proc/2/stat", stat_line(2, "kthreadd", 0, 'S', 0x00200040u));
        tree.write("/proc/50/stat", stat_line(50, "a) b (c", 1, 'S', 0, 1'000));
        tree.write("/proc/50/status",
                   "Uid:\t1000\t1000\t1000\t1000\nThreads:\t3\nVmRSS:\t100 kB\n");
        tree.write("/proc/50/cmdline", std::string("python3\0-c\0pass\0", 17));
        tree.write("/proc/60/stat", stat_line(60, "defunct", 50, 'Z'));
        tree.write("/proc/70/stat", "garbage that is not a stat line");
        tree.make_directory("/proc/80");  // vanished between the listing and the read
    }
};

TEST_F(SnapshotTest, EveryReadableProcessIsScannedAndTheRestSkippedQuietly) {
    const Snapshot snapshot = scan_processes(tree.root(), clock);
    ASSERT_FALSE(snapshot.problem);
    std::vector<pid_t> pids;
    for (const ProcessInfo& process : snapshot.processes) pids.push_back(process.pid);
    EXPECT_EQ(pids, (std::vector<pid_t>{1, 2, 50, 60}));
}

TEST_F(SnapshotTest, StatFieldsAndAgeAreFilled) {
    const Snapshot snapshot = scan_processes(tree.root(), clock);
    const ProcessInfo* hostile = snapshot.find(50);
    ASSERT_NE(hostile, nullptr);
    EXPECT_EQ(hostile->name, "a) b (c");
    EXPECT_EQ(hostile->ppid, 1);
    EXPECT_EQ(hostile->age_ms, 90'000u);  // started at 10 s, now 100 s
    EXPECT_TRUE(snapshot.find(2)->kernel_thread);
    EXPECT_TRUE(snapshot.find(60)->zombie());
    EXPECT_FALSE(hostile->status_read);
    EXPECT_FALSE(hostile->cmdline_read);
}

TEST_F(SnapshotTest, DetailsAreReadOnRequest) {
    Snapshot snapshot = scan_processes(tree.root(), clock);
    ProcessInfo* process = snapshot.find(50);
    read_details(tree.root(), *process);
    EXPECT_TRUE(process->status_read);
    EXPECT_EQ(process->uid, 1000u);
    EXPECT_EQ(process->cmdline, "python3 -c pass");
    ASSERT_TRUE(process->anon_memory);
    EXPECT_TRUE(process->anon_memory->from_vmrss_fallback);
    EXPECT_FALSE(process->exe);  // no exe link in the fixture: unknown, not ""
}

TEST_F(SnapshotTest, DetailsOfAVanishedProcessStayUnread) {
    Snapshot snapshot = scan_processes(tree.root(), clock);
    tree.remove("/proc/50");
    ProcessInfo* process = snapshot.find(50);
    read_details(tree.root(), *process);
    EXPECT_FALSE(process->uid);
    EXPECT_FALSE(process->cmdline);
    EXPECT_FALSE(process->anon_memory);
}

TEST_F(SnapshotTest, CmdlineAloneCanBeReadWithoutStatus) {
    Snapshot snapshot = scan_processes(tree.root(), clock);
    ProcessInfo* process = snapshot.find(50);
    read_cmdline(tree.root(), *process);
    EXPECT_EQ(process->cmdline, "python3 -c pass");
    EXPECT_FALSE(process->status_read);
    EXPECT_FALSE(process->uid);
}

// The program comes from the raw argv the scan reads, however hostile the file.
std::optional<std::string> program_read_from(const testkit::FixtureTree& tree, const Root& root,
                                             const BootClock& clock, std::string_view argv) {
    tree.write("/proc/50/cmdline", argv);
    Snapshot snapshot = scan_processes(root, clock);
    ProcessInfo* process = snapshot.find(50);
    read_cmdline(root, *process);
    EXPECT_TRUE(process->cmdline) << "a readable cmdline is a real answer, even an empty one";
    return process->program;
}

TEST_F(SnapshotTest, ProgramIsReadThroughTheInterpreterFromTheRawArgv) {
    using namespace std::string_literals;
    EXPECT_EQ(program_read_from(tree, tree.root(), clock, "/bin/bash\0-e\0./deploy.sh\0"s),
              "deploy.sh");
    EXPECT_EQ(program_read_from(tree, tree.root(), clock, "npm run deploy\0\0\0\0"s), "deploy");
}

TEST_F(SnapshotTest, EmptyAndNulOnlyCmdlinesHaveNoProgram) {
    using namespace std::string_literals;
    EXPECT_EQ(program_read_from(tree, tree.root(), clock, ""), std::nullopt);
    EXPECT_EQ(program_read_from(tree, tree.root(), clock, "\0\0\0"s), std::nullopt);
}

TEST_F(SnapshotTest, HugeCmdlineIsReadOnlyAsFarAsTheBoundAndStillNamesItsProgram) {
    // 128 KiB of argv: the reader keeps 32 KiB, the program is found in the first words.
    std::string argv = std::string("python3\0-u\0deploy.py\0", 21);
    while (argv.size() < 128 * 1024) argv += std::string("--flag\0", 7);
    EXPECT_EQ(program_read_from(tree, tree.root(), clock, argv), "deploy.py");
}

TEST_F(SnapshotTest, HostileBytesInArgvComeBackUnchangedInTheProgram) {
    using namespace std::string_literals;
    const std::string name = "dep\nloy\x01\xff.sh";
    EXPECT_EQ(program_read_from(tree, tree.root(), clock, "sh\0/tmp/"s + name + "\0"s), name);
}

TEST_F(SnapshotTest, NameFilterSkipsTheStatOfProcessesNoRuleNames) {
    tree.write("/proc/1/comm", "init\n");
    tree.write("/proc/2/comm", "kthreadd\n");
    tree.write("/proc/50/comm", "a) b (c\n");
    tree.write("/proc/60/comm", "defunct\n");
    std::string error;
    const Pattern hostile = *Pattern::compile("^a\\) b", error);
    const std::vector<const Pattern*> filter{&hostile};
    Snapshot snapshot = scan_processes(tree.root(), clock, &filter);
    EXPECT_FALSE(snapshot.complete);
    EXPECT_TRUE(snapshot.find(50)->stat_read);
    EXPECT_EQ(snapshot.find(50)->ppid, 1);
    EXPECT_FALSE(snapshot.find(60)->stat_read);
    EXPECT_EQ(snapshot.find(60)->name, "defunct");
    EXPECT_TRUE(ensure_stat(tree.root(), clock, snapshot, 60));
    EXPECT_EQ(snapshot.find(60)->ppid, 50);
    complete_scan(tree.root(), clock, snapshot);
    EXPECT_TRUE(snapshot.complete);
    EXPECT_TRUE(snapshot.find(2)->kernel_thread);
}

TEST(Snapshot, UnreadableProcIsAProblem) {
    FixtureTree tree;
    EXPECT_TRUE(scan_processes(tree.root(), BootClock{}).problem);
}

}  // namespace
}  // namespace spawngate
