// Deciding on plain structs: exclusions before rules, every matcher, descendants deepest first.

#include <gtest/gtest.h>

#include <algorithm>

#include "reap_decide.hpp"

namespace spawngate {
namespace {

constexpr pid_t kSelf = 900;
constexpr uid_t kUid = 1000;

ProcessInfo process(pid_t pid, pid_t ppid, const std::string& name, const std::string& cmdline = "",
                    std::uint64_t age_s = 600) {
    ProcessInfo info;
    info.pid = pid;
    info.ppid = ppid;
    info.session = 1;
    info.name = name;
    info.state = 'S';
    info.start_time_ticks = static_cast<std::uint64_t>(pid) * 10;
    info.age_ms = age_s * 1000;
    info.threads = 1;
    info.stat_read = info.status_read = info.cmdline_read = info.exe_read = true;
    info.uid = kUid;
    info.cmdline = cmdline.empty() ? name : cmdline;
    info.exe = "/usr/bin/" + name;
    info.anon_memory = AnonMemory{1 << 20, false};
    return info;
}

class DecideTest : public ::testing::Test {
  protected:
    Snapshot snapshot;
    ReaperConfig config;
    DecideContext context;

    void add(ProcessInfo info) {
        snapshot.index[info.pid] = snapshot.processes.size();
        snapshot.processes.push_back(std::move(info));
    }

    Rule& rule(const std::string& toml_body) {
        const ConfigLoad load = parse_reaper_config(
            "[[rule]]\nname = \"r" + std::to_string(config.rules.size()) + "\"\n" + toml_body,
            "test");
        EXPECT_TRUE(load.config) << (load.error ? load.error->text() : "");
        config.rules.push_back(load.config->rules.front());
        return config.rules.back();
    }

    std::vector<Decision> run() {
        context.self_pid = kSelf;
        context.self_uid = kUid;
        context.self_and_ancestors = self_and_ancestors(snapshot, kSelf);
        context.scope_members.resize(config.rules.size());
        return decide(snapshot, config, context);
    }

    void SetUp() override {
        ProcessInfo init = process(1, 0, "init");
        add(init);
        ProcessInfo kthreadd = process(2, 0, "kthreadd");
        kthreadd.kernel_thread = true;
        add(kthreadd);
        add(process(800, 1, "bash"));             // the reaper's parent shell
        add(process(kSelf, 800, "spawnreaper"));  // the reaper itself
    }
};

TEST_F(DecideTest, MatchingProcessIsReapedWithTheReason) {
    add(process(100, 1, "deploy", "deploy --prod"));
    rule("cmdline = '^deploy '\nolder_than = \"120s\"\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].kind, DecisionKind::Reap);
    EXPECT_EQ(decisions[0].victim.pid, 100);
    EXPECT_EQ(decisions[0].reason, "cmdline ~ /^deploy /; age 600s > 2m");
    ASSERT_EQ(decisions[0].parent_chain.size(), 1u);
    EXPECT_EQ(decisions[0].parent_chain[0].name, "init");
}

TEST_F(DecideTest, YoungProcessIsNotMatched) {
    add(process(100, 1, "deploy", "deploy --prod", 60));
    rule("cmdline = '^deploy '\nolder_than = \"120s\"\n");
    EXPECT_TRUE(run().empty());
}

TEST_F(DecideTest, InitAndKernelThreadsNeverReachARule) {
    rule("process_name = '^(init|kthreadd)$'\n");
    EXPECT_TRUE(run().empty());
}

TEST_F(DecideTest, ProcessEnteredFromOutsideTheNamespaceIsJudgedLikeAnyOther) {
    // `docker exec` / nsenter: the parent is outside the namespace, so ppid reads 0.
    add(process(100, 0, "deploy", "deploy --prod"));
    rule("cmdline = '^deploy '\n");
    ASSERT_EQ(run().size(), 1u);
}

TEST_F(DecideTest, ZombiesAreLeftToTheirParent) {
    ProcessInfo zombie = process(100, 1, "node");
    zombie.state = 'Z';
    add(zombie);
    rule("process_name = '^node$'\n");
    EXPECT_TRUE(run().empty());
}

TEST_F(DecideTest, TheReaperAndItsAncestorsAreSparedAndSaySo) {
    rule("process_name = '^(bash|spawnreaper)$'\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 2u);
    for (const Decision& decision : decisions) {
        EXPECT_EQ(decision.kind, DecisionKind::Spared);
        EXPECT_EQ(decision.spared_by, Exclusion::SelfOrAncestor);
    }
}

TEST_F(DecideTest, ProtectedNamesAndCmdlinesAreSpared) {
    add(process(100, 1, "sshd"));
    add(process(101, 1, "node", "node keep-me.js"));
    config.settings.protect_names = {"sshd"};
    std::string error;
    config.settings.protect_cmdlines.push_back(*Pattern::compile("keep-me", error));
    rule("process_name = '^(sshd|node)$'\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 2u);
    EXPECT_EQ(decisions[0].spared_by, Exclusion::Protected);
    EXPECT_EQ(decisions[1].spared_by, Exclusion::Protected);
}

TEST_F(DecideTest, OtherUsersProcessesMatchOnlyARuleNamingThatUser) {
    ProcessInfo foreign = process(100, 1, "node");
    foreign.uid = 0;
    add(foreign);
    rule("process_name = '^node$'\n");
    EXPECT_TRUE(run().empty());
    rule("process_name = '^node$'\nuser = \"root\"\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].rule_name, "r1");
}

TEST_F(DecideTest, UnknownUidNeverMatches) {
    ProcessInfo unknown = process(100, 1, "node");
    unknown.uid.reset();
    add(unknown);
    rule("process_name = '^node$'\n");
    EXPECT_TRUE(run().empty());
}

TEST_F(DecideTest, OrphanMeansParentIsInitOrASubreaper) {
    add(process(50, 1, "tini"));
    add(process(100, 1, "python3"));    // orphan of init
    add(process(101, 50, "python3"));   // orphan adopted by tini
    add(process(102, 800, "python3"));  // a shell's child: not an orphan
    config.settings.subreapers = {"tini"};
    rule("process_name = '^python3$'\norphan = true\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 2u);
    EXPECT_EQ(decisions[0].victim.pid, 100);
    EXPECT_EQ(decisions[1].victim.pid, 101);
    EXPECT_NE(decisions[1].reason.find("orphan (parent 50 tini)"), std::string::npos);
}

TEST_F(DecideTest, SessionLeadersAreSkippedWhenAsked) {
    ProcessInfo daemon = process(100, 1, "python3");
    daemon.session = 100;
    add(daemon);
    rule("process_name = '^python3$'\norphan = true\nskip_session_leaders = true\n");
    EXPECT_TRUE(run().empty());
}

TEST_F(DecideTest, AnonymousMemoryAboveTheLimitMatchesAndVmRssFallbackIsNamed) {
    ProcessInfo big = process(100, 1, "node", "node worker.js");
    big.anon_memory = AnonMemory{3ull << 30, true};
    add(big);
    add(process(101, 1, "node", "node worker.js"));  // 1 MiB
    rule("process_name = '^node$'\nanon_memory_above = \"2GiB\"\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].victim.pid, 100);
    EXPECT_NE(decisions[0].reason.find("3072 MiB (VmRSS fallback) > 2048 MiB"), std::string::npos);
}

TEST_F(DecideTest, MissingMemoryReadingNeverMatchesAMemoryRule) {
    ProcessInfo unknown = process(100, 1, "node");
    unknown.anon_memory.reset();
    add(unknown);
    rule("process_name = '^node$'\nanon_memory_above = \"1B\"\n");
    EXPECT_TRUE(run().empty());
}

TEST_F(DecideTest, ThreadsAboveMatches) {
    ProcessInfo busy = process(100, 1, "java");
    busy.threads = 300;
    add(busy);
    add(process(101, 1, "java"));
    rule("process_name = '^java$'\nthreads_above = 200\n");
    ASSERT_EQ(run().size(), 1u);
}

TEST_F(DecideTest, CgroupScopeLimitsTheRule) {
    add(process(100, 1, "node"));
    add(process(101, 1, "node"));
    rule("process_name = '^node$'\ncgroup = \"/agents\"\n");
    context.scope_members.resize(1);
    context.scope_members[0] = std::unordered_set<pid_t>{101};
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].victim.pid, 101);
}

TEST_F(DecideTest, UnlistableCgroupScopeMatchesNothing) {
    add(process(100, 1, "node"));
    rule("process_name = '^node$'\ncgroup = \"/agents\"\n");
    EXPECT_TRUE(run().empty());
}

TEST_F(DecideTest, DescendantsComeDeepestFirstAndAreNotDecidedTwice) {
    add(process(100, 1, "deploy", "deploy x"));
    add(process(110, 100, "sh", "deploy child"));
    add(process(120, 110, "sleep", "deploy grandchild"));
    add(process(111, 100, "sleep"));
    rule("cmdline = '^deploy'\ndescendants = true\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    std::vector<pid_t> order;
    for (const ProcessRef& child : decisions[0].descendants) order.push_back(child.pid);
    ASSERT_EQ(order.size(), 3u);
    EXPECT_EQ(order.front(), 120);  // depth 2 before depth 1
    EXPECT_EQ(decisions[0].descendants.front().start_time_ticks, 1200u);
}

TEST_F(DecideTest, DescendantsNeverIncludeTheReapersChain) {
    // The reaper runs below a matching process: that process is its ancestor, so it is spared,
    // and nothing of the chain is taken as a descendant.
    snapshot.processes.clear();
    snapshot.index.clear();
    add(process(1, 0, "init"));
    add(process(700, 1, "deploy", "deploy x"));
    add(process(800, 700, "bash"));
    add(process(kSelf, 800, "spawnreaper"));
    rule("cmdline = '^deploy'\ndescendants = true\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].kind, DecisionKind::Spared);
    EXPECT_TRUE(decisions[0].descendants.empty());
}

TEST_F(DecideTest, FirstMatchingRuleDecides) {
    add(process(100, 1, "node", "node worker.js"));
    rule("process_name = '^node$'\n");
    rule("cmdline = 'worker'\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].rule_name, "r0");
}

TEST_F(DecideTest, ParentLoopInGarbageInputDoesNotHang) {
    add(process(100, 101, "a"));
    add(process(101, 100, "b"));
    rule("process_name = '^a$'\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_LE(decisions[0].parent_chain.size(), 64u);
}

// --- Every descendant is judged like a victim -------------------------------------------------

std::vector<pid_t> pids_of(const std::vector<ProcessRef>& refs) {
    std::vector<pid_t> pids;
    for (const ProcessRef& ref : refs) pids.push_back(ref.pid);
    std::sort(pids.begin(), pids.end());
    return pids;
}

const SparedProcess* spared(const Decision& decision, pid_t pid) {
    for (const SparedProcess& entry : decision.spared_descendants)
        if (entry.process.pid == pid) return &entry;
    return nullptr;
}

TEST_F(DecideTest, AnotherUsersDescendantIsSparedAndTheRestOfTheTreeIsTaken) {
    add(process(100, 1, "deploy", "deploy x"));
    ProcessInfo nobody = process(110, 100, "sleep");
    nobody.uid = 65534;
    add(nobody);
    add(process(111, 100, "sleep"));
    rule("cmdline = '^deploy'\ndescendants = true\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].kind, DecisionKind::Reap);
    EXPECT_EQ(pids_of(decisions[0].descendants), std::vector<pid_t>{111});
    const SparedProcess* entry = spared(decisions[0], 110);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->spared_by, Exclusion::OtherUser);
    EXPECT_EQ(entry->process.uid, std::optional<uid_t>(65534));
}

TEST_F(DecideTest, ADescendantOfTheUserTheRuleNamesIsTaken) {
    ProcessInfo victim = process(100, 1, "deploy", "deploy x");
    victim.uid = 1001;
    add(victim);
    ProcessInfo child = process(110, 100, "sleep");
    child.uid = 1001;
    add(child);
    ProcessInfo stranger = process(111, 100, "sleep");
    stranger.uid = 1002;
    add(stranger);
    rule("cmdline = '^deploy'\nuser = \"1001\"\ndescendants = true\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(pids_of(decisions[0].descendants), std::vector<pid_t>{110});
    ASSERT_NE(spared(decisions[0], 111), nullptr);
    EXPECT_EQ(spared(decisions[0], 111)->spared_by, Exclusion::OtherUser);
}

TEST_F(DecideTest, DescendantOutsideTheRulesScopeIsSpared) {
    add(process(100, 1, "deploy", "deploy x"));
    add(process(110, 100, "sleep"));
    ProcessInfo elsewhere = process(111, 100, "sleep");
    elsewhere.cgroup = "/system.slice/other";
    add(elsewhere);
    rule("cmdline = '^deploy'\ncgroup = \"/agents\"\ndescendants = true\n");
    context.scope_members.resize(1);
    context.scope_members[0] = std::unordered_set<pid_t>{100, 110};
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(pids_of(decisions[0].descendants), std::vector<pid_t>{110});
    ASSERT_NE(spared(decisions[0], 111), nullptr);
    EXPECT_EQ(spared(decisions[0], 111)->spared_by, Exclusion::OutsideScope);
    EXPECT_EQ(spared(decisions[0], 111)->process.cgroup,
              std::optional<std::string>("/system.slice/other"));
}

TEST_F(DecideTest, ProcessBornAfterTheScopeWasListedIsPlacedByItsCgroupPath) {
    ProcessInfo inside = process(300, 1, "sleep");
    inside.cgroup = "/agents/job-1";
    ProcessInfo sibling = process(301, 1, "sleep");
    sibling.cgroup = "/agents-other";
    Rule& scoped = rule("cmdline = '^deploy'\ncgroup = \"/agents\"\n");
    context.self_uid = kUid;
    context.scope_members = {std::unordered_set<pid_t>{}};
    context.scope_paths = {std::string("/agents")};
    EXPECT_EQ(tree_member_exclusion(inside, scoped, 0, config.settings, context), Exclusion::None);
    EXPECT_EQ(tree_member_exclusion(sibling, scoped, 0, config.settings, context),
              Exclusion::OutsideScope);
}

TEST_F(DecideTest, ProtectedDescendantKeepsItsWholeSubtree) {
    add(process(100, 1, "deploy", "deploy x"));
    add(process(110, 100, "sshd"));
    add(process(120, 110, "bash"));
    add(process(111, 100, "sleep"));
    config.settings.protect_names = {"sshd"};
    rule("cmdline = '^deploy'\ndescendants = true\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(pids_of(decisions[0].descendants), std::vector<pid_t>{111});
    EXPECT_EQ(spared(decisions[0], 110)->spared_by, Exclusion::Protected);
    ASSERT_NE(spared(decisions[0], 120), nullptr);
    EXPECT_EQ(spared(decisions[0], 120)->spared_by, Exclusion::BelowSpared);
}

TEST_F(DecideTest, DescendantThatLeadsASessionOfItsOwnIsSpared) {
    add(process(100, 1, "deploy", "deploy x"));
    ProcessInfo service = process(110, 100, "nginx");
    service.session = 110;  // setsid: a service the deploy started
    add(service);
    add(process(111, 100, "sleep"));
    rule("cmdline = '^deploy'\ndescendants = true\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(pids_of(decisions[0].descendants), std::vector<pid_t>{111});
    EXPECT_EQ(spared(decisions[0], 110)->spared_by, Exclusion::OwnSession);
}

TEST_F(DecideTest, DescendantWhoseUserCouldNotBeReadIsSpared) {
    add(process(100, 1, "deploy", "deploy x"));
    ProcessInfo unread = process(110, 100, "sleep");
    unread.uid.reset();
    unread.unreadable = Problem{"/proc/110/status", "Permission denied"};
    add(unread);
    rule("cmdline = '^deploy'\ndescendants = true\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_TRUE(decisions[0].descendants.empty());
    EXPECT_EQ(spared(decisions[0], 110)->spared_by, Exclusion::Unreadable);
}

TEST_F(DecideTest, DescendantsCarryTheirUserAndCgroupForTheLog) {
    add(process(100, 1, "deploy", "deploy x"));
    ProcessInfo child = process(110, 100, "sleep");
    child.cgroup = "/agents";
    add(child);
    rule("cmdline = '^deploy'\ndescendants = true\n");
    const auto decisions = run();
    ASSERT_EQ(decisions[0].descendants.size(), 1u);
    EXPECT_EQ(decisions[0].descendants[0].uid, std::optional<uid_t>(kUid));
    EXPECT_EQ(decisions[0].descendants[0].cgroup, std::optional<std::string>("/agents"));
}

// --- program and ages ----------------------------------------------------------------------------

TEST_F(DecideTest, ProgramMatcherMatchesTheScriptAndSaysSo) {
    ProcessInfo playbook =
        process(100, 1, "ansible-playboo", "/usr/bin/python3 /usr/bin/ansible-playbook site.yml");
    playbook.program = "ansible-playbook";
    add(playbook);
    ProcessInfo editor = process(101, 1, "vim", "vim deploy.sh");
    editor.program = "vim";
    add(editor);
    rule("program = '^(deploy\\.sh|ansible-playbook)$'\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].victim.pid, 100);
    EXPECT_EQ(decisions[0].reason,
              "program 'ansible-playbook' ~ /^(deploy\\.sh|ansible-playbook)$/");
}

TEST_F(DecideTest, UnknownProgramNeverMatches) {
    ProcessInfo empty = process(100, 1, "deploy", "");
    empty.program.reset();
    add(empty);
    rule("program = 'deploy'\n");
    EXPECT_TRUE(run().empty());
}

TEST_F(DecideTest, AgeInTheReasonKeepsTheMillisecondsTheComparisonUsed) {
    ProcessInfo young = process(100, 1, "deploy", "deploy x");
    young.age_ms = 1300;
    add(young);
    rule("cmdline = '^deploy'\nolder_than = \"1s\"\n");
    const auto decisions = run();
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].reason, "cmdline ~ /^deploy/; age 1.3s > 1s");
}

TEST(FormatAge, ShowsMillisecondsOnlyWhereThereAreAny) {
    EXPECT_EQ(format_age(0), "0s");
    EXPECT_EQ(format_age(42), "0.042s");
    EXPECT_EQ(format_age(1300), "1.3s");
    EXPECT_EQ(format_age(1001), "1.001s");
    EXPECT_EQ(format_age(600000), "600s");
    EXPECT_EQ(format_age(120412), "120.412s");
}

}  // namespace
}  // namespace spawngate
