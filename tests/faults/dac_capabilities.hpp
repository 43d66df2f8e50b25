#pragma once
// Root reads every file whatever its mode (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a test that
// needs EACCES runs the code under test on a thread without those two capabilities. Capabilities
// are per thread in Linux (capset(2) without libcap changes only the caller), so the rest of the
// test process keeps them.

#include <functional>
#include <string>

namespace spawngate::faults {

// Runs `body` on a new thread whose effective set lacks the two DAC capabilities; false (with
// `why_not`) when they cannot be dropped.
bool run_without_dac_override(const std::function<void()>& body, std::string& why_not);

}  // namespace spawngate::faults
