// The reservation ledger's pure half: its text format, what a damaged file is discarded for,
// expiry, and how reservations are absorbed as the launched tasks appear in pids.current.
#include "reservation_ledger.hpp"

#include <gtest/gtest.h>

namespace spawngate {
namespace {

// A reservation of `tasks` made at `created_ms` for 60 s, when the cgroup held `baseline` tasks.
Reservation reserved(std::uint64_t tasks, std::uint64_t baseline, std::uint64_t created_ms = 1000) {
    return {created_ms, created_ms + 60'000, tasks, baseline};
}

bool same(const Reservation& a, const Reservation& b) {
    return a.created_ms == b.created_ms && a.expires_ms == b.expires_ms && a.tasks == b.tasks &&
           a.baseline == b.baseline;
}

// The problem text of a ledger that must not parse; fails the test when it does parse.
std::string discarded_for(std::string_view text) {
    const LedgerParse parsed = parse_ledger(text);
    EXPECT_FALSE(parsed.ledger.has_value()) << "accepted:\n" << text;
    EXPECT_FALSE(parsed.problem.empty());
    return parsed.problem;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

TEST(LedgerFormat, FormattedLedgerParsesBackToTheSameReservations) {
    Ledger ledger;
    ledger.reservations = {reserved(25, 100, 5000),
                           reserved(1, 0, 7000),
                           {123456789012ull, 123456849012ull, 99999, 4194304}};
    const LedgerParse parsed = parse_ledger(format_ledger(ledger));
    ASSERT_TRUE(parsed.ledger.has_value()) << parsed.problem;
    ASSERT_EQ(parsed.ledger->reservations.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i)
        EXPECT_TRUE(same(parsed.ledger->reservations[i], ledger.reservations[i])) << i;
}

TEST(LedgerFormat, EmptyLedgerParsesBackEmpty) {
    const LedgerParse parsed = parse_ledger(format_ledger({}));
    ASSERT_TRUE(parsed.ledger.has_value()) << parsed.problem;
    EXPECT_TRUE(parsed.ledger->reservations.empty());
}

TEST(LedgerFormat, FileCutShortBeforeItsEndLineIsDiscardedAsTorn) {
    const std::string text = "spawngate-ledger 1\nreservation 1000 61000 25 100\n";
    EXPECT_TRUE(contains(discarded_for(text), "torn")) << discarded_for(text);
}

TEST(LedgerFormat, FileCutInsideALineIsDiscarded) {
    const std::string whole = format_ledger({{reserved(25, 100), reserved(5, 110)}});
    // Everything but the final newline: "end 2" without it still vouches for the whole file.
    for (std::size_t length = 1; length + 1 < whole.size(); ++length)
        EXPECT_FALSE(parse_ledger(whole.substr(0, length)).ledger.has_value()) << length;
}

TEST(LedgerFormat, CountThatDoesNotMatchTheEntriesIsDiscarded) {
    const std::string text =
        "spawngate-ledger 1\nreservation 1000 61000 25 100\nreservation 1000 61000 5 100\nend 3\n";
    EXPECT_TRUE(contains(discarded_for(text), "count does not match")) << discarded_for(text);
}

TEST(LedgerFormat, GarbageLineIsDiscarded) {
    EXPECT_TRUE(contains(discarded_for("spawngate-ledger 1\nreservation 1000 61000 x 100\nend 1\n"),
                         "malformed"));
    EXPECT_TRUE(contains(discarded_for("spawngate-ledger 1\nhello world\nend 0\n"), "malformed"));
    EXPECT_TRUE(
        contains(discarded_for("spawngate-ledger 1\nreservation 1000 61000 25 100 7\nend 1\n"),
                 "malformed"));
    EXPECT_TRUE(contains(discarded_for("spawngate-ledger 1\nreservation  1000 61000 25\nend 1\n"),
                         "malformed"));
}

TEST(LedgerFormat, ReservationThatExpiresBeforeItWasMadeIsDiscarded) {
    EXPECT_TRUE(contains(discarded_for("spawngate-ledger 1\nreservation 9000 1000 25 100\nend 1\n"),
                         "malformed"));
}

TEST(LedgerFormat, TextAfterTheEndLineIsDiscarded) {
    const std::string text =
        "spawngate-ledger 1\nreservation 1000 61000 25 100\nend 1\n"
        "reservation 1000 61000 25 100\n";
    EXPECT_TRUE(contains(discarded_for(text), "after its end line")) << discarded_for(text);
}

TEST(LedgerFormat, BadHeaderIsDiscarded) {
    EXPECT_TRUE(contains(discarded_for("spawngate-ledger 2\nend 0\n"), "header"));
    EXPECT_TRUE(contains(discarded_for(""), "header"));
    EXPECT_TRUE(contains(discarded_for("\x7f"
                                       "ELF\x02\x01\x01"),
                         "header"));
}

TEST(LedgerPrune, ExpiredReservationsAreDropped) {
    Ledger ledger{{{1000, 5000, 25, 100}, {1000, 9000, 10, 100}}};
    prune_expired(ledger, 5000);  // the first expires exactly now
    ASSERT_EQ(ledger.reservations.size(), 1u);
    EXPECT_EQ(ledger.reservations[0].tasks, 10u);
}

TEST(LedgerPrune, ReservationsCreatedInTheFutureAreDropped) {
    // A ledger from before a reboot: CLOCK_BOOTTIME started again from zero.
    Ledger ledger{{{900'000, 960'000, 25, 100}, {1000, 61'000, 10, 100}}};
    prune_expired(ledger, 2000);
    ASSERT_EQ(ledger.reservations.size(), 1u);
    EXPECT_EQ(ledger.reservations[0].tasks, 10u);
}

// Concurrent launches: one read its clock just after ours but wrote the ledger first.
TEST(LedgerPrune, ReservationCreatedMomentsAfterTheReadersClockIsKept) {
    Ledger ledger{{reserved(25, 100, 2300)}};
    prune_expired(ledger, 2000);
    EXPECT_EQ(ledger.reservations.size(), 1u);
}

TEST(LedgerPrune, LiveReservationsAreKept) {
    Ledger ledger{{reserved(25, 100, 1000), reserved(5, 100, 2000)}};
    prune_expired(ledger, 3000);
    EXPECT_EQ(ledger.reservations.size(), 2u);
}

TEST(OutstandingTasks, EmptyLedgerReservesNothing) {
    EXPECT_EQ(outstanding_tasks({}, 150), 0u);
}

TEST(OutstandingTasks, SingleReservationIsAbsorbedAsItsTasksAppear) {
    const Ledger ledger{{reserved(25, 100)}};
    EXPECT_EQ(outstanding_tasks(ledger, 100), 25u);
    EXPECT_EQ(outstanding_tasks(ledger, 110), 15u);
    EXPECT_EQ(outstanding_tasks(ledger, 124), 1u);
    EXPECT_EQ(outstanding_tasks(ledger, 125), 0u);
    EXPECT_EQ(outstanding_tasks(ledger, 140), 0u);
}

TEST(OutstandingTasks, EachTaskOfASingleReservationCountsExactlyOnce) {
    const Ledger ledger{{reserved(25, 100)}};
    for (std::uint64_t appeared = 0; appeared <= 25; ++appeared)
        EXPECT_EQ(100 + appeared + outstanding_tasks(ledger, 100 + appeared), 125u) << appeared;
}

// The first launch reserved 25 at 100 tasks; 10 of its tasks appeared; then the second launch
// reserved 25 at 110. Whatever order the remaining 40 tasks appear in, current + outstanding
// stays at 150: never counted twice, never under-counted.
TEST(OutstandingTasks, TwoReservationsAtDifferentBaselinesAreNeverCountedTwiceNorUnderCounted) {
    const Ledger ledger{{reserved(25, 100, 1000), reserved(25, 110, 2000)}};
    for (std::uint64_t current = 110; current <= 150; ++current) {
        const std::uint64_t truly_outstanding = 150 - current;
        EXPECT_EQ(outstanding_tasks(ledger, current), truly_outstanding) << current;
    }
}

TEST(OutstandingTasks, OrderOfReservationsInTheLedgerDoesNotMatter) {
    const Ledger oldest_first{{reserved(25, 100, 1000), reserved(25, 110, 2000)}};
    const Ledger newest_first{{reserved(25, 110, 2000), reserved(25, 100, 1000)}};
    for (std::uint64_t current = 90; current <= 160; ++current)
        EXPECT_EQ(outstanding_tasks(oldest_first, current),
                  outstanding_tasks(newest_first, current))
            << current;
}

TEST(OutstandingTasks, UnrelatedTasksExitingKeepReservationsCounted) {
    // 10 of the 25 reserved tasks appeared while 5 unrelated tasks exited: current is 105.
    const Ledger ledger{{reserved(25, 100)}};
    const std::uint64_t truly_outstanding = 15;
    EXPECT_GE(outstanding_tasks(ledger, 105), truly_outstanding);
    EXPECT_EQ(outstanding_tasks(ledger, 105), 20u);  // the safe direction: counted a bit longer
}

TEST(OutstandingTasks, CurrentBelowEveryBaselineKeepsTheWholeReservation) {
    const Ledger ledger{{reserved(25, 100), reserved(5, 120)}};
    EXPECT_EQ(outstanding_tasks(ledger, 40), 30u);
}

TEST(ForgetAbsorbed, LedgerIsEmptiedOnceEverythingReservedHasAppeared) {
    Ledger ledger{{reserved(25, 100), reserved(25, 110)}};
    forget_absorbed(ledger, 150);
    EXPECT_TRUE(ledger.reservations.empty());
}

TEST(ForgetAbsorbed, LedgerIsKeptWhileAnyReservedTaskIsOutstanding) {
    Ledger ledger{{reserved(25, 100), reserved(25, 110)}};
    forget_absorbed(ledger, 149);
    EXPECT_EQ(ledger.reservations.size(), 2u);
}

}  // namespace
}  // namespace spawngate
