// Issue 5, faults: the reservation ledger truncated or corrupted. Whatever the file holds, the
// built gate answers on what it measures (the verdict of the fixture's pids.current), says what
// it found on stderr, keeps what can be kept, and the next --reserve writes a sound ledger again.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "gate_process_fixture.hpp"
#include "reservation_store.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;

class DamagedLedger : public ::testing::Test, public testkit::GateProcess {
  protected:
    // Puts `text` where the caller's ledger lives, in a state directory the gate accepts.
    void plant_ledger(const std::string& text) const {
        tree.make_directory("/run/spawngate");
        std::filesystem::permissions(state_dir(), std::filesystem::perms(0755));
        tree.write("/run/spawngate/" + std::filesystem::path(ledger_path()).filename().string(),
                   text);
    }
    // A reservation line made now (CLOCK_BOOTTIME, like the gate's), live for a minute.
    static std::string live_line(unsigned tasks, unsigned baseline) {
        const std::uint64_t now = boottime_ms();
        return "reservation " + std::to_string(now) + " " + std::to_string(now + 60'000) + " " +
               std::to_string(tasks) + " " + std::to_string(baseline) + "\n";
    }
    static nlohmann::json json_of(const ProcessResult& result) {
        return nlohmann::json::parse(result.stdout_text);
    }
    // The next --reserve after the damage: admitted, and the ledger on disk parses again.
    void expect_next_reservation_writes_a_sound_ledger(std::size_t expected_entries) const {
        const ProcessResult next = run({"--cost", "5", "--reserve", "--json"});
        EXPECT_EQ(next.exit_code, 0) << next.stderr_text;
        EXPECT_FALSE(json_of(next)["reservation"].is_null()) << next.stderr_text;
        const std::string text = testkit::read_whole_file(ledger_path());
        const LedgerParse parsed = parse_ledger(text);
        ASSERT_TRUE(parsed.ledger.has_value()) << parsed.problem << "\n" << text;
        EXPECT_EQ(parsed.ledger->reservations.size(), expected_entries) << text;
        EXPECT_EQ(parsed.ledger->reservations.back().tasks, 5u);
    }
};

TEST_F(DamagedLedger, ZeroLengthLedgerIsReportedAndTheGateStillJudgesTheBudget) {
    v1_caller_at(50);
    plant_ledger("");
    const ProcessResult result = run({"--cost", "25", "--json"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(json_of(result)["verdict"], "allow");
    EXPECT_EQ(json_of(result)["reserved_tasks"], 0);
    EXPECT_TRUE(contains(result.stderr_text, "spawngate: note: ")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "bad header")) << result.stderr_text;
    expect_next_reservation_writes_a_sound_ledger(1);
}

TEST_F(DamagedLedger, LedgerCutMidRecordKeepsTheReservationsBeforeTheCut) {
    v1_caller_at(50);
    const std::string third = live_line(25, 50);
    plant_ledger("spawngate-ledger 1\n" + live_line(25, 50) + live_line(25, 50) +
                 third.substr(0, third.size() - 2));
    // 50 + 50 kept + 25 = 62.5 %: the two intact reservations still count, the torn one not.
    const ProcessResult result = run({"--cost", "25", "--json"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(json_of(result)["reserved_tasks"], 50) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "torn")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "kept the 2 intact reservation"))
        << result.stderr_text;
    expect_next_reservation_writes_a_sound_ledger(3);
}

TEST_F(DamagedLedger, KeptReservationsStillBlockABurstThatWouldOverrunTheBudget) {
    v1_caller_at(100);
    plant_ledger("spawngate-ledger 1\n" + live_line(25, 100) + live_line(25, 100) + "reserv");
    // 100 + 50 kept + 25 = 87.5 %: losing the torn ledger's intact entries would admit it.
    const ProcessResult result = run({"--cost", "25"});
    EXPECT_EQ(result.exit_code, 2) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "50 reserved")) << result.stderr_text;
}

TEST_F(DamagedLedger, GarbageLedgerIsDiscardedWithANoteAndReplacedByTheNextReservation) {
    v1_caller_at(50);
    plant_ledger("this is not a ledger\nreservation soon\n");
    const ProcessResult result = run({"--cost", "25", "--json"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(json_of(result)["reserved_tasks"], 0);
    EXPECT_TRUE(contains(result.stderr_text, "discarded")) << result.stderr_text;
    expect_next_reservation_writes_a_sound_ledger(1);
}

TEST_F(DamagedLedger, BinaryLedgerWithNulBytesIsDiscardedAndTheBlockVerdictStands) {
    v1_caller_at(180);  // 180 + 25 of 200: blocked on what is measured, ledger or not
    plant_ledger(std::string("spawngate-ledger 1\n\0\0\xff\xfe\x01reservation\0", 32));
    const ProcessResult result = run({"--cost", "25", "--json"});
    EXPECT_EQ(result.exit_code, 2) << result.stderr_text;
    EXPECT_EQ(json_of(result)["verdict"], "block");
    EXPECT_TRUE(contains(result.stderr_text, "discarded")) << result.stderr_text;
    set_current(50);
    expect_next_reservation_writes_a_sound_ledger(1);
}

TEST_F(DamagedLedger, HugeLedgerIsIgnoredWithoutReadingItAllAndReplaced) {
    v1_caller_at(50);
    std::string huge = "spawngate-ledger 1\n";
    while (huge.size() < 2 * 1024 * 1024) huge += live_line(1, 50);
    plant_ledger(huge);
    const ProcessResult result = run({"--cost", "25", "--json"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(json_of(result)["verdict"], "allow");
    EXPECT_TRUE(contains(result.stderr_text, "larger than any real ledger")) << result.stderr_text;
    expect_next_reservation_writes_a_sound_ledger(1);
}

TEST_F(DamagedLedger, ReservationWithAnExpiryBeyondTheLongestTtlIsNotImmortal) {
    v1_caller_at(50);
    const std::uint64_t now = boottime_ms();
    // Well-formed, but expiring in a year: no --reservation-ttl (at most 86400 s) makes that.
    plant_ledger("spawngate-ledger 1\nreservation " + std::to_string(now) + " " +
                 std::to_string(now + 365ull * 86400 * 1000) + " 150 50\nend 1\n");
    const ProcessResult result = run({"--cost", "25", "--json"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(json_of(result)["reserved_tasks"], 0);
    expect_next_reservation_writes_a_sound_ledger(1);
}

TEST_F(DamagedLedger, ReservationWithTheLongestTtlStillCounts) {
    v1_caller_at(50);
    const std::uint64_t now = boottime_ms();
    plant_ledger("spawngate-ledger 1\nreservation " + std::to_string(now) + " " +
                 std::to_string(now + 86400ull * 1000) + " 100 50\nend 1\n");
    const ProcessResult result = run({"--cost", "25"});
    EXPECT_EQ(result.exit_code, 2) << "50 + 100 reserved + 25 of 200: " << result.stderr_text;
}

}  // namespace
}  // namespace spawngate
