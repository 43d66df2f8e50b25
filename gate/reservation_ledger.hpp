#pragma once
// The reservation ledger: launches admitted with --reserve whose tasks may not have appeared in
// pids.current yet. A burst of agents launched within seconds all see the same pids.current;
// each reservation makes the next check count what the earlier launches are about to add.
//
// Absorption: every reservation records the cgroup's task count when it was made (its
// baseline). Tasks that appeared since the oldest live reservation, current - min(baseline), are
// taken to be reserved tasks materialising, so the tasks still outstanding are
//     max(0, sum(reserved) - max(0, current - min(baseline))).
// Nothing is counted twice: a reserved task counts as reserved until it shows up, then only in
// current. The error runs the safe way: when unrelated tasks exit, growth looks smaller and
// reservations count longer; a reservation never outlives its expiry (default 60 s).
//
// The pure half lives here (format, parse, prune, outstanding); reservation_store does the I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spawngate {

struct Reservation {
    std::uint64_t created_ms = 0;  // CLOCK_BOOTTIME: immune to wall-clock steps, shared by all
    std::uint64_t expires_ms = 0;  // processes, and /run is emptied at boot like the clock
    std::uint64_t tasks = 0;
    std::uint64_t baseline = 0;  // the cgroup's task count when the reservation was made
};

struct Ledger {
    std::vector<Reservation> reservations;
};

// "spawngate-ledger 1", one "reservation CREATED EXPIRES TASKS BASELINE" line each, and
// "end N": a file cut short or edited loses its trailer or its count and is discarded.
std::string format_ledger(const Ledger& ledger);

struct LedgerParse {
    std::optional<Ledger> ledger;
    std::string problem;  // why the text is not a ledger
    // For a ledger with the right header that is damaged further on (cut short, a garbage line):
    // the well-formed reservations before the damage. Keeping them errs the safe way (they still
    // expire), where discarding them would let a burst through.
    std::vector<Reservation> intact;
};
LedgerParse parse_ledger(std::string_view text);

// The longest --reservation-ttl accepted (one day): no real reservation expires later than this
// after it was read.
inline constexpr std::uint64_t kMaxReservationTtlMs = std::uint64_t{86400} * 1000;

// Drops expired reservations, any created more than a few seconds in the future (a file from
// before a reboot or written by hand) and any expiring further ahead than the longest TTL (a
// hand-edited or corrupt expiry would otherwise make it immortal), so a stale ledger never
// blocks for longer than one expiry.
void prune_expired(Ledger& ledger, std::uint64_t now_ms);

// Tasks reserved and not yet visible in `current_tasks` (see the formula above).
std::uint64_t outstanding_tasks(const Ledger& ledger, std::uint64_t current_tasks);

// Forgets every reservation once all of them have materialised, so old baselines do not linger.
void forget_absorbed(Ledger& ledger, std::uint64_t current_tasks);

}  // namespace spawngate
