// Which tool calls are launches: the shipped tables, the syntax a config overrides them with,
// and its errors.
#include "launch_table.hpp"

#include <gtest/gtest.h>

namespace spawngate {
namespace {

HookInput call(std::string tool, std::vector<std::string> true_fields = {}) {
    HookInput input;
    input.tool_name = std::move(tool);
    input.true_fields = std::move(true_fields);
    return input;
}

LaunchTable shipped(HookProtocol protocol) {
    std::string error;
    const auto table = parse_launch_table(default_launch_table(protocol), error);
    EXPECT_TRUE(table) << error;
    return table.value_or(LaunchTable{});
}

TEST(LaunchTable, ClaudeSubagentsWorkflowsAndBackgroundShellsAreLaunches) {
    const LaunchTable table = shipped(HookProtocol::ClaudePre);
    EXPECT_TRUE(classify_call(table, call("Agent")).subagent);
    EXPECT_TRUE(classify_call(table, call("Task")).launch);
    const LaunchClass workflow = classify_call(table, call("Workflow"));
    EXPECT_TRUE(workflow.launch);
    EXPECT_EQ(workflow.times, 3u) << "one Workflow call starts several agents";
    EXPECT_TRUE(classify_call(table, call("Bash", {"run_in_background"})).launch);
    EXPECT_FALSE(classify_call(table, call("Bash", {"run_in_background"})).subagent);
    EXPECT_FALSE(classify_call(table, call("Bash")).launch);
    for (const char* other : {"Read", "TaskOutput", "TaskStop", "Edit", "WebFetch"})
        EXPECT_FALSE(classify_call(table, call(other)).launch) << other;
}

TEST(LaunchTable, GeminiInvokeAgentAndBackgroundShellsAreLaunches) {
    const LaunchTable table = shipped(HookProtocol::Gemini);
    EXPECT_TRUE(classify_call(table, call("invoke_agent")).subagent);
    EXPECT_TRUE(classify_call(table, call("run_shell_command", {"is_background"})).launch);
    EXPECT_FALSE(classify_call(table, call("run_shell_command")).launch);
    EXPECT_FALSE(classify_call(table, call("delegate_to_agent")).launch)
        << "not a tool of the pinned version";
}

TEST(LaunchTable, CodexSpawnAgentIsALaunch) {
    const LaunchTable table = shipped(HookProtocol::Codex);
    EXPECT_TRUE(classify_call(table, call("spawn_agent")).subagent);
    EXPECT_FALSE(classify_call(table, call("Bash")).launch);
}

TEST(LaunchTable, PrefixEntriesNameEveryToolWithThePrefix) {
    std::string error;
    const auto table = parse_launch_table("Task*:agent", error);
    ASSERT_TRUE(table) << error;
    EXPECT_TRUE(classify_call(*table, call("TaskCreate")).launch);
    EXPECT_TRUE(classify_call(*table, call("Task")).launch);
    EXPECT_FALSE(classify_call(*table, call("Agent")).launch);
}

TEST(LaunchTable, FirstEntryThatHoldsDecides) {
    std::string error;
    const auto table = parse_launch_table("Bash?detach:x5, Bash", error);
    ASSERT_TRUE(table) << error;
    EXPECT_EQ(classify_call(*table, call("Bash", {"detach"})).times, 5u);
    EXPECT_EQ(classify_call(*table, call("Bash")).times, 1u);
}

TEST(LaunchTable, EmptyTableHasNoLaunches) {
    std::string error;
    const auto table = parse_launch_table("", error);
    ASSERT_TRUE(table) << error;
    EXPECT_FALSE(classify_call(*table, call("Agent")).launch);
}

TEST(LaunchTable, MalformedTablesAreRefusedWithTheEntry) {
    for (const char* text :
         {"Agent,,Bash", "Agent,", "spawn agent", "Bash?", "Bash?a b", "Agent:subagent", "Agent:x0",
          "Agent:x", "Agent:x2000", "*", ":agent"}) {
        std::string error;
        EXPECT_FALSE(parse_launch_table(text, error)) << text;
        EXPECT_FALSE(error.empty()) << text;
    }
}

}  // namespace
}  // namespace spawngate
