// The built spawngate executable, run as a hook or a CI step would run it: arguments,
// environment and stdin in; exit code, stdout and stderr out. Fixture trees stand in for "/".
#include <unistd.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cgroup_fixture.hpp"
#include "run_process.hpp"
#include "setting_table.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;
using testkit::ProcessResult;
using testkit::ProcessRun;

constexpr const char* kGate = SPAWNGATE_PATH;

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

class Gate : public ::testing::Test {
  protected:
    void SetUp() override { tree.write("/etc/spawngate.toml", ""); }

    // Runs the gate on the fixture tree with a clean environment plus `environment`.
    ProcessResult run(std::vector<std::string> arguments, std::vector<std::string> environment = {},
                      std::string stdin_text = {}, bool close_stdin = true) const {
        ProcessRun process;
        process.arguments = std::move(arguments);
        process.arguments.push_back("--root");
        process.arguments.push_back(tree.path());
        // Config and reservation ledger inside the fixture: nothing of the machine's leaks in.
        process.environment = {"PATH=/usr/bin:/bin",
                               "SPAWNGATE_CONFIG=" + tree.path_of("/etc/spawngate.toml"),
                               "SPAWNGATE_STATE_DIR=" + tree.path_of("/run/spawngate")};
        for (auto& entry : environment) {
            const std::string name = entry.substr(0, entry.find('=') + 1);
            std::erase_if(process.environment,
                          [&](const std::string& old) { return old.starts_with(name); });
            process.environment.push_back(std::move(entry));
        }
        process.stdin_text = std::move(stdin_text);
        process.close_stdin = close_stdin;
        return testkit::run_process(kGate, process);
    }

    // A v2 caller in /agents with `current` of 200 tasks.
    void agents_at(unsigned current) const {
        testkit::lay_out_v2(tree, "/agents");
        testkit::write_pids(tree, "/sys/fs/cgroup/agents", "200", std::to_string(current));
        testkit::write_tasks(tree, "/sys/fs/cgroup/agents", 3, current, true);
    }

    // A Claude Code PreToolUse document; its transcript is an empty file in the fixture.
    std::string claude_call(std::string_view tool_name, bool background = false) const {
        tree.write("/home/u/transcript.jsonl", "");
        return R"({"session_id":"s1","transcript_path":")" +
               tree.path_of("/home/u/transcript.jsonl") +
               R"(","cwd":"/","hook_event_name":"PreToolUse","tool_name":")" +
               std::string(tool_name) +
               R"(","tool_input":{"command":"sleep 100","run_in_background":)" +
               (background ? "true" : "false") + "}}";
    }

    FixtureTree tree;
};

TEST_F(Gate, BadFlagValueExits64NamingTheFlag) {
    const ProcessResult result = run({"--warn", "seventy"});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "--warn = 'seventy'")) << result.stderr_text;
}

TEST_F(Gate, UnknownFlagExits64NamingIt) {
    const ProcessResult result = run({"--wran"});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "unknown option '--wran'")) << result.stderr_text;
}

TEST_F(Gate, FlagWithoutItsValueExits64) {
    ProcessRun process;
    process.arguments = {"--root", tree.path(), "--cost"};
    process.environment = {"SPAWNGATE_CONFIG=" + tree.path_of("/etc/spawngate.toml")};
    const ProcessResult result = testkit::run_process(kGate, process);
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "'--cost' needs a value")) << result.stderr_text;
}

TEST_F(Gate, BadHookNameExits64) {
    const ProcessResult result = run({"--hook", "cursor"});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "--hook 'cursor'")) << result.stderr_text;
}

TEST_F(Gate, BadEnvironmentValueExits64NamingTheVariable) {
    const ProcessResult result = run({}, {"SPAWNGATE_THREAD_WARN=many"});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "SPAWNGATE_THREAD_WARN = 'many'"))
        << result.stderr_text;
}

TEST_F(Gate, BadConfigValueExits64NamingFileLineAndKey) {
    tree.write("/etc/spawngate.toml", "warn_percent = 60\ncost = -3\n");
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, tree.path_of("/etc/spawngate.toml") + ":2 'cost'"))
        << result.stderr_text;
}

TEST_F(Gate, ConfigSyntaxErrorExits64NamingFileAndLine) {
    tree.write("/etc/spawngate.toml", "\n\nwarn_percent = [\n");
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, tree.path_of("/etc/spawngate.toml") + ":"))
        << result.stderr_text;
}

TEST_F(Gate, MissingNamedConfigExits64) {
    const ProcessResult result = run({"--config", tree.path_of("/none.toml")});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, tree.path_of("/none.toml"))) << result.stderr_text;
}

TEST_F(Gate, ConfigNamedByEnvironmentThatIsMissingExits64) {
    const ProcessResult result = run({}, {"SPAWNGATE_CONFIG=" + tree.path_of("/none.toml")});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, tree.path_of("/none.toml"))) << result.stderr_text;
}

TEST_F(Gate, UnknownConfigKeyExits64NamingFileLineAndKey) {
    tree.write("/etc/spawngate.toml", "warn_percent = 60\nblock = 90\n");
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, tree.path_of("/etc/spawngate.toml") + ":2 'block'"))
        << result.stderr_text;
}

TEST_F(Gate, RoomInTheBudgetAllowsSilently) {
    agents_at(50);
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.stderr_text, "");
    EXPECT_EQ(result.stdout_text, "");
}

TEST_F(Gate, NearTheLimitWarnsWithOneLine) {
    agents_at(145);
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stderr_text, "spawngate: warning: pids limit of cgroup /agents"))
        << result.stderr_text;
    EXPECT_EQ(std::count(result.stderr_text.begin(), result.stderr_text.end(), '\n'), 1);
}

TEST_F(Gate, AtTheBlockLevelExitsTwoWithGuidance) {
    agents_at(175);
    const ProcessResult result = run({"check"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(contains(result.stderr_text, "175 + 1 of 200 tasks, 88.0%")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "spawnreaper --once")) << result.stderr_text;
}

TEST_F(Gate, CostFlagCanTurnAnAllowIntoABlock) {
    agents_at(100);
    EXPECT_EQ(run({"--cost", "80"}).exit_code, 2);
}

TEST_F(Gate, EnvironmentThresholdApplies) {
    agents_at(100);
    EXPECT_EQ(run({}, {"SPAWNGATE_BLOCK=50", "SPAWNGATE_WARN=40"}).exit_code, 2);
}

TEST_F(Gate, UnmeasurableBudgetFailsOpenWithOneLineOrBlocksWhenFailClosed) {
    const ProcessResult open = run({});
    EXPECT_EQ(open.exit_code, 0);
    EXPECT_TRUE(contains(open.stderr_text, "could not measure the task budget"))
        << open.stderr_text;
    const ProcessResult closed = run({"--fail-closed"});
    EXPECT_EQ(closed.exit_code, 2);
    EXPECT_TRUE(contains(closed.stderr_text, "--fail-closed")) << closed.stderr_text;
}

TEST_F(Gate, JsonReportHasTheDocumentedFields) {
    agents_at(175);
    tree.write("/sys/fs/cgroup/agents/memory.max", "1000000\n");
    tree.write("/sys/fs/cgroup/agents/memory.stat", "anon 100000\nfile 5\nshmem 0\n");
    const ProcessResult result = run({"--json"});
    EXPECT_EQ(result.exit_code, 2);
    const nlohmann::json json = nlohmann::json::parse(result.stdout_text);
    EXPECT_EQ(json["verdict"], "block");
    EXPECT_EQ(json["deciding"]["kind"], "cgroup-pids");
    EXPECT_EQ(json["deciding"]["name"], "/agents");
    ASSERT_TRUE(json["limits"].is_array());
    ASSERT_FALSE(json["limits"].empty());
    EXPECT_EQ(json["limits"][0]["current"], 175);
    EXPECT_EQ(json["limits"][0]["max"], 200);
    EXPECT_EQ(json["limits"][0]["path"], "/sys/fs/cgroup/agents");
    ASSERT_TRUE(json["levels"].is_array());
    ASSERT_EQ(json["levels"].size(), 2u);
    EXPECT_EQ(json["levels"][0]["cgroup"], "/agents");
    EXPECT_TRUE(json["levels"][1]["max"].is_null());
    EXPECT_EQ(json["processes"], 3);
    EXPECT_EQ(json["threads"], 175);
    EXPECT_EQ(json["memory"]["charged_bytes"], 100000);
    EXPECT_EQ(json["memory"]["limit_bytes"], 1000000);
    EXPECT_TRUE(json["problems"].is_array());
    EXPECT_TRUE(json["problems"].empty());
}

TEST_F(Gate, AllMaxHostJudgedByHostLimitsSaysWhichDecidedInJson) {
    testkit::lay_out_v2(tree, "/agents");
    testkit::write_pids(tree, "/sys/fs/cgroup/agents", "max", "10");
    testkit::write_tasks(tree, "/sys/fs/cgroup/agents", 1, 10, true);
    testkit::write_host_limits(tree, 800, 4194304, 1000);
    const ProcessResult result = run({"--json"});
    EXPECT_EQ(result.exit_code, 0);
    const nlohmann::json json = nlohmann::json::parse(result.stdout_text);
    EXPECT_EQ(json["verdict"], "warn");
    EXPECT_EQ(json["deciding"]["kind"], "host");
    EXPECT_EQ(json["deciding"]["name"], "kernel.threads-max");
    EXPECT_TRUE(contains(result.stderr_text, "host limit kernel.threads-max"))
        << result.stderr_text;
}

TEST_F(Gate, BudgetFlagBlocksAboveTheExplicitBudget) {
    testkit::lay_out_v2(tree, "/");
    testkit::write_pids(tree, "/sys/fs/cgroup", "max", "95");
    testkit::write_tasks(tree, "/sys/fs/cgroup", 10, 95, true);
    testkit::write_host_limits(tree, 800, 4194304, 100000);
    const ProcessResult result = run({"--budget", "100"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(contains(result.stderr_text, "explicit task budget")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "95 + 1 of 100 tasks")) << result.stderr_text;
}

TEST_F(Gate, JsonReportListsProblems) {
    agents_at(100);
    tree.write("/sys/fs/cgroup/agents/pids.max", "garbage\n");
    const ProcessResult result = run({"--json"});
    const nlohmann::json json = nlohmann::json::parse(result.stdout_text);
    ASSERT_FALSE(json["problems"].empty());
    EXPECT_TRUE(contains(json["problems"][0].get<std::string>(), "pids.max"));
}

TEST_F(Gate, ClaudeHookBlocksALaunchWithExitTwo) {
    agents_at(190);
    const ProcessResult result = run({"--hook", "claude"}, {}, claude_call("Agent"));
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(contains(result.stderr_text, "blocked: pids limit of cgroup /agents"))
        << result.stderr_text;
}

TEST_F(Gate, ClaudeHookDoesNotBlockAPlainBashCall) {
    agents_at(190);
    const ProcessResult result = run({"--hook", "claude"}, {}, claude_call("Bash"));
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(nlohmann::json::parse(result.stdout_text).contains("systemMessage"));
}

TEST_F(Gate, ClaudeHookWarnsWithASystemMessage) {
    agents_at(145);
    const ProcessResult result = run({"--hook", "claude"}, {}, claude_call("Bash", true));
    EXPECT_EQ(result.exit_code, 0);
    const nlohmann::json json = nlohmann::json::parse(result.stdout_text);
    EXPECT_TRUE(contains(json["systemMessage"].get<std::string>(), "warning"));
}

TEST_F(Gate, ClaudeHookAllowsSilently) {
    agents_at(20);
    const ProcessResult result = run({"--hook", "claude"}, {}, claude_call("Agent"));
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.stdout_text, "");
    EXPECT_EQ(result.stderr_text, "");
}

TEST_F(Gate, ClaudePostHookNeverBlocks) {
    agents_at(199);
    const ProcessResult result =
        run({"--hook", "claude-post", "--fail-closed"}, {}, claude_call("Agent"));
    EXPECT_EQ(result.exit_code, 0);
    const nlohmann::json json = nlohmann::json::parse(result.stdout_text);
    EXPECT_TRUE(json["hookSpecificOutput"].contains("additionalContext"));
}

// Bad stdin, each answered promptly by the failure policy: allow with a message, or a block
// with --fail-closed.
void expect_bad_input_policy(const Gate& gate, const ProcessResult& open,
                             const ProcessResult& closed, std::string_view reason) {
    (void)gate;
    EXPECT_FALSE(open.timed_out);
    EXPECT_EQ(open.exit_code, 0);
    const nlohmann::json json = nlohmann::json::parse(open.stdout_text);
    EXPECT_TRUE(contains(json["systemMessage"].get<std::string>(), reason))
        << json["systemMessage"];
    EXPECT_FALSE(closed.timed_out);
    EXPECT_EQ(closed.exit_code, 2);
    EXPECT_TRUE(contains(closed.stderr_text, reason)) << closed.stderr_text;
}

TEST_F(Gate, ClaudeHookAnswersEmptyStdinByTheFailurePolicy) {
    agents_at(20);
    expect_bad_input_policy(*this, run({"--hook", "claude"}),
                            run({"--hook", "claude", "--fail-closed"}), "empty hook input");
}

TEST_F(Gate, ClaudeHookAnswersMalformedStdinByTheFailurePolicy) {
    agents_at(20);
    const std::string malformed = R"({"tool_name": "Agent", "tool_input": {)";
    expect_bad_input_policy(*this, run({"--hook", "claude"}, {}, malformed),
                            run({"--hook", "claude", "--fail-closed"}, {}, malformed),
                            "not valid JSON");
}

TEST_F(Gate, ClaudeHookAnswersBinaryStdinByTheFailurePolicy) {
    agents_at(20);
    std::string binary;
    for (int i = 0; i < 8192; ++i) binary += static_cast<char>((i * 131 + 7) & 0xff);
    expect_bad_input_policy(*this, run({"--hook", "claude"}, {}, binary),
                            run({"--hook", "claude", "--fail-closed"}, {}, binary),
                            "cannot judge this tool call");
}

TEST_F(Gate, ClaudeHookAnswersFiveMebibytesOfStdinByTheFailurePolicy) {
    agents_at(20);
    const std::string huge =
        R"({"tool_name":"Agent","tool_input":{"prompt":")" + std::string(5 << 20, 'x') + "\"}}";
    expect_bad_input_policy(*this, run({"--hook", "claude"}, {}, huge),
                            run({"--hook", "claude", "--fail-closed"}, {}, huge), "larger than");
}

TEST_F(Gate, ClaudeHookAnswersWhenStdinIsNeverClosed) {
    agents_at(20);
    const ProcessResult result = run({"--hook", "claude"}, {}, "{\"tool_name\":", false);
    EXPECT_FALSE(result.timed_out);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stdout_text, "did not end within")) << result.stdout_text;
}

TEST_F(Gate, StatusReportShowsLevelsProcessesAndVerdict) {
    agents_at(150);
    tree.write("/sys/fs/cgroup/agents/pids.peak", "181\n");
    tree.write("/sys/fs/cgroup/agents/pids.events", "max 4\n");
    tree.write("/sys/fs/cgroup/agents/cgroup.procs", "4242\n");
    tree.write("/proc/4242/stat",
               "4242 (node worker) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 42 0 "
               "12345 1 1 1\n");
    const ProcessResult result = run({"status"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stdout_text, "pids controller: cgroup v2 at /sys/fs/cgroup"))
        << result.stdout_text;
    EXPECT_TRUE(contains(result.stdout_text, "/agents")) << result.stdout_text;
    EXPECT_TRUE(contains(result.stdout_text, "181")) << result.stdout_text;
    EXPECT_TRUE(contains(result.stdout_text, "node worker")) << result.stdout_text;
    EXPECT_TRUE(contains(result.stdout_text, "verdict for a launch of 1 task(s): warn"))
        << result.stdout_text;
}

TEST_F(Gate, StatusJsonParsesEvenWithBinaryProcessNames) {
    agents_at(20);
    tree.write("/sys/fs/cgroup/agents/pids.peak", "30\n");
    tree.write("/sys/fs/cgroup/agents/cgroup.procs", "4242\n");
    tree.write("/sys/fs/cgroup/agents/memory.stat", "anon 4096\nfile 1000000\nshmem 0\n");
    tree.write("/proc/4242/stat",
               "4242 (\xff\xfe\x01x) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 7 0 12345 1 "
               "1 1\n");
    const ProcessResult result = run({"status", "--json"});
    EXPECT_EQ(result.exit_code, 0);
    const nlohmann::json json = nlohmann::json::parse(result.stdout_text);
    EXPECT_EQ(json["verdict"], "allow");
    EXPECT_EQ(json["pids"]["hierarchy"], "v2");
    EXPECT_EQ(json["pids"]["levels"][0]["peak"], 30);
    EXPECT_EQ(json["top_threads"][0]["pid"], 4242);
    EXPECT_EQ(json["top_threads"][0]["threads"], 7);
    EXPECT_EQ(json["memory"]["anon_bytes"], 4096);
    EXPECT_EQ(json["memory"]["file_bytes"], 1000000);
    EXPECT_EQ(json["threads"], 20);
}

// The status report's rows for a v2 caller in `cgroup` whose subtree holds one process per name
// (pid 4000, 4001, ... with 7, 8, ... threads); returns stdout.
class StatusTable : public Gate {
  protected:
    std::string status_with(std::string_view cgroup, const std::vector<std::string>& names) const {
        testkit::lay_out_v2(tree, cgroup);
        const std::string directory = "/sys/fs/cgroup" + std::string(cgroup);
        testkit::write_pids(tree, directory, "200", "20");
        std::string procs;
        for (std::size_t i = 0; i < names.size(); ++i) {
            const std::string pid = std::to_string(4000 + i);
            procs += pid + "\n";
            tree.write("/proc/" + pid + "/stat",
                       pid + " (" + names[i] +
                           ") S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 " +
                           std::to_string(7 + i) + " 0 12345 1 1 1\n");
        }
        tree.write(directory + "/cgroup.procs", procs);
        const ProcessResult result = run({"status"});
        EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
        return result.stdout_text;
    }

    // The lines after `heading` up to the first one that does not start with two spaces.
    static std::vector<std::string> table_after(const std::string& text, std::string_view heading) {
        std::vector<std::string> rows;
        std::size_t at = text.find(heading);
        if (at == std::string::npos) return rows;
        at = text.find('\n', at) + 1;
        while (at < text.size() && text.compare(at, 2, "  ") == 0) {
            const std::size_t end = text.find('\n', at);
            rows.push_back(text.substr(at, end - at));
            at = end + 1;
        }
        return rows;
    }

    // Display columns of a report line: printable ASCII, and "…" as one.
    static std::size_t columns(std::string_view line) {
        std::size_t width = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (line.compare(i, 3, "\u2026") == 0) i += 2;
            ++width;
        }
        return width;
    }

    // Every row ends in the same column, and the number column ("N threads") starts in the same
    // column in each: the names did not push anything right.
    static void expect_aligned(const std::vector<std::string>& rows) {
        ASSERT_FALSE(rows.empty());
        for (const auto& row : rows) {
            EXPECT_EQ(columns(row), columns(rows.front())) << "\n" << row << "\n" << rows.front();
            std::string shown = row;
            for (std::size_t at; (at = shown.find("\u2026")) != std::string::npos;)
                shown.replace(at, 3, ".");
            for (const char c : shown) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << row;
        }
    }
};

TEST_F(StatusTable, ProcessRowsStayAlignedWithA200CharacterName) {
    const std::string text = status_with("/agents", {"sh", std::string(200, 'k'), "node"});
    const auto rows = table_after(text, "busiest processes by threads:");
    ASSERT_EQ(rows.size(), 3u) << text;
    expect_aligned(rows);
    EXPECT_LT(columns(rows.front()), 80u) << rows.front();
    EXPECT_TRUE(contains(text, "kkk\u2026")) << "a cut name ends with the marker\n" << text;
}

TEST_F(StatusTable, ProcessRowsStayAlignedWithNewlinesAndBytesThatAreNotUtf8) {
    const std::string text = status_with(
        "/agents",
        {"a\nb", "\xff\xfe\x01x", "kworker/0:0-cgroup_pidlist_destroy", "kworker/R-sync_wq"});
    const auto rows = table_after(text, "busiest processes by threads:");
    ASSERT_EQ(rows.size(), 4u) << text;
    expect_aligned(rows);
    EXPECT_TRUE(contains(text, "a?b")) << text;
    EXPECT_TRUE(contains(text, "kworker/0:0-cgroup_pidlist_destroy ")) << "fits uncut\n" << text;
}

TEST_F(StatusTable, ShortNamesKeepTheUsualColumns) {
    const std::string text = status_with("/agents", {"sh", "node"});
    const auto rows = table_after(text, "busiest processes by threads:");
    ASSERT_EQ(rows.size(), 2u) << text;
    expect_aligned(rows);
    EXPECT_EQ(rows.front(), "     4001  node                 8 threads") << text;
    const auto levels = table_after(text, "pids controller:");
    ASSERT_EQ(levels.size(), 3u) << text;  // header, /agents, /
    EXPECT_EQ(levels[0],
              "  level (caller first)                     current       max   percent    peak  "
              "max-events");
    expect_aligned(levels);
}

TEST_F(StatusTable, LevelRowsAndHeaderStayAlignedWithLongAndHostileCgroupNames) {
    const std::string long_name = "/" + std::string(200, 'c');
    const std::string text = status_with(long_name + "/x\xffy", {"sh"});
    const auto levels = table_after(text, "pids controller:");
    ASSERT_EQ(levels.size(), 4u) << text;  // header, /ccc.../x?y, /ccc..., /
    expect_aligned(levels);
    EXPECT_LT(columns(levels.front()), 140u) << levels.front();
    EXPECT_TRUE(contains(text, "\u2026")) << text;
    // A cut path keeps its end, where deep levels that share a prefix differ.
    EXPECT_TRUE(contains(levels[1], "  \u2026ccc")) << levels[1];
    EXPECT_TRUE(contains(levels[1], "ccc/x?y ")) << levels[1];
}

TEST_F(Gate, StatusExitsTwoWhenTheVerdictIsBlock) {
    agents_at(190);
    EXPECT_EQ(run({"status"}).exit_code, 2);
}

TEST_F(Gate, HelpExitsZeroAndMentionsEveryFlag) {
    const ProcessResult result = run({"--help"});
    EXPECT_EQ(result.exit_code, 0);
    for (const auto& spec : setting_table()) {
        EXPECT_TRUE(contains(result.stdout_text, spec.flag)) << spec.flag;
        EXPECT_TRUE(contains(result.stdout_text, spec.env)) << spec.env;
        EXPECT_TRUE(contains(result.stdout_text, spec.config_key)) << spec.config_key;
    }
    for (const std::string_view flag : {"--json", "--hook", "--config", "--root", "status"})
        EXPECT_TRUE(contains(result.stdout_text, flag)) << flag;
    EXPECT_TRUE(contains(result.stdout_text, "64")) << "the usage exit code is documented";
}

TEST_F(Gate, VersionExitsZero) {
    const ProcessResult result = run({"--version"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(result.stdout_text.starts_with("spawngate ")) << result.stdout_text;
}

TEST_F(Gate, SwitchGivenAValueExits64NamingIt) {
    const ProcessResult result = run({"--json=yes"});
    EXPECT_EQ(result.exit_code, 64);
    EXPECT_TRUE(contains(result.stderr_text, "'--json' takes no value")) << result.stderr_text;
}

TEST(GateBinary, IsStaticallyLinked) {
#ifdef SPAWNGATE_SANITIZED
    GTEST_SKIP() << "sanitizer builds link the gate dynamically";
#endif
    if (::access("/usr/bin/file", X_OK) != 0) GTEST_SKIP() << "the 'file' command is not installed";
    ProcessRun process;
    process.arguments = {"-L", kGate};
    const ProcessResult result = testkit::run_process("/usr/bin/file", process);
    ASSERT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_TRUE(contains(result.stdout_text, "statically linked")) << result.stdout_text;
}

}  // namespace
}  // namespace spawngate
