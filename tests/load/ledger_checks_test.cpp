// The load test's ledger checks must catch what they claim to: a checker that passes everything
// would make the load test pass vacuously. Pure: no root, no cgroup.

#include <gtest/gtest.h>

#include "ledger_checks.hpp"

namespace spawngate::load {
namespace {

constexpr std::uint64_t kTtlMs = 2000;
constexpr std::uint64_t kFirstBlocked = 170;  // 85 % of 200

Reservation entry(std::uint64_t created_ms, std::uint64_t tasks, std::uint64_t baseline) {
    return {created_ms, created_ms + kTtlMs, tasks, baseline};
}

AdmittedCall call(std::uint64_t started_ms, std::uint64_t ended_ms, std::uint64_t tasks,
                  std::uint64_t baseline) {
    return {started_ms, ended_ms, tasks, baseline};
}

TEST(LoadLedgerChecks, FirstBlockedTotalIsEightyFivePercentOfTheLimit) {
    EXPECT_EQ(first_blocked_total(200, 0.85), 170u);
    EXPECT_EQ(first_blocked_total(10, 0.85), 9u);
}

TEST(LoadLedgerChecks, LedgerTheGateWouldWritePasses) {
    // 100 tasks; 25 reserved at 100; then 25 more at 110 (10 of the first appeared: 15 left).
    const Ledger ledger{{entry(1000, 25, 100), entry(1010, 25, 110)}};
    EXPECT_TRUE(check_ledger_shape(ledger, kTtlMs, kFirstBlocked).empty());
    const std::vector<AdmittedCall> calls{call(990, 1005, 25, 100), call(1008, 1012, 25, 110)};
    EXPECT_TRUE(check_ledger_against_calls(ledger, 2000, calls).empty());
}

TEST(LoadLedgerChecks, LastEntryAdmittedAtTheBlockLevelIsFlagged) {
    // 120 + 25 outstanding + 25 = 170: the gate must have blocked it.
    const Ledger ledger{{entry(1000, 25, 120), entry(1001, 25, 120)}};
    EXPECT_FALSE(check_ledger_shape(ledger, kTtlMs, kFirstBlocked).empty());
}

TEST(LoadLedgerChecks, AbsorbedEntriesKeptBehindANewOneAreFlagged) {
    // All 5 reserved at 10 appeared by 20: the writer should have emptied the ledger first.
    const Ledger ledger{{entry(1000, 5, 10), entry(1100, 5, 20)}};
    EXPECT_FALSE(check_ledger_shape(ledger, kTtlMs, kFirstBlocked).empty());
}

TEST(LoadLedgerChecks, ExpiredEntryKeptIsFlagged) {
    const Ledger ledger{{entry(1000, 5, 10), entry(1000 + kTtlMs, 5, 10)}};
    EXPECT_FALSE(check_ledger_shape(ledger, kTtlMs, kFirstBlocked).empty());
}

TEST(LoadLedgerChecks, EntriesOutOfClockOrderAreFlagged) {
    const Ledger ledger{{entry(1010, 5, 10), entry(1000, 5, 10)}};
    EXPECT_FALSE(check_ledger_shape(ledger, kTtlMs, kFirstBlocked).empty());
}

TEST(LoadLedgerChecks, EntryNoLaunchReportedIsFlagged) {
    const Ledger ledger{{entry(1000, 5, 10)}};
    const std::vector<AdmittedCall> calls{call(990, 1005, 5, 11)};
    EXPECT_FALSE(check_ledger_against_calls(ledger, 2000, calls).empty());
}

TEST(LoadLedgerChecks, AdmittedLaunchMissingFromALaterLedgerIsALostUpdate) {
    // The second launch ran entirely after the first entry was written and before the read,
    // yet only the third is in the file: its reservation was overwritten.
    const Ledger ledger{{entry(1000, 5, 10), entry(1030, 5, 12)}};
    const std::vector<AdmittedCall> calls{call(990, 1005, 5, 10), call(1010, 1020, 5, 11),
                                          call(1025, 1035, 5, 12)};
    EXPECT_FALSE(check_ledger_against_calls(ledger, 2000, calls).empty());
}

TEST(LoadLedgerChecks, LaunchStillRunningAtTheReadIsNotRequired) {
    const Ledger ledger{{entry(1000, 5, 10)}};
    const std::vector<AdmittedCall> calls{call(990, 1005, 5, 10), call(1010, 2500, 5, 11)};
    EXPECT_TRUE(check_ledger_against_calls(ledger, 2000, calls).empty());
}

}  // namespace
}  // namespace spawngate::load
