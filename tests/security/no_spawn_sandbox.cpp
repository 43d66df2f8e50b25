#include "no_spawn_sandbox.hpp"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace spawngate::testkit {
namespace {

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#else
constexpr std::uint32_t kAuditArch = 0;  // unsupported: the tests skip
#endif

constexpr std::uint32_t kDataNr = offsetof(seccomp_data, nr);
constexpr std::uint32_t kDataArch = offsetof(seccomp_data, arch);
constexpr std::uint32_t kArg0Low = offsetof(seccomp_data, args[0]);
constexpr std::uint32_t kArg0High = offsetof(seccomp_data, args[0]) + 4;  // little-endian

sock_filter statement(std::uint16_t code, std::uint32_t k) {
    return {code, 0, 0, k};
}
sock_filter jump_if_equal(std::uint32_t k, std::uint8_t if_true, std::uint8_t if_false) {
    return {static_cast<std::uint16_t>(BPF_JMP | BPF_JEQ | BPF_K), if_true, if_false, k};
}

// Every syscall that makes a process or runs a program, besides the one allowed execve.
std::vector<std::uint32_t> forbidden_syscalls() {
    std::vector<std::uint32_t> numbers{SYS_clone, SYS_execveat};
#ifdef SYS_clone3
    numbers.push_back(SYS_clone3);
#endif
#ifdef SYS_fork
    numbers.push_back(SYS_fork);
#endif
#ifdef SYS_vfork
    numbers.push_back(SYS_vfork);
#endif
    return numbers;
}

std::vector<sock_filter> build_filter(const char* allowed_filename) {
    const auto address = reinterpret_cast<std::uintptr_t>(allowed_filename);
    const auto low = static_cast<std::uint32_t>(address & 0xffffffffu);
    const auto high = static_cast<std::uint32_t>(static_cast<std::uint64_t>(address) >> 32);
    const std::uint16_t load = BPF_LD | BPF_W | BPF_ABS;
    const std::uint16_t ret = BPF_RET | BPF_K;
    std::vector<sock_filter> filter{
        statement(load, kDataArch),
        jump_if_equal(kAuditArch, 1, 0),
        statement(ret, SECCOMP_RET_KILL_PROCESS),
        statement(load, kDataNr),
    };
    for (const std::uint32_t number : forbidden_syscalls()) {
        filter.push_back(jump_if_equal(number, 0, 1));
        filter.push_back(statement(ret, SECCOMP_RET_KILL_PROCESS));
    }
    // execve: allowed only with the sandbox's own filename pointer.
    filter.push_back(jump_if_equal(SYS_execve, 0, 5));
    filter.push_back(statement(load, kArg0Low));
    filter.push_back(jump_if_equal(low, 0, 2));
    filter.push_back(statement(load, kArg0High));
    filter.push_back(jump_if_equal(high, 1, 0));
    filter.push_back(statement(ret, SECCOMP_RET_KILL_PROCESS));
    filter.push_back(statement(ret, SECCOMP_RET_ALLOW));
    return filter;
}

bool install_filter(const char* allowed_filename) {
    std::vector<sock_filter> filter = build_filter(allowed_filename);
    const sock_fprog program{static_cast<unsigned short>(filter.size()), filter.data()};
    return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

bool seccomp_filter_available(std::string& why_not) {
    if (kAuditArch == 0) {
        why_not = "no seccomp filter written for this architecture";
        return false;
    }
    const pid_t child = ::fork();
    if (child == 0) {
        static const char kNothing[] = "";
        ::_exit(install_filter(kNothing) ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
    why_not = "prctl(PR_SET_SECCOMP) failed: the kernel lacks CONFIG_SECCOMP_FILTER";
    return false;
}

SandboxedRun run_without_process_creation(const std::string& executable,
                                          const std::vector<std::string>& arguments,
                                          const std::vector<std::string>& environment,
                                          const std::string& stdin_text) {
    SandboxedRun result;
    char pattern[] = "/tmp/spawngate-seccomp-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return result;
    const std::string directory = pattern;
    const std::string in = directory + "/stdin", out = directory + "/stdout",
                      err = directory + "/stderr";
    std::ofstream(in, std::ios::binary) << stdin_text;

    // Everything the child needs is prepared before fork: it only opens, dups, filters, execs.
    std::vector<char*> argv{const_cast<char*>(executable.c_str())};
    for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
    envp.push_back(nullptr);

    const pid_t child = ::fork();
    if (child == 0) {
        const int in_fd = ::open(in.c_str(), O_RDONLY);
        const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in_fd < 0 || out_fd < 0 || err_fd < 0 || ::dup2(in_fd, 0) < 0 ||
            ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0)
            ::_exit(125);
        if (!install_filter(argv[0])) ::_exit(126);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (::waitpid(child, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(child, SIGKILL);
            ::waitpid(child, &status, 0);
            result.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    result.stdout_text = read_text(out);
    result.stderr_text = read_text(err);
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);
    return result;
}

}  // namespace spawngate::testkit
