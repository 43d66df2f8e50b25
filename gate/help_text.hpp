#pragma once
#include <string>

namespace spawngate {
// The text of `spawngate --help`, built from the settings table so it never drifts from it.
std::string help_text();
}  // namespace spawngate
