#pragma once
// What one `spawngate --reserve --cost K --json` answer under load must satisfy: it exited 0 or
// 2 and nothing else (no crash, no usage error, no signal); its JSON parses; the caller's level
// is the test cgroup with the limit the test set, and a count the kernel could report
// (1 <= current <= pids.max: the gate itself is one task); every limit's percent is its own
// (current + reserved + cost) / max and its level follows from the thresholds; the verdict is
// the highest of them and agrees with the exit code; an admitted launch recorded exactly its
// cost with the count it was judged on as baseline, and a blocked one recorded nothing.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger_checks.hpp"
#include "reserving_callers.hpp"

namespace spawngate::load {

struct SceneFacts {
    std::string cgroup_path;  // "/spawngate-load-..."
    std::uint64_t pids_max = 0;
    std::uint64_t reservation_ttl_s = 0;
};

struct AnswerReading {
    std::string verdict;                   // "allow", "warn", "block"; empty when unreadable
    std::optional<AdmittedCall> recorded;  // the reservation it reported recording
    bool lock_wait_gave_up = false;        // admitted, but said it could not record in time
    std::uint64_t current = 0;             // the caller level's pids.current as judged
    std::uint64_t reserved = 0;            // reserved_tasks counted on top
    std::vector<std::string> violations;
};

AnswerReading read_gate_answer(const GateCall& call, const SceneFacts& scene);

}  // namespace spawngate::load
