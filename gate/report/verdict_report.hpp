#pragma once
// The act step's words: what the gate says on stderr and in --json. Every message names the
// limit, where it was read, the numbers, and what to do next.

#include <string>

#include "measurement.hpp"
#include "reservation_ledger.hpp"
#include "settings.hpp"
#include "verdict.hpp"

namespace spawngate {

// "cgroup /agents (pids.max in /sys/fs/cgroup/pids/agents): 170+5 of 200 tasks, 87.5%"
std::string describe_limit(const JudgedLimit& limit);

// The single line printed at warn level (empty below warn).
std::string warning_line(const Verdict& verdict, const GateSettings& settings);

// The guidance printed on a block: what decided, the numbers, what to do.
std::string block_guidance(const Verdict& verdict, const GateSettings& settings);

// For a call that is not a launch (or after a call ran) at the block level: what state the budget
// is in and what that means for launches, without saying the call was blocked: it was not.
std::string state_line(const Verdict& verdict, const GateSettings& settings);

// One line when nothing could be measured or some reads failed (empty otherwise).
std::string measurement_note(const Verdict& verdict, const Measurement& measurement,
                             const GateSettings& settings);

// One "spawngate: note: ..." line per note (ledger trouble and the like).
std::string notes_text(const std::vector<Problem>& notes);

// The --json object (one line, no trailing newline).
// `recorded` is the reservation this launch left (--reserve), if any.
std::string verdict_json(const Verdict& verdict, const Measurement& measurement,
                         const GateSettings& settings, const Reservation* recorded = nullptr);

std::string format_percent(double ratio);
std::string format_bytes(std::uint64_t bytes);

}  // namespace spawngate
