#include "setup_command.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "agent_settings.hpp"
#include "exit_codes.hpp"
#include "settings_merge.hpp"
#include "unique_fd.hpp"

namespace spawngate {
namespace {

// A settings file larger than this is not one a person keeps by hand: refuse rather than guess.
constexpr std::size_t kMaxSettingsBytes = std::size_t{4} << 20;

struct SetupArguments {
    std::string agent;
    std::optional<std::string> project;
    std::optional<std::string> gate;
    bool dry_run = false;
};

void say(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t wrote = ::write(fd, text.data(), text.size());
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) return;
        text.remove_prefix(static_cast<std::size_t>(wrote));
    }
}

int fail(int code, const std::string& message) {
    say(2, "spawngate setup: " + message + "\n");
    return code;
}

constexpr std::string_view kUsage =
    "usage: spawngate setup claude|gemini|codex [--project DIR] [--dry-run] [--gate PATH]\n";

std::optional<SetupArguments> parse(int argc, const char* const* argv, std::string& error) {
    SetupArguments arguments;
    for (int index = 2; index < argc; ++index) {
        const std::string_view word = argv[index];
        const auto value = [&](std::string_view flag) -> std::optional<std::string> {
            if (index + 1 >= argc) {
                error = std::string(flag) + " needs a value";
                return std::nullopt;
            }
            return std::string(argv[++index]);
        };
        if (word == "--dry-run") {
            arguments.dry_run = true;
        } else if (word == "--project") {
            arguments.project = value(word);
            if (!arguments.project) return std::nullopt;
        } else if (word == "--gate") {
            arguments.gate = value(word);
            if (!arguments.gate) return std::nullopt;
            if (arguments.gate->empty() || arguments.gate->front() != '/') {
                error = "--gate must be an absolute path";
                return std::nullopt;
            }
        } else if (word.starts_with("-")) {
            error = "unknown option '" + std::string(word) + "'";
            return std::nullopt;
        } else if (arguments.agent.empty()) {
            arguments.agent = std::string(word);
        } else {
            error = "unexpected argument '" + std::string(word) + "'";
            return std::nullopt;
        }
    }
    if (arguments.agent.empty()) {
        error = "which agent CLI? claude, gemini or codex";
        return std::nullopt;
    }
    return arguments;
}

std::optional<std::string> home_directory() {
    if (const char* home = std::getenv("HOME"); home && *home == '/') return std::string(home);
    if (const passwd* entry = ::getpwuid(::getuid()); entry && entry->pw_dir)
        return std::string(entry->pw_dir);
    return std::nullopt;
}

// The settings file to change, from the CLI's row and the arguments.
std::optional<std::string> settings_path(const AgentSettings& agent,
                                         const SetupArguments& arguments, std::string& error) {
    if (arguments.project) {
        char resolved[PATH_MAX];
        if (!::realpath(arguments.project->c_str(), resolved)) {
            error = "--project " + *arguments.project + ": " + std::strerror(errno);
            return std::nullopt;
        }
        return std::string(resolved) + "/" + std::string(agent.project_file);
    }
    if (agent.name == "codex") {
        if (const char* codex_home = std::getenv("CODEX_HOME"); codex_home && *codex_home == '/')
            return std::string(codex_home) + "/" + std::string(agent.user_file);
    }
    const auto home = home_directory();
    if (!home) {
        error = "cannot tell the home directory (HOME is not set)";
        return std::nullopt;
    }
    return *home + (agent.name == "codex" ? "/.codex/" : "/") + std::string(agent.user_file);
}

std::string this_gate() {
    char path[PATH_MAX];
    const ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0) return "/usr/bin/spawngate";
    return std::string(path, static_cast<std::size_t>(length));
}

struct ExistingFile {
    bool exists = false;
    std::string text;
    mode_t mode = 0644;
};

std::optional<ExistingFile> read_existing(const std::string& path, std::string& error) {
    ExistingFile file;
    const UniqueFd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
    if (!fd) {
        if (errno == ENOENT) return file;
        error = "cannot open " + path + ": " + std::strerror(errno);
        return std::nullopt;
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        error = path + " is not a regular file";
        return std::nullopt;
    }
    if (static_cast<std::size_t>(info.st_size) > kMaxSettingsBytes) {
        error = path + " is larger than 4 MiB; is it the right file?";
        return std::nullopt;
    }
    file.exists = true;
    file.mode = info.st_mode & 07777;
    char chunk[65536];
    for (;;) {
        const ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            error = "cannot read " + path + ": " + std::strerror(errno);
            return std::nullopt;
        }
        if (got == 0) break;
        file.text.append(chunk, static_cast<std::size_t>(got));
        if (file.text.size() > kMaxSettingsBytes) {
            error = path + " grew past 4 MiB while it was read";
            return std::nullopt;
        }
    }
    return file;
}

bool make_directories(const std::string& directory) {
    if (directory.empty() || ::mkdir(directory.c_str(), 0755) == 0 || errno == EEXIST) return true;
    if (errno != ENOENT) return false;
    const auto slash = directory.rfind('/');
    if (slash == std::string::npos || slash == 0) return false;
    return make_directories(directory.substr(0, slash)) &&
           (::mkdir(directory.c_str(), 0755) == 0 || errno == EEXIST);
}

// Replaces `path` with `text`: a temporary file beside it, flushed, then renamed over it, so a
// crash leaves either the old file or the new one, never a truncated one.
std::string write_atomically(const std::string& path, const std::string& text, mode_t mode) {
    const std::string directory = path.substr(0, path.rfind('/'));
    if (!make_directories(directory))
        return "cannot create " + directory + ": " + std::strerror(errno);
    std::string temporary = path + ".spawngate-XXXXXX";
    const UniqueFd fd{::mkstemp(temporary.data())};
    if (!fd) return "cannot create a file in " + directory + ": " + std::strerror(errno);
    std::string_view left = text;
    while (!left.empty()) {
        const ssize_t wrote = ::write(fd.get(), left.data(), left.size());
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) {
            const int error = wrote < 0 ? errno : ENOSPC;
            std::string failure = "cannot write " + temporary;
            failure.append(": ").append(std::strerror(error));
            ::unlink(temporary.c_str());
            return failure;
        }
        left.remove_prefix(static_cast<std::size_t>(wrote));
    }
    if (::fchmod(fd.get(), mode) != 0 || ::fsync(fd.get()) != 0 ||
        ::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temporary.c_str());
        return "cannot replace " + path + ": " + why;
    }
    if (const UniqueFd dir{::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)}; dir)
        ::fsync(dir.get());
    return {};
}

std::string listed(const char* heading, const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) text += std::string(heading) + line + "\n";
    return text;
}

}  // namespace

int run_setup(int argc, const char* const* argv) {
    std::string error;
    const auto arguments = parse(argc, argv, error);
    if (!arguments) return fail(kExitUsage, error + "\n" + std::string(kUsage));
    const auto agent = find_agent_settings(arguments->agent);
    if (!agent)
        return fail(kExitUsage, "unknown agent CLI '" + arguments->agent +
                                    "' (claude, gemini or codex)\n" + std::string(kUsage));
    const auto path = settings_path(*agent, *arguments, error);
    if (!path) return fail(kExitUsage, error);

    const auto existing = read_existing(*path, error);
    if (!existing) return fail(kExitIoError, error + "; nothing was changed");
    nlohmann::ordered_json settings = nlohmann::ordered_json::object();
    if (existing->exists && existing->text.find_first_not_of(" \t\r\n") != std::string::npos) {
        settings = nlohmann::ordered_json::parse(existing->text, nullptr, false);
        if (settings.is_discarded()) {
            const bool with_comments =
                !nlohmann::ordered_json::parse(existing->text, nullptr, false, true).is_discarded();
            return fail(kExitDataError,
                        *path +
                            (with_comments ? " has comments, which rewriting it would lose"
                                           : " is not valid JSON") +
                            "; nothing was changed. Add the entries of the shipped snippet by "
                            "hand, or fix the file and run setup again.");
        }
    }
    const nlohmann::ordered_json snippet = nlohmann::ordered_json::parse(agent->snippet);
    const MergeResult merged =
        merge_hooks(settings, snippet, arguments->gate ? *arguments->gate : this_gate());
    if (!merged.error.empty())
        return fail(kExitDataError, *path + ": " + merged.error + "; nothing was changed");

    if (!merged.changed) {
        say(1, *path + " already has spawngate's hooks; nothing to change.\n");
    } else if (arguments->dry_run) {
        say(1, "would change " + *path + " (dry run: nothing written):\n" +
                   listed("  - ", merged.removed) + listed("  + ", merged.added) +
                   "the file would read:\n" + merged.settings.dump(2) + "\n");
        return kExitAllow;
    } else {
        if (const std::string problem =
                write_atomically(*path, merged.settings.dump(2) + "\n", existing->mode);
            !problem.empty())
            return fail(kExitCannotCreate, problem + "; the old file is untouched");
        say(1, "updated " + *path + ":\n" + listed("  - ", merged.removed) +
                   listed("  + ", merged.added));
    }
    say(1, std::string(agent->afterwards) + "\n");
    return kExitAllow;
}

}  // namespace spawngate
