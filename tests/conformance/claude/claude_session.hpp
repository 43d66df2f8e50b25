#pragma once
// One Claude Code session, end to end: the pinned CLI (tests/conformance/install_cli.sh) runs
// headless inside a given pids cgroup against mock_anthropic.py, with spawngate's shipped hook
// snippet (hooks/claude-code/settings.json, only the binary path substituted) as its user
// settings. What the session leaves behind is what a test asserts on: every request the model
// received (so the text a hook put in front of it), the CLI's stream-json events (every hook's
// answer, and what the user was shown), and the marker files its commands touched.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoped_temp_dir.hpp"
#include "session_record.hpp"

namespace spawngate::conformance {

// Where the pinned CLI is, or why it cannot run here.
struct ClaudeInstall {
    std::string executable;   // .../node_modules/.bin/claude; empty when not installed
    std::string skip_reason;  // install_cli.sh exited 77: this machine cannot run it
    std::string failure;      // anything else: a bad pin, a broken install
};

// Runs install_cli.sh once per test process (it caches in the build tree across processes);
// later calls return the first answer.
const ClaudeInstall& install_claude();

// Empty when python3 (which runs mock_anthropic.py) is installed; else why not.
std::string mock_unavailable();

struct ToolCall {
    std::string name;
    nlohmann::json input;
};

// What the mock model does in one session: asks for `calls` one at a time (each after the
// previous one's result), then answers a final text.
struct SessionPlan {
    std::vector<ToolCall> calls;
    std::string model;  // --model; empty: the CLI's default
    // The usage every answer reports (the transcript records it; the context budget reads it).
    nlohmann::json usage = nlohmann::json::object();
};

// A private directory for one session (HOME, the project, the mock's files, marker files),
// removed with everything in it by the destructor.
class ClaudeSession {
  public:
    // `gate_path` replaces /usr/local/bin/spawngate in the shipped snippet.
    ClaudeSession(std::string source_dir, const std::string& gate_path);

    // Empty when the session directory and settings are ready; else what failed.
    const std::string& setup_error() const { return setup_error_; }

    // A path in the session directory for a command to touch; it does not exist yet.
    std::string marker(std::string_view name) const { return dir_.file(name); }
    bool exists(std::string_view name) const;
    std::string read(std::string_view name) const { return dir_.read(name); }

    // Replaces the settings with `spawngate setup claude`'s work, as a user installs the hooks;
    // empty on success, else what failed.
    std::string install_hooks_with_setup(const std::string& gate_path);

    // The command of the snippet's first hook for `event` ("PreToolUse"), as substituted.
    std::string hook_command(std::string_view event) const;
    // The file the gate reads as its config (empty), exported as SPAWNGATE_CONFIG.
    std::string gate_config() const { return dir_.file("spawngate.toml"); }

    // Runs `claude -p` once, as a process that joins the cgroup of `procs_file` before exec;
    // the mock records `pids_current_file` at every request. Bounded by `deadline_s`.
    SessionRecord run(const std::string& claude, const SessionPlan& plan,
                      const std::string& procs_file, const std::string& pids_current_file,
                      int deadline_s = 60);

  private:
    std::string source_dir_;
    integration::ScopedTempDir dir_{"claude-conformance"};
    std::string settings_text_;
    std::string setup_error_;
};

}  // namespace spawngate::conformance
