// Escalation by exception: a command that keeps coming back is escalated once and then left
// alone for the window, instead of being reaped in a silent loop.

#include <gtest/gtest.h>

#include "respawn_guard.hpp"

namespace spawngate {
namespace {

constexpr std::uint64_t kMinute = 60'000;

TEST(RespawnGuard, ReapsUpToTheLimitAreAllowed) {
    RespawnGuard guard(3, 30 * kMinute);
    for (std::uint64_t i = 0; i < 3; ++i) {
        EXPECT_EQ(guard.check("r", "ruby chat.rb", i * kMinute), RespawnGuard::Verdict::Allow);
        guard.record_reap("r", "ruby chat.rb", i * kMinute);
    }
    EXPECT_EQ(guard.recent_reaps("r", "ruby chat.rb", 3 * kMinute), 3u);
}

TEST(RespawnGuard, OneMoreWithinTheWindowEscalatesThenSuppresses) {
    RespawnGuard guard(3, 30 * kMinute);
    for (std::uint64_t i = 0; i < 3; ++i) guard.record_reap("r", "ruby chat.rb", i * kMinute);
    EXPECT_EQ(guard.check("r", "ruby chat.rb", 4 * kMinute), RespawnGuard::Verdict::Escalate);
    EXPECT_EQ(guard.check("r", "ruby chat.rb", 5 * kMinute), RespawnGuard::Verdict::Suppressed);
    EXPECT_EQ(guard.check("r", "ruby chat.rb", 34 * kMinute + 1), RespawnGuard::Verdict::Allow);
}

TEST(RespawnGuard, ReapsOutsideTheWindowDoNotCount) {
    RespawnGuard guard(3, 30 * kMinute);
    for (std::uint64_t i = 0; i < 3; ++i) guard.record_reap("r", "x", i * kMinute);
    EXPECT_EQ(guard.check("r", "x", 40 * kMinute), RespawnGuard::Verdict::Allow);
}

TEST(RespawnGuard, OtherRulesAndCommandsAreCountedApart) {
    RespawnGuard guard(1, 30 * kMinute);
    guard.record_reap("r", "x", 0);
    EXPECT_EQ(guard.check("r", "y", 1), RespawnGuard::Verdict::Allow);
    EXPECT_EQ(guard.check("s", "x", 1), RespawnGuard::Verdict::Allow);
    EXPECT_EQ(guard.check("r", "x", 1), RespawnGuard::Verdict::Escalate);
}

TEST(RespawnGuard, StateSurvivesSaveAndLoad) {
    RespawnGuard guard(2, 30 * kMinute);
    guard.record_reap("r", "x", 0);
    guard.record_reap("r", "x", 1);
    RespawnGuard restored(2, 30 * kMinute);
    ASSERT_TRUE(restored.load(guard.save()));
    EXPECT_EQ(restored.check("r", "x", 2), RespawnGuard::Verdict::Escalate);
}

TEST(RespawnGuard, CorruptStateIsDiscarded) {
    RespawnGuard guard(2, 30 * kMinute);
    EXPECT_FALSE(guard.load("{\"spawnreaper_state\": 1, \"respawns\": [{\"rule\": 5}]}"));
    EXPECT_FALSE(guard.load("{ torn"));
    EXPECT_FALSE(guard.load(""));
    EXPECT_EQ(guard.check("r", "x", 0), RespawnGuard::Verdict::Allow);
}

TEST(RespawnGuard, EscalationCommandGetsTheEventOnStdin) {
    char directory[] = "/tmp/spawnreaper-escalation-XXXXXX";
    ASSERT_NE(::mkdtemp(directory), nullptr);
    const std::string file = std::string(directory) + "/event.json";
    const Problem problem =
        run_escalation_command({"/usr/bin/tee", file}, "{\"event\":\"escalation\"}");
    EXPECT_TRUE(problem.what.empty()) << problem.text();
    FILE* in = std::fopen(file.c_str(), "r");
    ASSERT_NE(in, nullptr);
    char text[64] = {};
    const std::size_t got = std::fread(text, 1, sizeof text - 1, in);
    std::fclose(in);
    EXPECT_EQ(std::string(text, got), "{\"event\":\"escalation\"}\n");
    std::remove(file.c_str());
    ::rmdir(directory);
}

TEST(RespawnGuard, EscalationCommandFailureIsReported) {
    EXPECT_FALSE(run_escalation_command({"/bin/false"}, "{}").what.empty());
    EXPECT_FALSE(run_escalation_command({"relative-command"}, "{}").what.empty());
    EXPECT_FALSE(run_escalation_command({"/nonexistent/command"}, "{}").what.empty());
}

TEST(RespawnGuard, HangingEscalationCommandIsKilledAtTheTimeout) {
    const Problem problem = run_escalation_command({"/bin/sleep", "30"}, "{}", 200);
    EXPECT_NE(problem.what.find("did not finish"), std::string::npos) << problem.text();
}

}  // namespace
}  // namespace spawngate
