#include "claude_session.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "run_process.hpp"

namespace spawngate::conformance {
namespace {

using Clock = std::chrono::steady_clock;

// The path every Claude Code snippet in hooks/ names; the suite runs the built gate instead.
constexpr std::string_view kInstalledGate = "/usr/local/bin/spawngate";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<nlohmann::json> json_lines(const std::string& path) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(read_file(path));
    for (std::string line; std::getline(in, line);) {
        nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
        if (!value.is_discarded()) lines.push_back(std::move(value));
    }
    return lines;
}

std::string find_in_path(std::string_view name) {
    for (const char* dir : {"/usr/local/bin", "/usr/bin", "/bin"}) {
        const std::string candidate = std::string(dir) + "/" + std::string(name);
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

// A child process that is killed and reaped by the destructor, whatever the test did.
class ScopedChild {
  public:
    ScopedChild() = default;
    explicit ScopedChild(pid_t pid) : pid_(pid) {}
    ~ScopedChild() { stop(); }
    ScopedChild(const ScopedChild&) = delete;
    ScopedChild& operator=(const ScopedChild&) = delete;

    pid_t pid() const { return pid_; }
    bool running() {
        if (pid_ <= 0) return false;
        int status = 0;
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == 0) return true;
        status_ = status;
        pid_ = -1;
        return false;
    }
    // Kills the child's whole process group (the CLI leaves background commands in it).
    void stop() {
        if (pid_ <= 0) return;
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        status_ = status;
        pid_ = -1;
    }
    int status() const { return status_; }

  private:
    pid_t pid_ = -1;
    int status_ = 0;
};

struct ChildSpec {
    std::string executable;
    std::vector<std::string> arguments;  // argv[1..]
    std::vector<std::string> environment;
    std::string directory;
    std::string stdout_file;
    std::string stderr_file;
    std::string cgroup_procs_file;  // empty: stay in the test's own cgroup
};

void write_text(int fd, const char* text) {
    const ssize_t ignored = ::write(fd, text, std::strlen(text));
    (void)ignored;
}

// Forks and execs `spec` in a process group of its own; between fork and exec only
// async-signal-safe calls, everything prepared before. Empty error on success.
pid_t spawn(const ChildSpec& spec, std::string& error) {
    std::vector<std::string> argv_text{spec.executable};
    argv_text.insert(argv_text.end(), spec.arguments.begin(), spec.arguments.end());
    std::vector<char*> argv;
    for (auto& text : argv_text) argv.push_back(text.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_text = spec.environment;
    std::vector<char*> envp;
    for (auto& text : env_text) envp.push_back(text.data());
    envp.push_back(nullptr);

    const int out =
        ::open(spec.stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int err =
        ::open(spec.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || err < 0 || in < 0) {
        error = "cannot open the output files of " + spec.executable + ": " + std::strerror(errno);
        for (const int fd : {out, err, in})
            if (fd >= 0) ::close(fd);
        return -1;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        error = std::string("fork: ") + std::strerror(errno);
    } else if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(125);
        ::setpgid(0, 0);
        if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(125);
        if (!spec.cgroup_procs_file.empty()) {
            const int procs = ::open(spec.cgroup_procs_file.c_str(), O_WRONLY | O_CLOEXEC);
            if (procs < 0 || ::write(procs, "0", 1) != 1) {
                write_text(2, "conformance: cannot join the cgroup\n");
                ::_exit(126);
            }
            ::close(procs);
        }
        if (!spec.directory.empty() && ::chdir(spec.directory.c_str()) != 0) ::_exit(126);
        ::execve(spec.executable.c_str(), argv.data(), envp.data());
        write_text(2, "conformance: execve failed\n");
        ::_exit(127);
    }
    ::close(out);
    ::close(err);
    ::close(in);
    return pid;
}

std::string read_port(const std::string& port_file, ScopedChild& mock) {
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (Clock::now() < deadline) {
        std::ifstream in(port_file);
        int port = 0;
        if (in >> port && port > 0) return std::to_string(port);
        if (!mock.running()) return {};
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return {};
}

}  // namespace

std::string mock_unavailable() {
    if (!find_in_path("python3").empty()) return {};
    return "python3 is missing (Debian's python3 package): the mock Anthropic API runs on it";
}

const ClaudeInstall& install_claude() {
    static const ClaudeInstall install = [] {
        ClaudeInstall result;
        const std::string script =
            std::string(SPAWNGATE_SOURCE_DIR) + "/tests/conformance/install_cli.sh";
        testkit::ProcessRun run;
        run.arguments = {script, "claude", CONFORMANCE_CACHE_DIR};
        // npm needs the caller's whole environment: its proxy, its CA bundle
        // (NODE_EXTRA_CA_CERTS), its cache and config under HOME.
        for (char** variable = environ; *variable; ++variable)
            run.environment.emplace_back(*variable);
        run.timeout = std::chrono::minutes(12);  // the script's own limits: 60 s + 600 s
        const testkit::ProcessResult done = testkit::run_process("/bin/bash", run);
        std::string where = done.stdout_text;
        while (!where.empty() && (where.back() == '\n' || where.back() == ' ')) where.pop_back();
        if (done.exit_code == 77) {
            result.skip_reason = "install_cli.sh claude exited 77: " + done.stderr_text;
        } else if (done.exit_code != 0) {
            result.failure = "install_cli.sh claude failed (exit " +
                             std::to_string(done.exit_code) +
                             (done.timed_out ? ", timed out" : "") + "): " + done.stderr_text;
        } else if (::access((where + "/node_modules/.bin/claude").c_str(), X_OK) != 0) {
            result.failure = "install_cli.sh claude printed '" + where +
                             "', which holds no executable node_modules/.bin/claude";
        } else {
            result.executable = where + "/node_modules/.bin/claude";
        }
        return result;
    }();
    return install;
}

ClaudeSession::ClaudeSession(std::string source_dir, const std::string& gate_path)
    : source_dir_(std::move(source_dir)) {
    if (dir_.path().empty()) {
        setup_error_ = "cannot create a session directory in /tmp";
        return;
    }
    const std::string snippet_file = source_dir_ + "/hooks/claude-code/settings.json";
    std::string text = read_file(snippet_file);
    int substituted = 0;
    for (auto at = text.find(kInstalledGate); at != std::string::npos;
         at = text.find(kInstalledGate, at + gate_path.size())) {
        text.replace(at, kInstalledGate.size(), gate_path);
        ++substituted;
    }
    if (substituted == 0) {
        setup_error_ = snippet_file + " names no " + std::string(kInstalledGate) + " to substitute";
        return;
    }
    settings_text_ = text;
    std::error_code error;
    for (const char* sub : {"home/.claude", "project", "tmp", "state"})
        std::filesystem::create_directories(dir_.file(sub), error);
    if (error || !dir_.write("home/.claude/settings.json", settings_text_) ||
        !dir_.write("spawngate.toml", "")) {
        setup_error_ = "cannot write the session's settings under " + dir_.path();
        return;
    }
    ::chmod(dir_.file("state").c_str(), 0700);
}

std::string ClaudeSession::install_hooks_with_setup(const std::string& gate_path) {
    std::error_code ignored;
    std::filesystem::remove(dir_.file("home/.claude/settings.json"), ignored);
    testkit::ProcessRun setup;
    setup.arguments = {"setup", "claude", "--gate", gate_path};
    setup.environment = {"PATH=/usr/bin:/bin", "HOME=" + dir_.file("home")};
    const testkit::ProcessResult result = testkit::run_process(gate_path, setup);
    if (result.exit_code != 0)
        return "spawngate setup claude failed (exit " + std::to_string(result.exit_code) +
               "): " + result.stderr_text;
    if (dir_.read("home/.claude/settings.json").find(gate_path) == std::string::npos)
        return "spawngate setup claude wrote no hook running " + gate_path;
    return {};
}

bool ClaudeSession::exists(std::string_view name) const {
    return ::access(dir_.file(name).c_str(), F_OK) == 0;
}

std::string ClaudeSession::hook_command(std::string_view event) const {
    const nlohmann::json settings = nlohmann::json::parse(settings_text_, nullptr, false);
    try {
        return settings.at("hooks")
            .at(std::string(event))
            .at(0)
            .at("hooks")
            .at(0)
            .at("command")
            .get<std::string>();
    } catch (const nlohmann::json::exception&) {
        return {};
    }
}

SessionRecord ClaudeSession::run(const std::string& claude, const SessionPlan& plan,
                                 const std::string& procs_file,
                                 const std::string& pids_current_file, int deadline_s) {
    SessionRecord record;
    if (!setup_error_.empty()) {
        record.failure = setup_error_;
        return record;
    }
    nlohmann::json script = {{"trigger", kMainPromptMark},
                             {"tool_uses", nlohmann::json::array()},
                             {"final_text", "Done."},
                             {"subagent_text", "Subagent report: nothing to add."},
                             {"usage", plan.usage}};
    for (const ToolCall& call : plan.calls)
        script["tool_uses"].push_back({{"name", call.name}, {"input", call.input}});
    if (!dir_.write("mock-script.json", script.dump())) {
        record.failure = "cannot write the mock's script";
        return record;
    }

    const std::string python = find_in_path("python3");
    if (python.empty()) {
        record.failure = "python3 is missing: the mock Anthropic API needs it";
        return record;
    }
    std::string error;
    ScopedChild mock(
        spawn({python,
               {source_dir_ + "/tests/conformance/claude/mock_anthropic.py", "--script",
                dir_.file("mock-script.json"), "--record", dir_.file("requests.jsonl"),
                "--port-file", dir_.file("mock.port"), "--pids-current", pids_current_file,
                "--lifetime-s", std::to_string(deadline_s + 30)},
               {"PATH=/usr/bin:/bin", "LC_ALL=C"},
               dir_.path(),
               dir_.file("mock.stdout"),
               dir_.file("mock.stderr"),
               {}},
              error));
    if (mock.pid() < 0) {
        record.failure = "cannot start the mock: " + error;
        return record;
    }
    const std::string port = read_port(dir_.file("mock.port"), mock);
    if (port.empty()) {
        record.failure = "the mock did not report its port: " + read_file(dir_.file("mock.stderr"));
        return record;
    }

    std::vector<std::string> arguments = {
        "-p", std::string(kMainPromptMark) + ": make the scripted tool calls.", "--output-format",
        "stream-json", "--verbose", "--include-hook-events",
        // Refused as root unless IS_SANDBOX=1 (measured): the suite runs as root.
        "--dangerously-skip-permissions"};
    if (!plan.model.empty()) arguments.insert(arguments.end(), {"--model", plan.model});
    const std::vector<std::string> environment = {
        "PATH=/usr/local/bin:/usr/bin:/bin",
        "HOME=" + dir_.file("home"),
        "TMPDIR=" + dir_.file("tmp"),
        "LANG=C.UTF-8",
        "IS_SANDBOX=1",
        "ANTHROPIC_BASE_URL=http://127.0.0.1:" + port,
        "ANTHROPIC_API_KEY=sk-ant-conformance-not-a-key",
        "DISABLE_TELEMETRY=1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1",
        "DISABLE_AUTOUPDATER=1",
        // Claude Code hands its environment to hooks: the gate reads an empty config (so a
        // /etc/spawngate/spawngate.toml on the machine cannot move the thresholds) and keeps
        // any state in the session directory.
        "SPAWNGATE_CONFIG=" + gate_config(),
        "SPAWNGATE_STATE_DIR=" + dir_.file("state"),
    };
    ScopedChild cli(spawn({claude, arguments, environment, dir_.file("project"),
                           dir_.file("claude.stdout"), dir_.file("claude.stderr"), procs_file},
                          error));
    if (cli.pid() < 0) {
        record.failure = "cannot start claude: " + error;
        return record;
    }
    const auto deadline = Clock::now() + std::chrono::seconds(deadline_s);
    while (cli.running() && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (cli.running()) {
        record.failure = "claude did not finish within " + std::to_string(deadline_s) +
                         " s; killed. stderr: " + read_file(dir_.file("claude.stderr"));
    }
    cli.stop();
    const int status = cli.status();
    record.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    mock.stop();

    record.stderr_text = read_file(dir_.file("claude.stderr"));
    record.requests = json_lines(dir_.file("requests.jsonl"));
    record.events = json_lines(dir_.file("claude.stdout"));
    if (record.failure.empty() && record.exit_code == 125)
        record.failure = "the session's child failed before exec";
    if (record.failure.empty() && (record.exit_code == 126 || record.exit_code == 127))
        record.failure = "claude could not start in the cgroup: " + record.stderr_text;
    return record;
}

}  // namespace spawngate::conformance
