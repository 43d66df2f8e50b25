#pragma once
// One headless Gemini CLI session, as the conformance tests drive it: the pinned CLI (installed
// once per test process by tests/conformance/install_cli.sh), a scripted local Gemini API
// (mock_gemini.py) that records every request, a fresh HOME whose settings carry spawngate's
// shipped hook snippet, and the CLI itself started inside a real pids cgroup.
//
// Measured with @google/gemini-cli 0.61.0 (FINDINGS.md): headless runs need `--skip-trust`, or
// the CLI exits 55 before its first request; hooks in the user's settings run with it, while a
// project's .gemini/settings.json is loaded as untrusted and its hooks never run.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoped_pids_cgroup.hpp"

namespace spawngate::conformance {

struct CliInstall {
    std::string bin_directory;  // holds node_modules/.bin/gemini; empty unless installed
    std::string skip_reason;    // install_cli.sh exited 77: this machine cannot run the CLI
    std::string failure;        // anything else that went wrong
};

// Runs install_cli.sh once per process and remembers the answer.
const CliInstall& install_gemini_cli();

// mock_gemini.py, started outside the test's cgroups (so its threads never count) and killed by
// the destructor. Its lifetime bound ends it even when the test process is killed.
class MockGemini {
  public:
    MockGemini(const std::string& directory, const nlohmann::json& script);
    ~MockGemini();
    MockGemini(const MockGemini&) = delete;
    MockGemini& operator=(const MockGemini&) = delete;

    const std::string& error() const { return error_; }  // empty once it listens
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // Every request recorded so far, oldest first (bodies as sent by the CLI).
    std::vector<nlohmann::json> requests() const;

  private:
    pid_t pid_ = -1;
    int port_ = 0;
    std::string record_path_;
    std::string error_;
};

// The scripted first answer: one call of `tool` with `args`; every later answer is final text.
nlohmann::json call_script(std::string_view tool, const nlohmann::json& args);

// What the model received as the result of `tool` (the functionResponse's "response" object,
// serialised), from the first request that carries one; nullopt when no request did.
std::optional<std::string> function_response_for(const std::vector<nlohmann::json>& requests,
                                                 std::string_view tool);

// True when a subagent's own loop reached the model: only a subagent is offered complete_task.
bool subagent_reached_the_model(const std::vector<nlohmann::json>& requests);

// ~/.gemini/settings.json for the session: API-key auth, no update checks or usage statistics,
// and the hooks of spawngate's snippet with only the installed path (/usr/local/bin/spawngate)
// replaced by `gate_path`. Empty, with `error` set, when the snippet cannot be used.
std::string gemini_settings(const std::string& snippet_path, const std::string& gate_path,
                            std::string& error);

// The arguments (argv[1..]) of every command hook in the snippet, to feed the gate the way the
// CLI would.
std::vector<std::vector<std::string>> snippet_gate_commands(const std::string& snippet_path);

struct CliRun {
    int exit_code = -1;  // -1 when it did not exit normally
    bool timed_out = false;
    std::string stdout_text;  // --output-format json: one object with "response" and "stats"
    std::string stderr_text;
    std::string failure;  // the run itself failed (fork, join, exec)
};

struct CliSession {
    std::string bin_directory;
    std::string home;
    std::string project;
    std::string scratch;  // for the CLI's stdout and stderr files
    std::string base_url;
    std::string gate_config;  // an empty spawngate config, so /etc/spawngate cannot move levels
};

// Runs `gemini -p PROMPT --skip-trust --yolo --output-format json` in `session.project`, the
// process joining `cgroup` before exec, so the CLI, every hook and every tool count there. A
// run still going after `limit` is killed with its whole process group.
CliRun run_gemini_in(const integration::ScopedPidsCgroup& cgroup, const CliSession& session,
                     const std::string& prompt, std::chrono::seconds limit);

// The `max` counter of pids.events in `directory` (forks refused at that limit), or nullopt
// when it cannot be read.
std::optional<std::uint64_t> fork_failures(const std::string& directory);

}  // namespace spawngate::conformance
