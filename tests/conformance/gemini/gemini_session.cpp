#include "gemini_session.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "run_process.hpp"

extern char** environ;

namespace spawngate::conformance {
namespace {

constexpr std::string_view kInstalledGatePath = "/usr/local/bin/spawngate";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string last_lines(const std::string& text, std::size_t count) {
    std::size_t start = text.size();
    for (std::size_t seen = 0; start > 0 && seen <= count;) {
        --start;
        if (text[start] == '\n') ++seen;
    }
    return text.substr(start);
}

std::vector<std::string> inherited_environment() {
    std::vector<std::string> entries;
    for (char** entry = environ; *entry; ++entry) entries.emplace_back(*entry);
    return entries;
}

std::string path_variable() {
    const char* path = std::getenv("PATH");
    return std::string("PATH=") + (path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
}

void write_text(int fd, const char* text) {
    const ssize_t ignored = ::write(fd, text, std::strlen(text));
    (void)ignored;
}

// The child between fork and exec: only async-signal-safe calls, everything prepared before.
[[noreturn]] void become_cli(pid_t parent, const char* out_path, const char* err_path,
                             const char* project, const char* procs_file, const char* executable,
                             char* const* argv, char* const* envp) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(125);
    ::setpgid(0, 0);  // a run that overstays is killed with everything it started
    ::signal(SIGPIPE, SIG_DFL);
    // stdin is /dev/null: with -p the CLI appends whatever stdin holds to the prompt.
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int out = ::open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err = ::open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (in < 0 || out < 0 || err < 0) ::_exit(125);
    if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(125);
    if (::chdir(project) != 0) ::_exit(125);
    const int procs = ::open(procs_file, O_WRONLY | O_CLOEXEC);
    if (procs < 0 || ::write(procs, "0", 1) != 1) {
        write_text(2, "gemini runner: cannot join the cgroup: ");
        write_text(2, std::strerror(errno));
        ::_exit(126);
    }
    ::close(procs);
    ::execve(executable, argv, envp);
    write_text(2, "gemini runner: execve failed: ");
    write_text(2, std::strerror(errno));
    ::_exit(127);
}

}  // namespace

const CliInstall& install_gemini_cli() {
    static const CliInstall install = [] {
        CliInstall result;
        testkit::ProcessRun run;
        run.arguments = {"gemini", CONFORMANCE_CACHE_DIR};
        run.environment = inherited_environment();  // npm needs the user's proxy and registry
        run.timeout = std::chrono::minutes(12);     // the script bounds npm install at 10
        const std::string script =
            std::string(SPAWNGATE_SOURCE_DIR) + "/tests/conformance/install_cli.sh";
        testkit::ProcessResult installed;
        try {
            installed = testkit::run_process(script, run);
        } catch (const std::exception& error) {
            result.failure = error.what();
            return result;
        }
        if (installed.exit_code == 77) {
            result.skip_reason = last_lines(installed.stderr_text, 3);
        } else if (installed.exit_code != 0) {
            result.failure = script + " gemini exited " + std::to_string(installed.exit_code) +
                             (installed.timed_out ? " (timed out)" : "") + ": " +
                             last_lines(installed.stderr_text, 5);
        } else {
            std::string directory = installed.stdout_text;
            while (!directory.empty() && directory.back() == '\n') directory.pop_back();
            result.bin_directory = directory + "/node_modules/.bin";
        }
        return result;
    }();
    return install;
}

MockGemini::MockGemini(const std::string& directory, const nlohmann::json& script) {
    const std::string script_path = directory + "/mock-script.json";
    const std::string port_path = directory + "/mock-port";
    const std::string log_path = directory + "/mock.log";
    record_path_ = directory + "/mock-requests.jsonl";
    std::ofstream(script_path) << script.dump();

    const std::string mock =
        std::string(SPAWNGATE_SOURCE_DIR) + "/tests/conformance/gemini/mock_gemini.py";
    std::vector<std::string> argv_text{"python3",    mock,         "--script",    script_path,
                                       "--record",   record_path_, "--port-file", port_path,
                                       "--lifetime", "150"};
    std::vector<char*> argv;
    for (auto& text : argv_text) argv.push_back(text.data());
    argv.push_back(nullptr);
    std::string path = path_variable();
    char* envp[] = {path.data(), nullptr};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int spawn_error = ::posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), envp);
    posix_spawn_file_actions_destroy(&actions);
    if (spawn_error != 0) {
        pid_ = -1;
        error_ = std::string("cannot start python3 ") + mock + ": " + std::strerror(spawn_error);
        return;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
        // The mock writes the port beside the file and renames it: a read sees all or nothing.
        const std::string port = read_file(port_path);
        if (!port.empty()) {
            port_ = std::atoi(port.c_str());
            return;
        }
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    error_ = "mock_gemini.py did not start listening: " + last_lines(read_file(log_path), 5);
}

MockGemini::~MockGemini() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
}

std::vector<nlohmann::json> MockGemini::requests() const {
    std::vector<nlohmann::json> requests;
    std::ifstream in(record_path_);
    for (std::string line; std::getline(in, line);) {
        nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
        if (!entry.is_discarded()) requests.push_back(std::move(entry));
    }
    return requests;
}

nlohmann::json call_script(std::string_view tool, const nlohmann::json& args) {
    return {{"function_call", {{"name", tool}, {"args", args}}},
            {"final_text", "Done, as far as the tools allowed."}};
}

std::optional<std::string> function_response_for(const std::vector<nlohmann::json>& requests,
                                                 std::string_view tool) {
    for (const auto& request : requests) {
        const auto& body = request["body"];
        if (!body.is_object() || !body.contains("contents")) continue;
        for (const auto& content : body["contents"]) {
            for (const auto& part : content.value("parts", nlohmann::json::array())) {
                if (!part.contains("functionResponse")) continue;
                const auto& response = part["functionResponse"];
                if (response.value("name", "") == tool) return response["response"].dump();
            }
        }
    }
    return std::nullopt;
}

bool subagent_reached_the_model(const std::vector<nlohmann::json>& requests) {
    for (const auto& request : requests) {
        const auto& body = request["body"];
        if (!body.is_object() || !body.contains("tools")) continue;
        for (const auto& tool : body["tools"]) {
            for (const auto& declaration :
                 tool.value("functionDeclarations", nlohmann::json::array())) {
                if (declaration.value("name", "") == "complete_task") return true;
            }
        }
    }
    return false;
}

std::string gemini_settings(const std::string& snippet_path, const std::string& gate_path,
                            std::string& error) {
    nlohmann::json snippet = nlohmann::json::parse(read_file(snippet_path), nullptr, false);
    if (!snippet.is_object() || !snippet["hooks"].is_object()) {
        error = snippet_path + " is not a JSON object with \"hooks\"";
        return {};
    }
    int substituted = 0;
    for (auto& [event, groups] : snippet["hooks"].items()) {
        for (auto& group : groups) {
            for (auto& hook : group["hooks"]) {
                std::string command = hook.value("command", "");
                const auto at = command.find(kInstalledGatePath);
                if (at == std::string::npos) continue;
                command.replace(at, kInstalledGatePath.size(), gate_path);
                hook["command"] = command;
                ++substituted;
            }
        }
    }
    if (substituted == 0) {
        error = snippet_path + " names no " + std::string(kInstalledGatePath) + " command";
        return {};
    }
    const nlohmann::json settings = {
        {"security", {{"auth", {{"selectedType", "gemini-api-key"}}}}},
        {"general", {{"enableAutoUpdate", false}, {"enableAutoUpdateNotification", false}}},
        {"privacy", {{"usageStatisticsEnabled", false}}},
        {"hooks", snippet["hooks"]},
    };
    return settings.dump(2);
}

std::vector<std::vector<std::string>> snippet_gate_commands(const std::string& snippet_path) {
    const nlohmann::json snippet = nlohmann::json::parse(read_file(snippet_path), nullptr, false);
    std::vector<std::vector<std::string>> commands;
    if (!snippet.is_object() || !snippet["hooks"].is_object()) return commands;
    for (const auto& [event, groups] : snippet["hooks"].items()) {
        for (const auto& group : groups) {
            for (const auto& hook : group.value("hooks", nlohmann::json::array())) {
                std::istringstream words(hook.value("command", ""));
                std::vector<std::string> arguments;
                for (std::string word; words >> word;) arguments.push_back(word);
                if (arguments.size() < 2) continue;
                arguments.erase(arguments.begin());
                commands.push_back(std::move(arguments));
            }
        }
    }
    return commands;
}

CliRun run_gemini_in(const integration::ScopedPidsCgroup& cgroup, const CliSession& session,
                     const std::string& prompt, std::chrono::seconds limit) {
    CliRun run;
    const std::string executable = session.bin_directory + "/gemini";
    std::vector<std::string> argv_text{executable,        "-p",  prompt, "--skip-trust", "--yolo",
                                       "--output-format", "json"};
    std::vector<std::string> envp_text{
        path_variable(),
        "HOME=" + session.home,
        "LANG=C.UTF-8",
        "GEMINI_API_KEY=spawngate-conformance-key",
        "GOOGLE_GEMINI_BASE_URL=" + session.base_url,
        "SPAWNGATE_CONFIG=" + session.gate_config,
    };
    std::vector<char*> argv, envp;
    for (auto& text : argv_text) argv.push_back(text.data());
    argv.push_back(nullptr);
    for (auto& text : envp_text) envp.push_back(text.data());
    envp.push_back(nullptr);
    const std::string out_path = session.scratch + "/gemini-stdout.json";
    const std::string err_path = session.scratch + "/gemini-stderr.txt";
    const std::string procs_file = cgroup.procs_file();

    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        run.failure = std::string("fork: ") + std::strerror(errno);
        return run;
    }
    if (pid == 0)
        become_cli(parent, out_path.c_str(), err_path.c_str(), session.project.c_str(),
                   procs_file.c_str(), executable.c_str(), argv.data(), envp.data());

    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) {
            run.failure = std::string("waitpid: ") + std::strerror(errno);
            return run;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            run.timed_out = true;
            ::kill(-pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    run.stdout_text = read_file(out_path);
    run.stderr_text = read_file(err_path);
    if (WIFEXITED(status)) {
        run.exit_code = WEXITSTATUS(status);
        if (run.exit_code >= 125 && run.stderr_text.rfind("gemini runner:", 0) == 0)
            run.failure = run.stderr_text;
    }
    return run;
}

std::optional<std::uint64_t> fork_failures(const std::string& directory) {
    std::ifstream in(directory + "/pids.events");
    for (std::string key; in >> key;) {
        std::uint64_t value = 0;
        if (!(in >> value)) return std::nullopt;
        if (key == "max") return value;
    }
    return std::nullopt;
}

}  // namespace spawngate::conformance
