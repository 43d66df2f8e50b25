#pragma once
// Merging spawngate's hook entries into an agent CLI's settings document. Pure: JSON in, JSON
// out, so idempotence and "every other setting and hook is kept" are tested without files.
//
// All three CLIs share one shape: {"hooks": {EVENT: [{"matcher": ..., "hooks": [{"type":
// "command", "command": ...}, ...]}, ...]}}. The merge first removes every command hook that
// runs spawngate (`spawngate --hook ...`, under any path), dropping groups left empty, then adds
// the snippet's groups with the gate's path substituted. Running it twice changes nothing; running
// it after an upgrade replaces the old entries with the new ones.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spawngate {

struct MergeResult {
    nlohmann::ordered_json settings;
    std::vector<std::string> removed;  // "PreToolUse [Agent|Task|Bash]: /usr/bin/spawngate ..."
    std::vector<std::string> added;
    bool changed = false;
    std::string error;  // the document's shape is not one a CLI accepts: nothing merged
};

// `snippet` is a shipped hooks/ file; its commands name /usr/local/bin/spawngate, which is
// replaced by `gate_path`.
MergeResult merge_hooks(const nlohmann::ordered_json& settings,
                        const nlohmann::ordered_json& snippet, const std::string& gate_path);

// True for a command that runs spawngate as a hook: its first word is `gate_path` or ends in
// "spawngate", and a later word is "--hook".
bool runs_spawngate_hook(const std::string& command, const std::string& gate_path = {});

}  // namespace spawngate
