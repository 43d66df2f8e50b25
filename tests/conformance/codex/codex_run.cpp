#include "codex_run.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include "run_process.hpp"

namespace spawngate::conformance {
namespace {

namespace fs = std::filesystem;

// Where the shipped snippet installs the gate; the only part of it a test replaces.
constexpr std::string_view kShippedGatePath = "/usr/local/bin/spawngate";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::trunc);
    if (!(out << content)) return "cannot write " + path;
    return {};
}

std::string last_lines(const std::string& text, std::size_t count) {
    std::size_t start = text.size();
    for (std::size_t seen = 0; start > 0 && seen <= count; --start)
        if (text[start - 1] == '\n') ++seen;
    return text.substr(start);
}

// Polls for `path` until `limit` passes or `still_worth_waiting` says no.
template <typename Predicate>
bool wait_for_file(const std::string& path, std::chrono::milliseconds limit,
                   Predicate still_worth_waiting) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (::access(path.c_str(), F_OK) == 0) return true;
        if (!still_worth_waiting()) return ::access(path.c_str(), F_OK) == 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

// The shipped snippet with the gate's path replaced; with `prefix` in front of every command.
std::string install_snippet(const std::string& shipped, const std::string& gate,
                            const std::string& prefix, std::string& error) {
    std::string text = shipped;
    std::size_t replaced = 0;
    for (auto at = text.find(kShippedGatePath); at != std::string::npos;
         at = text.find(kShippedGatePath, at + gate.size())) {
        text.replace(at, kShippedGatePath.size(), gate);
        ++replaced;
    }
    if (replaced == 0) {
        error = "the shipped hooks/codex/hooks.json no longer runs " +
                std::string(kShippedGatePath) + "; update the conformance suite";
        return {};
    }
    if (prefix.empty()) return text;
    nlohmann::json snippet = nlohmann::json::parse(text, nullptr, false);
    if (!snippet.is_object() || !snippet.contains("hooks")) {
        error = "the shipped hooks/codex/hooks.json is not a hooks object";
        return {};
    }
    for (auto& [event, groups] : snippet["hooks"].items())
        for (auto& group : groups)
            for (auto& hook : group["hooks"])
                hook["command"] = prefix + hook["command"].get<std::string>();
    return snippet.dump(2);
}

}  // namespace

RunDirectory::RunDirectory(const std::string& parent, const std::string& name) {
    const std::string path = parent + "/" + name;
    std::error_code error;
    fs::remove_all(path, error);
    if (!error) fs::create_directories(path, error);
    if (!error) path_ = path;
}

RunDirectory::~RunDirectory() {
    std::error_code ignored;
    if (!path_.empty() && !keep_) fs::remove_all(path_, ignored);
}

CodexRun::CodexRun(CodexRunPaths paths, const RunDirectory& directory)
    : paths_(std::move(paths)),
      directory_(directory),
      home_(directory.file("home")),
      codex_home_(directory.file("home/.codex")),
      work_(directory.file("work")) {}

std::vector<std::string> CodexRun::environment() const {
    // The hook inherits this environment. SPAWNGATE_CONFIG points at an empty file so an
    // /etc/spawngate/spawngate.toml on the machine cannot move the thresholds; the reaper
    // heartbeat at a file that does not exist, so no note about a stale reaper joins a message.
    // The tests fill the cgroup with one process holding hundreds of threads, which the thread
    // warning (default: above 400) would report at every level: off, so the pids budget alone
    // speaks. (SHELL does not choose the hook's shell: Codex 0.171 runs `/bin/bash -c COMMAND`.)
    return {"PATH=" + paths_.search_path,
            "HOME=" + home_,
            "CODEX_HOME=" + codex_home_,
            "SHELL=/bin/bash",
            "LANG=C.UTF-8",
            "NO_COLOR=1",
            "SPAWNGATE_CONFIG=" + directory_.file("spawngate.toml"),
            "SPAWNGATE_REAPER_HEARTBEAT=" + directory_.file("no-reaper.heartbeat"),
            "SPAWNGATE_THREAD_WARN=100000"};
}

std::string CodexRun::prepare(const nlohmann::json& script, const std::string& hook_command_prefix,
                              int hold_at_call) {
    if (directory_.path().empty()) return "cannot create a run directory";
    std::error_code error_code;
    fs::create_directories(codex_home_, error_code);
    fs::create_directories(work_, error_code);
    if (error_code) return "cannot create " + codex_home_ + ": " + error_code.message();

    std::string error;
    const std::string hooks =
        install_snippet(read_file(paths_.snippet), paths_.gate, hook_command_prefix, error);
    if (!error.empty()) return error;
    for (const auto& [path, content] :
         {std::pair{codex_home_ + "/hooks.json", hooks},
          std::pair{directory_.file("script.json"), script.dump(2)},
          std::pair{directory_.file("spawngate.toml"), std::string()}}) {
        if (std::string failed = write_file(path, content); !failed.empty()) return failed;
    }

    // The mock outlives no test: it exits by itself after its lifetime.
    const std::string port_file = directory_.file("mock.port");
    error = mock_.start(
        {.argv = {paths_.python, paths_.mock, "--script", directory_.file("script.json"),
                  "--port-file", port_file, "--log", directory_.file("requests.jsonl"),
                  "--lifetime", "150", "--hold-until", directory_.file("go"), "--hold-at-call",
                  std::to_string(hold_at_call)},
         .environment = {"PATH=" + paths_.search_path},
         .working_directory = directory_.path(),
         .stdout_file = directory_.file("mock.out"),
         .stderr_file = directory_.file("mock.err"),
         .cgroup_procs_file = {}});
    if (!error.empty()) return "cannot start the mock: " + error;
    if (!wait_for_file(port_file, std::chrono::seconds(15), [&] { return mock_.running(); }))
        return "the mock did not start: " + read_file(directory_.file("mock.err"));
    return write_config(read_file(port_file));
}

std::string CodexRun::write_config(const std::string& port_line) {
    const std::string port = port_line.substr(0, port_line.find('\n'));
    // A custom provider needs wire_api = "responses"; no env_key, so no API key is sent or
    // needed. Update checks and analytics off: nothing on the internet is reachable here.
    return write_file(codex_home_ + "/config.toml",
                      "model = \"mock-model\"\n"
                      "model_provider = \"mock\"\n"
                      "check_for_update_on_startup = false\n"
                      "\n"
                      "[analytics]\n"
                      "enabled = false\n"
                      "\n"
                      "[model_providers.mock]\n"
                      "name = \"mock\"\n"
                      "base_url = \"http://127.0.0.1:" +
                          port +
                          "/v1\"\n"
                          "wire_api = \"responses\"\n");
}

std::string CodexRun::review_hooks() {
    testkit::ProcessRun review{.arguments = {paths_.review, paths_.codex, work_},
                               .environment = environment(),
                               .stdin_text = {},
                               .close_stdin = true,
                               .timeout = std::chrono::seconds(45)};
    const testkit::ProcessResult result = testkit::run_process(paths_.python, review);
    if (result.exit_code != 0)
        return "reviewing the hook failed (exit " + std::to_string(result.exit_code) +
               "): " + result.stderr_text;
    return {};
}

std::string CodexRun::install_hooks_with_setup() {
    std::error_code ignored;
    fs::remove(codex_home_ + "/hooks.json", ignored);
    testkit::ProcessRun setup{
        .arguments = {"setup", "codex", "--gate", paths_.gate},
        .environment = {"PATH=/usr/bin:/bin", "HOME=" + home_, "CODEX_HOME=" + codex_home_},
        .stdin_text = {},
        .close_stdin = true,
        .timeout = std::chrono::seconds(10)};
    const testkit::ProcessResult result = testkit::run_process(paths_.gate, setup);
    if (result.exit_code != 0)
        return "spawngate setup codex failed (exit " + std::to_string(result.exit_code) +
               "): " + result.stderr_text;
    if (read_file(codex_home_ + "/hooks.json").find(paths_.gate) == std::string::npos)
        return "spawngate setup codex wrote no hook running " + paths_.gate;
    return {};
}

std::string CodexRun::start(const std::string& procs_file) {
    // --skip-git-repo-check: the work directory is no repository. Without
    // --dangerously-bypass-hook-trust: the hook runs because it was reviewed.
    return cli_.start({.argv = {paths_.codex, "exec", "--dangerously-bypass-approvals-and-sandbox",
                                "--skip-git-repo-check", "Run the scripted tool call."},
                       .environment = environment(),
                       .working_directory = work_,
                       .stdout_file = directory_.file("codex.out"),
                       .stderr_file = directory_.file("codex.err"),
                       .cgroup_procs_file = procs_file});
}

std::string CodexRun::wait_until_waiting_on_model(std::chrono::seconds limit) {
    if (wait_for_file(directory_.file("go.waiting"), limit, [&] { return cli_.running(); }))
        return {};
    const std::string what = cli_.running() ? "Codex did not ask the model within " +
                                                  std::to_string(limit.count()) + " s"
                                            : "Codex exited before asking the model";
    return what + "; its stderr ends:\n" + last_lines(read_file(directory_.file("codex.err")), 15);
}

std::string CodexRun::release() {
    return write_file(directory_.file("go"), "");
}

std::string CodexRun::finish(std::chrono::seconds limit, CodexExit& exit) {
    const std::optional<int> status = cli_.wait_for_exit(limit);
    if (!status) cli_.kill_group();
    exit.exit_code = status.value_or(-1);
    exit.stdout_text = read_file(directory_.file("codex.out"));
    exit.stderr_text = read_file(directory_.file("codex.err"));
    exit.requests = RecordedRequests::load(directory_.file("requests.jsonl"));
    mock_.kill_group();
    if (!status)
        return "Codex did not finish within " + std::to_string(limit.count()) +
               " s; killed. Its stderr ends:\n" + last_lines(exit.stderr_text, 15);
    return {};
}

}  // namespace spawngate::conformance
