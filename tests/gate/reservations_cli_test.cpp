// Reservations through the built executable: `spawngate --cost N --reserve` against a cgroup v1
// fixture, with the ledger in a state directory inside the fixture. A burst is judged on what
// the launches admitted before it will add; damaged, locked or unsafe ledgers never stop an answer.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "gate_process_fixture.hpp"
#include "unique_fd.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;

class Reservations : public ::testing::Test, public testkit::GateProcess {
  protected:
    ProcessResult reserve(unsigned cost, std::vector<std::string> extra = {}) const {
        std::vector<std::string> arguments{"--cost", std::to_string(cost), "--reserve", "--json"};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        return run(arguments);
    }
    static nlohmann::json json_of(const ProcessResult& result) {
        return nlohmann::json::parse(result.stdout_text);  // throws (fails the test) if invalid
    }
};

TEST_F(Reservations, BurstIsBlockedExactlyWhenCurrentPlusReservedPlusCostReachesTheBlockLevel) {
    const unsigned current = 50, max = 200, cost = 25;
    v1_caller_at(current, max);
    unsigned admitted = 0;
    for (int launch = 1; launch <= 6; ++launch) {
        const ProcessResult result = run({"--cost", std::to_string(cost), "--reserve"});
        const double share = static_cast<double>(current + admitted * cost + cost) / max;
        const int expected = share >= 0.85 ? 2 : 0;
        EXPECT_EQ(result.exit_code, expected) << "launch " << launch << ": " << result.stderr_text;
        if (result.exit_code == 0) ++admitted;
    }
    EXPECT_EQ(admitted, 4u);  // 75 %, 100, 125, 150 of 200 pass; 175 (87.5 %) does not
    EXPECT_EQ(ledger_entries().size(), 4u) << "a blocked launch records no reservation";
}

TEST_F(Reservations, BlockedLaunchSaysHowManyTasksAreReserved) {
    v1_caller_at(50);
    for (int i = 0; i < 4; ++i) ASSERT_EQ(run({"--cost", "25", "--reserve"}).exit_code, 0);
    const ProcessResult blocked = run({"--cost", "25", "--reserve"});
    EXPECT_EQ(blocked.exit_code, 2);
    EXPECT_TRUE(contains(blocked.stderr_text, "50 + 100 reserved + 25 of 200 tasks, 87.5%"))
        << blocked.stderr_text;
    EXPECT_TRUE(contains(blocked.stderr_text, "100 of those tasks are reserved"))
        << blocked.stderr_text;
}

TEST_F(Reservations, BlockedLaunchNamesTheConfiguredReservationExpiry) {
    v1_caller_at(150);
    ASSERT_EQ(run({"--cost", "10", "--reserve", "--reservation-ttl", "600"}).exit_code, 0);
    const ProcessResult blocked = run({"--cost", "10", "--reservation-ttl", "600"});
    EXPECT_EQ(blocked.exit_code, 2);
    EXPECT_TRUE(contains(blocked.stderr_text, "expire after at most 600 s")) << blocked.stderr_text;
}

TEST_F(Reservations, PlainCheckCountsLiveReservationsButRecordsNone) {
    v1_caller_at(50);
    ASSERT_EQ(reserve(25).exit_code, 0);
    ASSERT_EQ(reserve(25).exit_code, 0);
    const std::string ledger_before = testkit::read_whole_file(ledger_path());

    const ProcessResult plain = run({"--cost", "25", "--json"});
    EXPECT_EQ(plain.exit_code, 0);
    const nlohmann::json json = json_of(plain);
    EXPECT_EQ(json["reserved_tasks"], 50);
    EXPECT_TRUE(json["reservation"].is_null());
    EXPECT_EQ(testkit::read_whole_file(ledger_path()), ledger_before);
}

TEST_F(Reservations, PlainCheckIsBlockedByReservationsItWouldNotSeeInPidsCurrent) {
    v1_caller_at(100);
    ASSERT_EQ(run({"--cost", "25", "--reserve"}).exit_code, 0);
    ASSERT_EQ(run({"--cost", "25", "--reserve"}).exit_code, 0);
    const ProcessResult plain = run({"--cost", "25"});  // 100 + 50 reserved + 25 = 87.5 %
    EXPECT_EQ(plain.exit_code, 2) << plain.stderr_text;
    EXPECT_EQ(run({"--cost", "1"}).exit_code, 0);
}

TEST_F(Reservations, TasksThatAppearedInPidsCurrentAreNotCountedTwice) {
    v1_caller_at(50);
    ASSERT_EQ(reserve(25).exit_code, 0);
    ASSERT_EQ(reserve(25).exit_code, 0);
    set_current(100);  // both launches' tasks are running now
    const nlohmann::json json = json_of(run({"--cost", "25", "--json"}));
    EXPECT_EQ(json["reserved_tasks"], 0);
    EXPECT_EQ(json["limits"][0]["current"], 100);
    EXPECT_EQ(json["limits"][0]["reserved"], 0);
}

TEST_F(Reservations, NextReservationForgetsReservationsThatHaveAllAppeared) {
    v1_caller_at(50);
    ASSERT_EQ(reserve(25).exit_code, 0);
    ASSERT_EQ(reserve(25).exit_code, 0);
    set_current(100);
    ASSERT_EQ(reserve(10).exit_code, 0);
    const std::vector<Reservation> entries = ledger_entries();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].tasks, 10u);
    EXPECT_EQ(entries[0].baseline, 100u);
}

TEST_F(Reservations, CgroupsInDifferentFixtureTreesDoNotShareReservations) {
    v1_caller_at(50);
    for (int i = 0; i < 4; ++i) ASSERT_EQ(run({"--cost", "25", "--reserve"}).exit_code, 0);

    testkit::GateProcess other;  // another cgroup directory: another inode, another ledger
    other.v1_caller_at(50);
    const ProcessResult result = other.run({"--cost", "25", "--json", "--state-dir", state_dir()});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(json_of(result)["reserved_tasks"], 0);
}

TEST_F(Reservations, SiblingCgroupsOfOneTreeDoNotShareReservations) {
    v1_caller_at(50, 200, "/other");
    v1_caller_at(50, 200, "/agents");  // the caller is in /agents now
    for (int i = 0; i < 4; ++i) ASSERT_EQ(run({"--cost", "25", "--reserve"}).exit_code, 0);
    v1_caller_at(50, 200, "/other");
    const nlohmann::json json = json_of(run({"--cost", "25", "--json"}));
    EXPECT_EQ(json["reserved_tasks"], 0);
    EXPECT_EQ(json["verdict"], "allow");
    EXPECT_EQ(ledger_entries("/agents").size(), 4u);
}

TEST_F(Reservations, ReservationStopsCountingWhenItExpires) {
    v1_caller_at(50);
    const ProcessResult made = reserve(25, {"--reservation-ttl", "1"});
    ASSERT_EQ(made.exit_code, 0) << made.stderr_text;
    EXPECT_EQ(json_of(made)["reservation"]["expires_in_s"], 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    const nlohmann::json later = json_of(run({"--cost", "25", "--json"}));
    EXPECT_EQ(later["reserved_tasks"], 0);
}

TEST_F(Reservations, CorruptLedgerIsDiscardedWithANoteAndTheCheckStillAnswers) {
    v1_caller_at(50);
    ASSERT_EQ(reserve(25).exit_code, 0);
    tree.write("/run/spawngate/" + std::filesystem::path(ledger_path()).filename().string(),
               "spawngate-ledger 1\nreservation 1000 61000 25 50\nreserv");
    const ProcessResult result = run({"--cost", "25", "--json"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stderr_text, "spawngate: note: ")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "discarded")) << result.stderr_text;
    EXPECT_EQ(json_of(result)["reserved_tasks"], 0);
}

TEST_F(Reservations, CorruptLedgerIsReplacedByTheNextReservation) {
    v1_caller_at(50);
    ASSERT_EQ(reserve(25).exit_code, 0);
    const std::string ledger = ledger_path();
    tree.write("/run/spawngate/" + std::filesystem::path(ledger).filename().string(),
               "\x01\x02 not a ledger at all \xff\n");
    const ProcessResult result = reserve(5);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stderr_text, "discarded")) << result.stderr_text;
    const std::vector<Reservation> entries = ledger_entries();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].tasks, 5u);
}

TEST_F(Reservations, LedgerLockedByAnotherProcessAnswersPromptlyAndRecordsNothing) {
    v1_caller_at(50);
    ASSERT_EQ(reserve(25).exit_code, 0);
    const std::string ledger = ledger_path();
    const std::string before = testkit::read_whole_file(ledger);
    const UniqueFd lock{::open((ledger + ".lock").c_str(), O_RDWR | O_CLOEXEC)};
    ASSERT_TRUE(lock.valid());
    ASSERT_EQ(::flock(lock.get(), LOCK_EX | LOCK_NB), 0);

    const ProcessResult result = reserve(25);
    EXPECT_FALSE(result.timed_out);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stderr_text, "not recorded")) << result.stderr_text;
    const nlohmann::json json = json_of(result);
    EXPECT_TRUE(json["reservation"].is_null());
    EXPECT_EQ(json["reserved_tasks"], 25) << "the live reservation is still counted";
    EXPECT_EQ(testkit::read_whole_file(ledger), before);
}

TEST_F(Reservations, SymlinkedStateDirectoryIsRefusedWithAClearNote) {
    v1_caller_at(50);
    tree.make_directory("/elsewhere");
    ASSERT_EQ(::chmod(tree.path_of("/elsewhere").c_str(), 0755), 0);
    tree.make_directory("/run");
    ASSERT_EQ(::symlink(tree.path_of("/elsewhere").c_str(), state_dir().c_str()), 0);

    const ProcessResult result = reserve(25);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stderr_text, "symlink")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "refusing")) << result.stderr_text;
    EXPECT_TRUE(json_of(result)["reservation"].is_null());
    EXPECT_TRUE(std::filesystem::is_empty(tree.path_of("/elsewhere")));
}

TEST_F(Reservations, WorldWritableStateDirectoryIsRefusedWithAClearNote) {
    v1_caller_at(50);
    tree.make_directory("/run/spawngate");
    ASSERT_EQ(::chmod(state_dir().c_str(), 0777), 0);

    const ProcessResult result = reserve(25);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stderr_text, "writable by other users")) << result.stderr_text;
    EXPECT_TRUE(json_of(result)["reservation"].is_null());
    EXPECT_TRUE(std::filesystem::is_empty(state_dir()));
}

TEST_F(Reservations, LedgerInADirectoryThatBecameWorldWritableIsNotBelieved) {
    v1_caller_at(50);
    ASSERT_EQ(reserve(25).exit_code, 0);
    ASSERT_EQ(::chmod(state_dir().c_str(), 0777), 0);
    const ProcessResult result = run({"--cost", "25", "--json"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stderr_text, "writable by other users")) << result.stderr_text;
    EXPECT_EQ(json_of(result)["reserved_tasks"], 0);
}

TEST_F(Reservations, TwentyConcurrentReservationsAreAllRecorded) {
    v1_caller_at(10);
    constexpr int kLaunches = 20;
    std::vector<ProcessResult> results(kLaunches);
    std::vector<std::thread> launches;
    for (int i = 0; i < kLaunches; ++i) launches.emplace_back([&, i] { results[i] = reserve(1); });
    for (auto& launch : launches) launch.join();

    for (int i = 0; i < kLaunches; ++i) {
        EXPECT_EQ(results[i].exit_code, 0) << results[i].stderr_text;
        EXPECT_FALSE(json_of(results[i])["reservation"].is_null()) << results[i].stderr_text;
    }
    EXPECT_EQ(ledger_entries().size(), static_cast<std::size_t>(kLaunches));
    for (const auto& entry : std::filesystem::directory_iterator(state_dir()))
        EXPECT_FALSE(contains(entry.path().filename().string(), ".tmp")) << entry.path();
}

TEST_F(Reservations, ZeroCostReservesNothing) {
    v1_caller_at(50);
    const ProcessResult result = reserve(0);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(json_of(result)["reservation"].is_null());
    EXPECT_TRUE(ledger_entries().empty());
}

// A Claude Code PreToolUse document for `tool_name` (Bash in the foreground unless `background`).
std::string claude_call(std::string_view tool_name, std::string_view event = "PreToolUse",
                        bool background = false) {
    return nlohmann::json{{"session_id", "6a2e"},
                          {"transcript_path", "/nonexistent/session.jsonl"},
                          {"cwd", "/"},
                          {"hook_event_name", event},
                          {"tool_name", tool_name},
                          {"tool_input", {{"command", "make"}, {"run_in_background", background}}}}
        .dump();
}

TEST_F(Reservations, ClaudeHookReservesForABackgroundLaunch) {
    v1_caller_at(50);
    const ProcessResult result = run({"--hook", "claude", "--cost", "25", "--reserve"}, {},
                                     claude_call("Bash", "PreToolUse", true));
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    const std::vector<Reservation> entries = ledger_entries();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].tasks, 25u);
}

TEST_F(Reservations, ClaudeHookReservesNothingForCallsThatLaunchNothing) {
    v1_caller_at(50);
    EXPECT_EQ(
        run({"--hook", "claude", "--cost", "25", "--reserve"}, {}, claude_call("Bash")).exit_code,
        0);
    EXPECT_EQ(
        run({"--hook", "claude", "--cost", "25", "--reserve"}, {}, claude_call("Read")).exit_code,
        0);
    EXPECT_EQ(run({"--hook", "claude-post", "--cost", "25", "--reserve"}, {},
                  claude_call("Bash", "PostToolUse", true))
                  .exit_code,
              0);
    EXPECT_TRUE(ledger_entries().empty());
}

TEST_F(Reservations, CodexHookBurstIsJudgedOnWhatEarlierLaunchesWillAdd) {
    v1_caller_at(50);
    const std::string input =
        nlohmann::json{{"session_id", "019a6c"},          {"turn_id", "3"},
                       {"hook_event_name", "PreToolUse"}, {"tool_name", "spawn_agent"},
                       {"tool_use_id", "call_1"},         {"tool_input", {{"message", "survey"}}}}
            .dump();
    for (int i = 0; i < 4; ++i) {
        const ProcessResult admitted =
            run({"--hook", "codex", "--cost", "25", "--reserve"}, {}, input);
        EXPECT_FALSE(contains(admitted.stdout_text, "permissionDecision"))
            << "launch " << i << " is admitted: " << admitted.stdout_text;
    }
    const ProcessResult fifth = run({"--hook", "codex", "--cost", "25", "--reserve"}, {}, input);
    EXPECT_EQ(fifth.exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(fifth.stdout_text)["hookSpecificOutput"]["permissionDecision"],
              "deny");
    EXPECT_EQ(ledger_entries().size(), 4u);
}

TEST_F(Reservations, JsonShowsReservedTasksPerLimitReservedAndTheReservationMade) {
    v1_caller_at(50);
    ASSERT_EQ(reserve(25).exit_code, 0);
    const nlohmann::json json = json_of(reserve(10));
    EXPECT_EQ(json["reserved_tasks"], 25);
    EXPECT_EQ(json["limits"][0]["reserved"], 25);
    EXPECT_EQ(json["limits"][0]["added"], 10);
    EXPECT_EQ(json["reservation"]["tasks"], 10);
    EXPECT_EQ(json["reservation"]["baseline"], 50);
    EXPECT_EQ(json["reservation"]["expires_in_s"], 60);
}

TEST_F(Reservations, JsonOfABlockedReservationShowsNoReservationMade) {
    v1_caller_at(180);
    const ProcessResult result = reserve(25);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(json_of(result)["reservation"].is_null());
    EXPECT_TRUE(ledger_entries().empty());
}

}  // namespace
}  // namespace spawngate
