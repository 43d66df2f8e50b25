// The context budget's reader: token usage from the lines of a Claude Code session transcript
// (JSON lines), and the latest usage from the tail of a transcript file.
#include "transcript_tail.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "fixture_tree.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;

// An assistant line as Claude Code writes it, with the API usage of its turn.
std::string assistant_line(std::string_view usage, bool sidechain = false) {
    return std::string(R"({"parentUuid":"3f1c","isSidechain":)") + (sidechain ? "true" : "false") +
           R"(,"userType":"external","cwd":"/home/u/project","sessionId":"6a2e","version":"2.0.14",)"
           R"("gitBranch":"main","message":{"id":"msg_01X","type":"message","role":"assistant",)"
           R"("model":"claude-sonnet-4-5","content":[{"type":"text","text":"Looking at it."}],)"
           R"("stop_reason":null,"stop_sequence":null,"usage":)" +
           std::string(usage) +
           R"(},"requestId":"req_011","type":"assistant","uuid":"9b7d","timestamp":"2025-10-01T10:00:00.000Z"})";
}

// The usage object of a turn with `input`, `creation` and `read` context tokens.
std::string usage(std::uint64_t input, std::uint64_t creation, std::uint64_t read) {
    return R"({"input_tokens":)" + std::to_string(input) + R"(,"cache_creation_input_tokens":)" +
           std::to_string(creation) + R"(,"cache_read_input_tokens":)" + std::to_string(read) +
           R"(,"output_tokens":312,"service_tier":"standard","server_tool_use":{"web_search_requests":0}})";
}

std::string user_line(std::string_view text) {
    return R"({"parentUuid":"9b7d","isSidechain":false,"userType":"external","cwd":"/home/u/project",)"
           R"("sessionId":"6a2e","version":"2.0.14","type":"user","message":{"role":"user","content":")" +
           std::string(text) + R"("},"uuid":"aa01","timestamp":"2025-10-01T10:00:05.000Z"})";
}

// A tool result, whose content (here a subagent's report) may itself mention usage.
std::string tool_result_line(std::string_view content) {
    return R"({"parentUuid":"9b7d","isSidechain":false,"type":"user","message":{"role":"user",)"
           R"("content":[{"tool_use_id":"toolu_01","type":"tool_result","content":")" +
           std::string(content) +
           R"("}]},"toolUseResult":{"status":"completed","totalTokens":91000,)"
           R"("usage":{"input_tokens":90000,"cache_creation_input_tokens":500,)"
           R"("cache_read_input_tokens":500}},"uuid":"aa02","timestamp":"2025-10-01T10:01:00.000Z"})";
}

TEST(ParseUsageLine, AssistantLineSumsInputAndBothCacheCounts) {
    EXPECT_EQ(parse_usage_line(assistant_line(usage(4, 1200, 45000))), 46204u);
}

TEST(ParseUsageLine, OutputTokensAreNotContext) {
    EXPECT_EQ(parse_usage_line(assistant_line(R"({"input_tokens":10,"output_tokens":99999})")),
              10u);
}

TEST(ParseUsageLine, MissingCacheFieldsCountAsNone) {
    EXPECT_EQ(parse_usage_line(assistant_line(R"({"input_tokens":1500})")), 1500u);
}

TEST(ParseUsageLine, UserLineCarriesNoUsage) {
    EXPECT_FALSE(parse_usage_line(user_line("please fix the build")).has_value());
}

TEST(ParseUsageLine, ToolResultLineCarriesNoUsageEvenWhenItsResultHasSome) {
    EXPECT_FALSE(parse_usage_line(tool_result_line("the subagent is done")).has_value());
}

TEST(ParseUsageLine, UsageMentionedInsideMessageTextIsNotUsage) {
    const std::string line =
        R"({"type":"user","message":{"role":"user","content":"{\"usage\":{\"input_tokens\":150000}}"}})";
    EXPECT_FALSE(parse_usage_line(line).has_value());
}

TEST(ParseUsageLine, UsageNestedDeeperInTheMessageIsNotTheTurnsUsage) {
    const std::string line =
        R"({"type":"user","message":{"content":[{"type":"tool_result","usage":{"input_tokens":7}}]}})";
    EXPECT_FALSE(parse_usage_line(line).has_value());
}

TEST(ParseUsageLine, SidechainLineIsIgnored) {
    EXPECT_FALSE(parse_usage_line(assistant_line(usage(4, 1200, 45000), true)).has_value());
}

TEST(ParseUsageLine, SidechainFlagAfterTheUsageStillIgnoresTheLine) {
    const std::string line =
        R"({"message":{"usage":{"input_tokens":5000}},"type":"assistant","isSidechain":true})";
    EXPECT_FALSE(parse_usage_line(line).has_value());
}

TEST(ParseUsageLine, MissingInputTokensIsNoUsage) {
    EXPECT_FALSE(
        parse_usage_line(assistant_line(R"({"cache_read_input_tokens":45000})")).has_value());
}

TEST(ParseUsageLine, NegativeInputTokensIsNoUsage) {
    EXPECT_FALSE(
        parse_usage_line(assistant_line(R"({"input_tokens":-5,"cache_read_input_tokens":100})"))
            .has_value());
}

// A negative count is garbage, not "none": the line must not yield a smaller context than it
// would with sane numbers.
TEST(ParseUsageLine, NegativeCacheCountMakesTheLineCarryNoUsage) {
    EXPECT_FALSE(
        parse_usage_line(assistant_line(R"({"input_tokens":5,"cache_read_input_tokens":-170000})"))
            .has_value());
}

TEST(ParseUsageLine, FractionalCountIsNoUsage) {
    EXPECT_FALSE(
        parse_usage_line(assistant_line(R"({"input_tokens":5,"cache_read_input_tokens":1.5e5})"))
            .has_value());
}

TEST(ParseUsageLine, HugeCountsDoNotWrapAroundToASmallContext) {
    const auto tokens = parse_usage_line(assistant_line(
        R"({"input_tokens":18446744073709551615,"cache_creation_input_tokens":2,"cache_read_input_tokens":0})"));
    ASSERT_TRUE(tokens.has_value());
    EXPECT_GT(*tokens, 1'000'000'000u);
}

TEST(ParseUsageLine, MalformedJsonIsNoUsage) {
    const std::string whole = assistant_line(usage(4, 1200, 45000));
    EXPECT_FALSE(parse_usage_line(whole.substr(0, whole.size() - 1)).has_value());
    EXPECT_FALSE(parse_usage_line(whole.substr(0, whole.find("\"usage\"") + 20)).has_value());
    EXPECT_FALSE(parse_usage_line(whole + "}").has_value());
    EXPECT_FALSE(parse_usage_line("").has_value());
    EXPECT_FALSE(parse_usage_line("\xff\xfe usage \x01").has_value());
}

class TranscriptFile : public ::testing::Test {
  protected:
    std::string path() const { return tree.path_of("/home/u/.claude/projects/p/session.jsonl"); }
    void write(const std::string& text) const {
        tree.write("/home/u/.claude/projects/p/session.jsonl", text);
    }
    FixtureTree tree;
};

TEST_F(TranscriptFile, LatestUsageIsTaken) {
    write(user_line("start") + "\n" + assistant_line(usage(4, 100, 1000)) + "\n" +
          tool_result_line("ok") + "\n" + assistant_line(usage(6, 200, 90000)) + "\n" +
          user_line("next") + "\n" + tool_result_line("done") + "\n");
    const ContextReading reading = read_context_tokens(path());
    EXPECT_FALSE(reading.problem.has_value());
    EXPECT_EQ(reading.tokens, 90206u);
}

TEST_F(TranscriptFile, LatestMainChainUsageIsTakenOverALaterSidechainLine) {
    write(assistant_line(usage(10, 0, 50000)) + "\n" + assistant_line(usage(10, 0, 190000), true) +
          "\n");
    EXPECT_EQ(read_context_tokens(path()).tokens, 50010u);
}

TEST_F(TranscriptFile, FinalLineWithoutNewlineIsRead) {
    write(assistant_line(usage(1, 1, 1)) + "\n" + assistant_line(usage(2, 2, 2)));
    EXPECT_EQ(read_context_tokens(path()).tokens, 6u);
}

TEST_F(TranscriptFile, FinalLineLongerThan64KiBStillFindsTheUsageBeforeIt) {
    write(assistant_line(usage(5, 0, 120000)) + "\n" +
          tool_result_line(std::string(300 * 1024, 'x')) + "\n");
    const ContextReading reading = read_context_tokens(path());
    EXPECT_FALSE(reading.problem.has_value());
    EXPECT_EQ(reading.tokens, 120005u);
}

TEST_F(TranscriptFile, LongHistoryBeforeTheLatestUsageIsNotNeeded) {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += user_line("line " + std::to_string(i)) + "\n";
    write(text + assistant_line(usage(7, 0, 0)) + "\n");
    EXPECT_EQ(read_context_tokens(path()).tokens, 7u);
}

TEST_F(TranscriptFile, UsageMoreThanOneMebibyteFromTheEndIsNotLookedFor) {
    write(assistant_line(usage(5, 0, 120000)) + "\n" +
          tool_result_line(std::string(1100 * 1024, 'x')) + "\n");
    const ContextReading reading = read_context_tokens(path());
    EXPECT_FALSE(reading.problem.has_value());
    EXPECT_FALSE(reading.tokens.has_value());
    EXPECT_TRUE(reading.no_usage_yet);
}

TEST_F(TranscriptFile, TranscriptWithoutUsageIsNoUsageYet) {
    write(user_line("hello") + "\n" + tool_result_line("x") + "\n");
    const ContextReading reading = read_context_tokens(path());
    EXPECT_FALSE(reading.problem.has_value());
    EXPECT_FALSE(reading.tokens.has_value());
    EXPECT_TRUE(reading.no_usage_yet);
}

TEST_F(TranscriptFile, EmptyTranscriptIsNoUsageYet) {
    write("");
    const ContextReading reading = read_context_tokens(path());
    EXPECT_FALSE(reading.problem.has_value());
    EXPECT_TRUE(reading.no_usage_yet);
}

TEST_F(TranscriptFile, TranscriptNotWrittenYetHasNoUsageYet) {
    // A session's first turn: Claude Code has not written the file yet.
    const ContextReading reading = read_context_tokens(tree.path_of("/home/u/none.jsonl"));
    EXPECT_FALSE(reading.problem.has_value());
    EXPECT_FALSE(reading.tokens.has_value());
    EXPECT_TRUE(reading.no_usage_yet);
}

TEST_F(TranscriptFile, UnreadableTranscriptIsAProblem) {
    tree.write("/home/u/locked.jsonl", "{}\n");
    ::chmod(tree.path_of("/home/u/locked.jsonl").c_str(), 0);
    if (::access(tree.path_of("/home/u/locked.jsonl").c_str(), R_OK) == 0)
        GTEST_SKIP() << "running as root with CAP_DAC_OVERRIDE: a mode-0 file is still readable";
    const ContextReading reading = read_context_tokens(tree.path_of("/home/u/locked.jsonl"));
    ASSERT_TRUE(reading.problem.has_value());
    EXPECT_NE(reading.problem->text().find("locked.jsonl"), std::string::npos);
}

TEST_F(TranscriptFile, DirectoryAtThePathIsAProblem) {
    tree.make_directory("/home/u/dir.jsonl");
    const ContextReading reading = read_context_tokens(tree.path_of("/home/u/dir.jsonl"));
    ASSERT_TRUE(reading.problem.has_value());
    EXPECT_FALSE(reading.tokens.has_value());
}

TEST_F(TranscriptFile, RelativePathIsAProblem) {
    const ContextReading reading = read_context_tokens("home/u/session.jsonl");
    ASSERT_TRUE(reading.problem.has_value());
    EXPECT_NE(reading.problem->text().find("absolute"), std::string::npos);
}

TEST_F(TranscriptFile, EmptyPathIsAProblem) {
    EXPECT_TRUE(read_context_tokens("").problem.has_value());
}

TEST_F(TranscriptFile, FifoAtThePathIsAProblemAndDoesNotHang) {
    const std::string fifo = tree.path_of("/home/u/fifo.jsonl");
    tree.make_directory("/home/u");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    ::alarm(10);  // a hang kills the test binary instead of stalling the whole run
    const ContextReading reading = read_context_tokens(fifo);
    ::alarm(0);
    ASSERT_TRUE(reading.problem.has_value());
    EXPECT_NE(reading.problem->text().find("not a regular file"), std::string::npos);
}

}  // namespace
}  // namespace spawngate
