// The context window comes from the session's model, then the configuration; unknown: assumed,
// which only ever warns.
#include "context_window.hpp"

#include <gtest/gtest.h>

#include "transcript_tail.hpp"
#include "verdict.hpp"

namespace spawngate {
namespace {

TEST(ContextWindow, OneMillionSuffixMeansAMillionTokens) {
    EXPECT_EQ(window_of_model("claude-opus-4-6[1m]"), 1'000'000u);
    EXPECT_EQ(window_of_model("claude-sonnet-4-5[1m]"), 1'000'000u);
}

TEST(ContextWindow, KnownModelsHaveTheirWindowAndOthersNone) {
    EXPECT_EQ(window_of_model("claude-sonnet-4-5-20250929"), 200'000u);
    EXPECT_EQ(window_of_model("claude-opus-5-5"), 1'000'000u) << "Claude Code's default here";
    EXPECT_EQ(window_of_model("claude-sonnet-5-5"), 1'000'000u);
    EXPECT_EQ(window_of_model("claude-mystery-9"), std::nullopt);
    EXPECT_EQ(window_of_model("gpt-5"), std::nullopt);
    EXPECT_EQ(window_of_model(""), std::nullopt);
}

TEST(ContextWindow, TheModelAttachmentSpeaksForTheTurnThatRanItsModel) {
    EXPECT_EQ(session_model_id("claude-sonnet-4-5[1m]", "claude-sonnet-4-5"),
              "claude-sonnet-4-5[1m]");
    EXPECT_EQ(session_model_id("claude-sonnet-4-5[1m]", "claude-opus-5-5"), "claude-opus-5-5")
        << "switched models since: the turn's own id decides";
    EXPECT_EQ(session_model_id("", "claude-opus-5-5"), "claude-opus-5-5");
    EXPECT_EQ(session_model_id("claude-sonnet-4-5[1m]", ""), "claude-sonnet-4-5[1m]");
}

TEST(ModelAttachment, TheIdentitysModelIdIsRead) {
    EXPECT_EQ(
        parse_model_attachment(
            R"({"type":"attachment","attachment":{"type":"model","identity":)"
            R"j({"modelId":"claude-sonnet-4-5[1m]","marketingName":"Sonnet 4.5 (1M context)"}}})j"),
        "claude-sonnet-4-5[1m]");
    EXPECT_EQ(parse_model_attachment(R"({"modelId":"x","identity":{"name":"y"}})"), "");
    EXPECT_EQ(parse_model_attachment(R"({"identity":{"modelId":"cut)"), "");
}

TEST(ContextWindow, TheSessionsModelComesBeforeTheConfiguration) {
    const ContextWindow window = context_window("claude-opus-4-6[1m]", 200'000);
    EXPECT_EQ(window.tokens, 1'000'000u);
    EXPECT_TRUE(window.known);
    EXPECT_EQ(context_window("mystery", 500'000).tokens, 500'000u);
    EXPECT_TRUE(context_window("mystery", 500'000).known);
    EXPECT_FALSE(context_window("mystery", std::nullopt).known);
}

Verdict verdict_for(std::uint64_t tokens, const std::string& model,
                    std::optional<std::uint64_t> configured = std::nullopt) {
    Measurement m;
    m.pids_levels = {{"/agents", "/sys/fs/cgroup/agents", 10, 1000}};
    m.context_tokens = tokens;
    m.context_model = model;
    GateSettings settings;
    settings.context_window_tokens = configured;
    return decide(m, settings);
}

TEST(ContextWindow, MillionTokenSessionAt170kIsAllowed) {
    EXPECT_EQ(verdict_for(170'000, "claude-opus-4-6[1m]", 200'000).level, Level::Allow);
}

TEST(ContextWindow, FullAssumedWindowWarnsAndNeverBlocks) {
    const Verdict verdict = verdict_for(199'000, "");
    EXPECT_EQ(verdict.level, Level::Warn);
    ASSERT_TRUE(verdict.context);
    EXPECT_EQ(verdict.context->name, kAssumedWindowName);
}

TEST(ContextWindow, FullKnownWindowBlocks) {
    EXPECT_EQ(verdict_for(170'000, "claude-haiku-4-5").level, Level::Block);
    EXPECT_EQ(verdict_for(170'000, "", 200'000).level, Level::Block);
}

TEST(TurnLine, TheModelComesWithTheUsageOfItsTurn) {
    const auto turn =
        parse_turn_line(R"({"type":"assistant","isSidechain":false,"message":{"role":"assistant",)"
                        R"("model":"claude-opus-4-6[1m]","content":[],"usage":{"input_tokens":3,)"
                        R"("cache_read_input_tokens":170000}}})");
    ASSERT_TRUE(turn);
    EXPECT_EQ(turn->tokens, 170'003u);
    EXPECT_EQ(turn->model, "claude-opus-4-6[1m]");
}

TEST(TurnLine, AModelNestedElsewhereIsNotTheTurnsModel) {
    const auto turn =
        parse_turn_line(R"({"type":"assistant","message":{"content":[{"model":"claude-x[1m]"}],)"
                        R"("usage":{"input_tokens":3}},"model":"top-level"})");
    ASSERT_TRUE(turn);
    EXPECT_EQ(turn->model, "");
}

}  // namespace
}  // namespace spawngate
