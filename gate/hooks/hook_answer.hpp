#pragma once
// What a hook invocation answers: the exit code and both streams, as each agent CLI's protocol
// wants them. Built by the hook_* files, written by main.

#include <string>

#include "measurement.hpp"
#include "settings.hpp"
#include "verdict.hpp"

namespace spawngate {

struct HookAnswer {
    int exit_code = 0;
    std::string stdout_text;
    std::string stderr_text;
};

// The words every protocol carries: the block guidance, or the warning, plus any note about
// what could not be measured; empty when there is nothing to say.
std::string hook_block_reason(const Verdict& verdict, const Measurement& measurement,
                              const GateSettings& settings);
std::string hook_warning(const Verdict& verdict, const Measurement& measurement,
                         const GateSettings& settings);
// For a call that cannot be blocked (not a launch, or after it ran): the warning below the block
// level, the state of the budget at or above it (state_line), plus any measurement note.
std::string hook_state(const Verdict& verdict, const Measurement& measurement,
                       const GateSettings& settings);

}  // namespace spawngate
