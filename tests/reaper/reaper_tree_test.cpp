// Trees on real processes: every descendant is judged like a victim (another user's child, a
// child in another cgroup), and a tree ends whole even when it grows while it is being reaped (a
// TERM-ignoring loop that forks every 200 ms, a supervisor that restarts its child).
//
// Each victim runs in a session of its own (setsid), so that "nothing it started is alive" is a
// question /proc answers exactly: no live process is left in that session. A guard kills whatever
// is left in the session when a test ends, also when it fails.

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <regex>

#include "pidfd.hpp"
#include "proc_stat.hpp"
#include "reaper_scenario.hpp"

namespace spawngate {
namespace {

// The live (non-zombie) processes of session `session`, from /proc.
std::vector<pid_t> live_in_session(pid_t session) {
    std::vector<pid_t> found;
    DIR* proc = ::opendir("/proc");
    if (!proc) return found;
    while (const dirent* entry = ::readdir(proc)) {
        const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
        if (pid <= 0) continue;
        const auto stat = read_proc_stat(Root("/"), pid);
        if (stat && stat->session == session && !stat->is_zombie()) found.push_back(pid);
    }
    ::closedir(proc);
    return found;
}

// Kills (through pidfds) whatever is still alive in a session when the test ends.
class SessionGuard {
  public:
    explicit SessionGuard(pid_t session) : session_(session) {}
    ~SessionGuard() {
        for (int round = 0; round < 5; ++round)
            for (const pid_t pid : live_in_session(session_)) {
                int error = 0;
                const PidFd pidfd = PidFd::open(pid, error);
                if (pidfd.valid()) pidfd.send_signal(SIGKILL);
            }
    }
    SessionGuard(const SessionGuard&) = delete;
    SessionGuard& operator=(const SessionGuard&) = delete;

  private:
    pid_t session_;
};

class ReaperTree : public ReaperScenario {
  protected:
    // A shell script as the victim, leading a session of its own, with the token in its argv.
    RealProcess& victim_script(const std::string& script, const std::string& procs = "") {
        RealProcess& victim = keep(RealProcess::spawn(
            "/usr/bin/setsid", {"setsid", "/bin/bash", "-c", script, "tree-" + token}, false,
            procs.empty() ? procs_file() : procs));
        guards.push_back(std::make_unique<SessionGuard>(victim.pid()));
        return victim;
    }

    RunResult reap_once(const std::string& rule_body) {
        const std::string config =
            write_config("[[rule]]\nname = \"tree\"\ncmdline = 'tree-" + token + "'\n" + rule_body +
                         "older_than = \"1s\"\ndescendants = true\n");
        auto arguments = standard_arguments(config);
        arguments.push_back("--once");
        return run_reaper(arguments);
    }

    const json* spared_entry(const json& line, pid_t pid) const {
        for (const json& entry : line["spared_descendants"])
            if (entry["pid"] == pid) return &entry;
        return nullptr;
    }

    std::vector<std::unique_ptr<SessionGuard>> guards;
};

// Waits until the session holds at least `count` live processes (bounded).
bool session_grows_to(pid_t session, std::size_t count) {
    for (int attempt = 0; attempt < 300; ++attempt) {
        if (live_in_session(session).size() >= count) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

TEST_F(ReaperTree, AnotherUsersChildIsSparedWhenTheRuleNamesNoUser) {
    RealProcess& victim = victim_script(
        "setpriv --reuid=65534 --regid=65534 --clear-groups sleep 300 & sleep 300 & wait");
    ASSERT_TRUE(session_grows_to(victim.pid(), 3));
    const auto children = testkit::children_of(victim.pid(), 2, 2000);
    ASSERT_EQ(children.size(), 2u);
    // Until setpriv has changed user (a loaded machine takes a while): bounded at 5 s.
    pid_t nobody_child = 0, own_child = 0;
    for (int attempt = 0; attempt < 500 && nobody_child == 0; ++attempt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        for (const pid_t child : children) {
            struct stat info {};
            ASSERT_EQ(::stat(("/proc/" + std::to_string(child)).c_str(), &info), 0);
            (info.st_uid == 65534 ? nobody_child : own_child) = child;
        }
    }
    ASSERT_NE(nobody_child, 0) << "the setpriv child did not become nobody's";
    RealProcess& nobody = keep(RealProcess::adopt(nobody_child));
    RealProcess& own = keep(RealProcess::adopt(own_child));
    wait_older_than_one_second();

    const RunResult run = reap_once("grace = \"2s\"\n");
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_TRUE(victim.wait_exit(2000));
    EXPECT_TRUE(own.wait_exit(2000));
    EXPECT_TRUE(nobody.alive()) << "another user's child was signalled by a rule naming no user";

    const auto line = decision_for(victim.pid());
    ASSERT_TRUE(line) << read_text(log_path());
    EXPECT_EQ((*line)["action"], "reap");
    const json* spared = spared_entry(*line, nobody_child);
    ASSERT_NE(spared, nullptr) << line->dump();
    EXPECT_EQ((*spared)["outcome"], "spared");
    EXPECT_EQ((*spared)["uid"], 65534);
    EXPECT_EQ((*spared)["user"], "nobody");
    EXPECT_EQ((*spared)["spared_by"], "another user's process, and the rule names no such user");
    ASSERT_EQ((*line)["descendants"].size(), 1u);
    EXPECT_EQ((*line)["descendants"][0]["pid"], own_child);
    EXPECT_EQ((*line)["descendants"][0]["uid"], 0);
    EXPECT_TRUE((*line)["descendants"][0].contains("cgroup"));
}

TEST_F(ReaperTree, ChildInACgroupOutsideTheRulesScopeIsSpared) {
    if (!cgroup || !cgroup->created())
        GTEST_SKIP() << "no writable pids cgroupfs for a scoped rule: "
                     << (cgroup ? cgroup->why_not() : "");
    testkit::TestCgroup elsewhere("spawnreaper-elsewhere-" + token);
    if (!elsewhere.created())
        GTEST_SKIP() << "cannot make a second cgroup: " << elsewhere.why_not();
    RealProcess& victim = victim_script("sh -c 'echo $$ > " + elsewhere.procs_file() +
                                        " && exec sleep 300' & sleep 300 & wait");
    ASSERT_TRUE(session_grows_to(victim.pid(), 3));
    const auto children = testkit::children_of(victim.pid(), 2, 2000);
    ASSERT_EQ(children.size(), 2u);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // moved, then exec'd sleep
    std::vector<RealProcess*> kept;
    for (const pid_t child : children) kept.push_back(&keep(RealProcess::adopt(child)));
    wait_older_than_one_second();

    const RunResult run = reap_once("cgroup = \"" + cgroup->name() + "\"\ngrace = \"2s\"\n");
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_TRUE(victim.wait_exit(2000));
    const auto line = decision_for(victim.pid());
    ASSERT_TRUE(line) << read_text(log_path());
    ASSERT_EQ((*line)["spared_descendants"].size(), 1u) << line->dump();
    const json& spared = (*line)["spared_descendants"][0];
    EXPECT_EQ(spared["spared_by"], "outside the rule's cgroup scope");
    EXPECT_EQ(spared["cgroup"], elsewhere.name());
    for (RealProcess* child : kept) {
        if (child->pid() == spared["pid"].get<pid_t>()) {
            EXPECT_TRUE(child->alive()) << "a child outside the rule's scope was signalled";
        } else {
            EXPECT_TRUE(child->wait_exit(2000)) << "the in-scope child was not reaped";
        }
    }
}

TEST_F(ReaperTree, TermIgnoringLoopThatForksEvery200msLeavesNothingBehind) {
    // Every child inherits the ignored TERM, as a real loop's `cmd &` children do.
    RealProcess& victim = victim_script("trap '' TERM; while :; do sleep 300 & sleep 0.2; done");
    ASSERT_TRUE(session_grows_to(victim.pid(), 4));
    wait_older_than_one_second();

    const RunResult run = reap_once("grace = \"1s\"\n");
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_TRUE(victim.wait_exit(2000));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a straggler would show now
    EXPECT_EQ(live_in_session(victim.pid()), std::vector<pid_t>{})
        << "processes the loop started are still alive";

    const auto line = decision_for(victim.pid());
    ASSERT_TRUE(line) << read_text(log_path());
    EXPECT_EQ((*line)["outcome"], "killed_after_grace");
    // The loop forked about five times during the 1 s grace: those are logged as added.
    ASSERT_GE((*line)["added"].size(), 2u) << line->dump();
    for (const json& added : (*line)["added"]) {
        EXPECT_EQ(added["outcome"], "killed_as_newcomer") << added.dump();
        EXPECT_NE(added["added_because"].get<std::string>().find("started during the action"),
                  std::string::npos);
        EXPECT_EQ(added["uid"], 0);
    }
}

TEST_F(ReaperTree, SupervisorThatRestartsItsChildEndsWithEveryChild) {
    if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
    // Ignores TERM itself; restarts a child that dies of TERM as soon as it does.
    RealProcess& victim = victim_script(
        "exec /usr/bin/python3 -c 'import signal, subprocess\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "while True:\n"
        "    subprocess.run([\"sleep\", \"300\"], "
        "preexec_fn=lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL))' tree-" +
        token);
    ASSERT_TRUE(session_grows_to(victim.pid(), 2));
    wait_older_than_one_second();

    const RunResult run = reap_once("grace = \"1s\"\n");
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_TRUE(victim.wait_exit(2000));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(live_in_session(victim.pid()), std::vector<pid_t>{})
        << "the restarted child outlived its supervisor";
    const auto line = decision_for(victim.pid());
    ASSERT_TRUE(line) << read_text(log_path());
    ASSERT_EQ((*line)["descendants"].size(), 1u);
    EXPECT_EQ((*line)["descendants"][0]["outcome"], "exited_after_signal");
    ASSERT_EQ((*line)["added"].size(), 1u) << "the restart, found by the sweep: " << line->dump();
    EXPECT_EQ((*line)["added"][0]["outcome"], "killed_as_newcomer");
}

TEST_F(ReaperTree, EachVictimsTimeToExitIsItsOwn) {
    // One victim dies at once on TERM, one ignores it: the first must not be logged with the
    // second one's grace.
    RealProcess& quick = sleeper("timing-" + token + "-quick");
    RealProcess& stubborn = sleeper("timing-" + token + "-stubborn", true);
    const std::string config = write_config("[[rule]]\nname = \"timing\"\n" +
                                            scope("^timing-" + token) + "grace = \"2s\"\n");
    const RunResult run = run_reaper(standard_arguments(config));
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_TRUE(quick.wait_exit(1000));
    EXPECT_TRUE(stubborn.wait_exit(3000));
    const auto fast = decision_for(quick.pid());
    ASSERT_TRUE(fast);
    EXPECT_EQ((*fast)["outcome"], "exited_after_signal");
    ASSERT_TRUE((*fast)["elapsed_ms"].is_number());
    EXPECT_LT((*fast)["elapsed_ms"].get<int>(), 1000) << fast->dump();
    EXPECT_EQ((*fast)["outcome_detail"],
              "exited after TERM in " + std::to_string((*fast)["elapsed_ms"].get<int>()) + " ms");
    EXPECT_EQ((*decision_for(stubborn.pid()))["outcome"], "killed_after_grace");
}

TEST_F(ReaperTree, MatchShowsAgesPreciseEnoughToExplainTheComparison) {
    RealProcess& young = sleeper("age-" + token);
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    const std::string config = write_config("[[rule]]\nname = \"age\"\n" + scope("^age-" + token) +
                                            "older_than = \"1s\"\n");
    auto arguments = standard_arguments(config);
    arguments.push_back("match");
    arguments.push_back("age");
    const RunResult run = run_reaper(arguments);
    ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
    const std::regex reason("age ([0-9]+)\\.([0-9]+)s > 1s");
    std::smatch found;
    ASSERT_TRUE(std::regex_search(run.stdout_text, found, reason)) << run.stdout_text;
    EXPECT_EQ(found[1], "1") << "1.3 s against 1 s must read 1.x, not 1";
    EXPECT_TRUE(young.alive());
}

}  // namespace
}  // namespace spawngate
