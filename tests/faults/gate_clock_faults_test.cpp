// Issue 5, faults: the clock stepping backwards or forwards. Reservations expire on
// CLOCK_BOOTTIME, which no one steps; the gate runs here in a time namespace (unshare --time)
// whose boot clock is moved, as it is across a reboot with a persistent state directory. The
// reaper's heartbeat carries wall-clock time, so it is judged for a step both ways: a heartbeat
// from "the future" must neither read as fresh for as long as the step nor block anything.
#include <time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "gate_process_fixture.hpp"
#include "reaper_heartbeat.hpp"
#include "reservation_ledger.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;

constexpr const char* kUnshare = "/usr/bin/unshare";

std::uint64_t boot_clock_ms() {
    timespec now{};
    ::clock_gettime(CLOCK_BOOTTIME, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1000 +
           static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000;
}

// --- Reservations: the pure rule, with `now` as the clock -------------------------------------

Reservation made_at(std::uint64_t created_ms, std::uint64_t ttl_ms = 60'000) {
    return {created_ms, created_ms + ttl_ms, 25, 100};
}

TEST(ReservationClock, ClockReadMomentsBeforeTheReservationWasMadeStillCountsIt) {
    Ledger ledger{{made_at(1'000'000)}};
    prune_expired(ledger, 1'000'000 - 3000);  // a concurrent launch's older clock reading
    EXPECT_EQ(ledger.reservations.size(), 1u);
}

TEST(ReservationClock, BootClockStartedAgainDropsReservationsFromTheLastBoot) {
    Ledger ledger{{made_at(5'000'000)}};
    prune_expired(ledger, 20'000);  // rebooted: the boot clock reads 20 s
    EXPECT_TRUE(ledger.reservations.empty()) << "a pre-reboot reservation would count again";
}

TEST(ReservationClock, ClockJumpingPastTheExpiryDropsTheReservation) {
    Ledger ledger{{made_at(1'000'000)}};
    prune_expired(ledger, 1'000'000 + 86'400'000);
    EXPECT_TRUE(ledger.reservations.empty());
}

TEST(ReservationClock, ExpiryFurtherAheadThanTheLongestTtlNeverCounts) {
    Ledger ledger{{{1'000'000, UINT64_MAX, 25, 100}, made_at(1'000'000, kMaxReservationTtlMs)}};
    prune_expired(ledger, 1'000'000);
    ASSERT_EQ(ledger.reservations.size(), 1u) << "immortal reservation kept";
    EXPECT_EQ(ledger.reservations[0].expires_ms, 1'000'000 + kMaxReservationTtlMs);
}

// --- Reservations: the built gate under a moved boot clock ------------------------------------

class GateUnderMovedClock : public ::testing::Test, public testkit::GateProcess {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "a time namespace (unshare --time) needs root";
        if (!std::filesystem::exists("/proc/self/ns/time"))
            GTEST_SKIP() << "this kernel has no time namespaces (CONFIG_TIME_NS, Linux 5.6+)";
        if (!std::filesystem::exists(kUnshare)) GTEST_SKIP() << kUnshare << " is not installed";
        v1_caller_at(50);
    }
    // The gate with `clock_option` ("--boottime" or "--monotonic") moved by `offset_s`.
    ProcessResult run_moved(const std::string& clock_option, long long offset_s,
                            std::vector<std::string> arguments) const {
        testkit::ProcessRun process;
        process.arguments = {"--time", clock_option, std::to_string(offset_s), testkit::kBuiltGate};
        process.arguments.insert(process.arguments.end(), arguments.begin(), arguments.end());
        process.arguments.insert(process.arguments.end(), {"--root", tree.path()});
        process.environment = {"PATH=/usr/bin:/bin",
                               "SPAWNGATE_CONFIG=" + tree.path_of("/etc/spawngate-test.toml"),
                               "SPAWNGATE_STATE_DIR=" + state_dir()};
        return testkit::run_process(kUnshare, process);
    }
    static nlohmann::json json_of(const ProcessResult& result) {
        return nlohmann::json::parse(result.stdout_text);
    }
};

TEST_F(GateUnderMovedClock, LedgerKeepsBootClockTimesNotWallClockTimes) {
    const std::uint64_t before = boot_clock_ms();
    ASSERT_EQ(run({"--cost", "25", "--reserve"}).exit_code, 0);
    const std::uint64_t after = boot_clock_ms();
    const std::vector<Reservation> entries = ledger_entries();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_GE(entries[0].created_ms, before);
    EXPECT_LE(entries[0].created_ms, after) << "the wall clock can be stepped; the boot clock not";
}

TEST_F(GateUnderMovedClock, SteppedMonotonicClockLeavesLiveReservationsCounting) {
    ASSERT_EQ(run({"--cost", "25", "--reserve"}).exit_code, 0);
    const ProcessResult result = run_moved("--monotonic", 86'400, {"--cost", "25", "--json"});
    ASSERT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(json_of(result)["reserved_tasks"], 25) << "a reservation vanished with the step";
}

TEST_F(GateUnderMovedClock, BootClockPastTheExpiryEndsTheReservation) {
    ASSERT_EQ(run({"--cost", "25", "--reserve"}).exit_code, 0);
    const ProcessResult result = run_moved("--boottime", 120, {"--cost", "25", "--json"});
    ASSERT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(json_of(result)["reserved_tasks"], 0) << "a 60 s reservation outlived 120 s";
}

TEST_F(GateUnderMovedClock, BootClockStartedAgainIgnoresOldReservationsAndRecordsANewOne) {
    ASSERT_EQ(run({"--cost", "25", "--reserve", "--reservation-ttl", "600"}).exit_code, 0);
    // As after a reboot: the boot clock reads 5 s, the old reservation was made "later".
    const auto back_s = static_cast<long long>(boot_clock_ms() / 1000) - 5;
    ASSERT_GT(back_s, 60) << "the machine booted too recently to move its clock back";
    const ProcessResult result =
        run_moved("--boottime", -back_s, {"--cost", "25", "--reserve", "--json"});
    ASSERT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(json_of(result)["reserved_tasks"], 0);
    EXPECT_FALSE(json_of(result)["reservation"].is_null()) << result.stderr_text;
    const std::vector<Reservation> entries = ledger_entries();
    ASSERT_EQ(entries.size(), 1u) << "the stale reservation was written back";
    EXPECT_LT(entries[0].created_ms, 60'000u);
}

// --- The reaper's heartbeat: wall clock, judged for steps -------------------------------------

ReaperHeartbeat heartbeat_at(std::uint64_t time_unix_s) {
    ReaperHeartbeat heartbeat;
    heartbeat.time_unix_s = time_unix_s;
    heartbeat.interval_s = 120;
    heartbeat.pid = 4242;
    heartbeat.cycle = 3;
    return heartbeat;
}

TEST(HeartbeatClock, HeartbeatSlightlyInTheFutureIsFresh) {
    const HeartbeatRead read = judge_heartbeat_age(heartbeat_at(1'000'060), 1'000'000);
    EXPECT_EQ(read.state, HeartbeatState::Fresh);
    EXPECT_EQ(read.ahead_s, 60u);
}

TEST(HeartbeatClock, HeartbeatFarInTheFutureIsLateNotFreshUntilTheClockCatchesUp) {
    const HeartbeatRead read = judge_heartbeat_age(heartbeat_at(1'000'000 + 86'400), 1'000'000);
    EXPECT_EQ(read.state, HeartbeatState::Late);
    EXPECT_EQ(read.ahead_s, 86'400u);
}

TEST(HeartbeatClock, ClockSteppedForwardMakesTheHeartbeatLate) {
    EXPECT_EQ(judge_heartbeat_age(heartbeat_at(1'000'000), 1'000'000 + 3600).state,
              HeartbeatState::Late);
}

class HeartbeatFromTheFuture : public ::testing::Test, public testkit::GateProcess {
  protected:
    void SetUp() override { v2_caller_at(20); }
    void write_heartbeat_ahead(std::uint64_t ahead_s) const {
        tree.write(
            "/run/spawngate/reaper.heartbeat",
            format_heartbeat(heartbeat_at(static_cast<std::uint64_t>(::time(nullptr)) + ahead_s)));
    }
};

TEST_F(HeartbeatFromTheFuture, HeartbeatADayAheadWarnsThatTheClockMovedAndDoesNotBlock) {
    write_heartbeat_ahead(86'400);
    const ProcessResult result = run({"--fail-closed"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text,
                         "spawngate: warning: the reaper's last heartbeat is "
                         "dated 86"))
        << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "in the future")) << result.stderr_text;
}

TEST_F(HeartbeatFromTheFuture, HeartbeatAMinuteAheadSaysNothing) {
    write_heartbeat_ahead(60);
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.stderr_text, "");
}

TEST_F(HeartbeatFromTheFuture, StatusShowsTheHeartbeatAsLateAndInTheFuture) {
    write_heartbeat_ahead(86'400);
    const ProcessResult result = run({"status"});
    EXPECT_TRUE(contains(result.stdout_text, "s in the future")) << result.stdout_text;
    EXPECT_TRUE(contains(result.stdout_text, "LATE")) << result.stdout_text;
}

}  // namespace
}  // namespace spawngate
