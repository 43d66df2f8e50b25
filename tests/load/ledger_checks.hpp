#pragma once
// What a reservation ledger read during the load must satisfy, given how the gate writes it
// (gate_run.cpp): an admitted --reserve launch reads the ledger under its lock, prunes expired
// entries, decides on current + outstanding + cost, empties the ledger when nothing was
// outstanding, appends its own reservation and replaces the file whole. Blocked launches never
// write. So every version of the file is exactly what its last entry's launch wrote, and:
//
//   - it parses (the rename is atomic: never a torn file);
//   - entries are in the order of their clock reads, each with the configured TTL;
//   - the last entry's launch decided on the entries before it: none had expired at its time,
//     something was still outstanding (else it would have emptied the ledger), and
//     baseline + outstanding + cost was below the block level of pids.max;
//   - so the ledger as written never projects the cgroup to the block level at the task count
//     it was written with: baseline + outstanding(all entries) < block level;
//   - every entry is the reservation some admitted launch reported in its --json answer
//     (same tasks and baseline, created within that run), and no admitted launch that ran
//     entirely between the oldest entry and the read is missing (no lost update).
//
// Pure functions on parsed ledgers and call records; each returns violations, empty when fine.

#include <cstdint>
#include <string>
#include <vector>

#include "reservation_ledger.hpp"

namespace spawngate::load {

// The smallest task total whose ratio to `pids_max` the gate blocks at (the same double
// comparison as decide(): 170 for 200 at 85 %).
std::uint64_t first_blocked_total(std::uint64_t pids_max, double block_ratio);

// An admitted launch's recorded reservation, from its --json answer and the caller's clock.
struct AdmittedCall {
    std::uint64_t started_ms = 0;
    std::uint64_t ended_ms = 0;
    std::uint64_t tasks = 0;
    std::uint64_t baseline = 0;
};

// The file as read, with the reader's clock around the read.
struct LedgerSnapshot {
    std::string text;
    std::uint64_t read_started_ms = 0;
};

std::vector<std::string> check_ledger_shape(const Ledger& ledger, std::uint64_t ttl_ms,
                                            std::uint64_t first_blocked);

// `calls` sorted by started_ms.
std::vector<std::string> check_ledger_against_calls(const Ledger& ledger,
                                                    std::uint64_t read_started_ms,
                                                    const std::vector<AdmittedCall>& calls);

}  // namespace spawngate::load
