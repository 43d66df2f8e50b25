#pragma once
// One headless Codex session (`codex exec PROMPT`) against the mock Responses API, with
// spawngate's shipped hook snippet installed in a fresh CODEX_HOME, in the order a test needs:
//
//   CodexRun run(paths, run_dir);
//   run.prepare(script, prefix, hold_at_call)  // HOME, CODEX_HOME, hooks.json, the mock
//   run.review_hooks()                         // trust the hook, as a user does in the TUI
//   run.start(cgroup)                          // the CLI, born inside the cgroup
//   run.wait_until_waiting_on_model()          // the mock holds the request due a call...
//   ... the test fills the cgroup around the CLI's own tasks ...
//   run.release()                              // ...until now
//   run.finish()                               // the CLI's exit, stdout, stderr, the requests
//
// Each step returns "" or what failed; the first failure ends the run.

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "recorded_requests.hpp"
#include "spawned_process.hpp"

namespace spawngate::conformance {

// Where the pieces are; fixed at build time.
struct CodexRunPaths {
    std::string codex;        // the installed CLI (node_modules/.bin/codex)
    std::string mock;         // mock_openai.py
    std::string review;       // review_hooks.py
    std::string snippet;      // hooks/codex/hooks.json as shipped
    std::string gate;         // the built spawngate, substituted for the snippet's binary path
    std::string python;       // python3
    std::string search_path;  // PATH for the CLI (it needs node)
};

// The directory `parent`/`name`, emptied first: a test's previous run left there is replaced.
// Removed with its contents by the destructor unless keep() was called (a failed test keeps its
// CLI's logs and the recorded requests until its next run).
class RunDirectory {
  public:
    RunDirectory(const std::string& parent, const std::string& name);
    ~RunDirectory();
    RunDirectory(const RunDirectory&) = delete;
    RunDirectory& operator=(const RunDirectory&) = delete;

    const std::string& path() const { return path_; }  // empty when it could not be created
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    void keep() { keep_ = true; }

  private:
    std::string path_;
    bool keep_ = false;
};

struct CodexExit {
    int exit_code = -1;
    std::string stdout_text;  // the final message
    std::string stderr_text;  // exec's transcript: "hook: PreToolUse Blocked", tool runs, errors
    RecordedRequests requests;
};

class CodexRun {
  public:
    CodexRun(CodexRunPaths paths, const RunDirectory& directory);

    // Writes the model's script, an empty spawngate config, HOME and CODEX_HOME (a provider
    // with wire_api = "responses" pointing at the mock) and hooks.json: the shipped snippet
    // with only the binary path replaced, and `hook_command_prefix` put in front of its command
    // when not empty (the bad-input case feeds the gate through a pipe). Starts the mock, which
    // will hold the request it answers with call number `hold_at_call` (0: the first request).
    std::string prepare(const nlohmann::json& script, const std::string& hook_command_prefix,
                        int hold_at_call);

    // Trusts every hook Codex lists (review_hooks.py), so the CLI runs without
    // --dangerously-bypass-hook-trust.
    std::string review_hooks();
    // Replaces the hooks prepare() wrote with `spawngate setup codex`'s work (CODEX_HOME set to
    // the run's): the way a user installs them.
    std::string install_hooks_with_setup();

    // Starts `codex exec` with approvals and sandbox bypassed (a shell call otherwise waits for
    // approval) inside the cgroup whose cgroup.procs is `procs_file`.
    std::string start(const std::string& procs_file);

    // Waits until the mock holds the request due the call prepare() named: the CLI is up, and
    // idle until release().
    std::string wait_until_waiting_on_model(std::chrono::seconds limit);
    std::string release();

    // Waits for the CLI to exit (killing it after `limit`) and reads what the model received.
    std::string finish(std::chrono::seconds limit, CodexExit& exit);

    const std::string& work_directory() const { return work_; }

  private:
    std::string write_config(const std::string& port);
    std::vector<std::string> environment() const;

    CodexRunPaths paths_;
    const RunDirectory& directory_;
    std::string home_;
    std::string codex_home_;
    std::string work_;
    SpawnedProcess mock_;
    SpawnedProcess cli_;
};

}  // namespace spawngate::conformance
