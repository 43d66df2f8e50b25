#include "setup_command.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

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
    bool help = false;
};

void say(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t wrote = ::write(fd, text.data(), text.size());
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) return;
        text.remove_prefix(static_cast<std::size_t>(wrote));
    }
}

int fail(int code, std::string_view message) {
    say(2, fmt::format("spawngate setup: {}\n", message));
    return code;
}

constexpr std::string_view kUsage =
    "usage: spawngate setup claude|gemini|codex [--project DIR] [--dry-run] [--gate PATH]\n";

constexpr std::string_view kHelp =
    "\n"
    "Merges spawngate's hooks into the agent CLI's settings (user settings, or a project's),\n"
    "keeping every other setting and hook; running it again changes nothing.\n"
    "\n"
    "  --project DIR  change DIR's project settings instead of the user's\n"
    "  --dry-run      print the change and the file it would write; write nothing\n"
    "  --gate PATH    the gate the hooks run (absolute; default: this executable)\n"
    "  -h, --help     print this help and exit\n";

std::optional<SetupArguments> parse(int argc, const char* const* argv, std::string& error) {
    SetupArguments arguments;
    for (int index = 2; index < argc; ++index) {
        const std::string_view word = argv[index];
        const auto value = [&](std::string_view flag) -> std::optional<std::string> {
            if (index + 1 >= argc) {
                error = fmt::format("{} needs a value", flag);
                return std::nullopt;
            }
            return std::string(argv[++index]);
        };
        if (word == "--help" || word == "-h") {
            arguments.help = true;
            return arguments;
        }
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
            error = fmt::format("unknown option '{}'", word);
            return std::nullopt;
        } else if (arguments.agent.empty()) {
            arguments.agent = std::string(word);
        } else {
            error = fmt::format("unexpected argument '{}'", word);
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
            error = fmt::format("--project {}: {}", *arguments.project, std::strerror(errno));
            return std::nullopt;
        }
        return fmt::format("{}/{}", resolved, agent.project_file);
    }
    if (agent.name == "codex") {
        if (const char* codex_home = std::getenv("CODEX_HOME"); codex_home && *codex_home == '/')
            return fmt::format("{}/{}", codex_home, agent.user_file);
    }
    const auto home = home_directory();
    if (!home) {
        error = "cannot tell the home directory (HOME is not set)";
        return std::nullopt;
    }
    return fmt::format("{}{}{}", *home, agent.name == "codex" ? "/.codex/" : "/", agent.user_file);
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
        error = fmt::format("cannot open {}: {}", path, std::strerror(errno));
        return std::nullopt;
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        error = fmt::format("{} is not a regular file", path);
        return std::nullopt;
    }
    if (static_cast<std::size_t>(info.st_size) > kMaxSettingsBytes) {
        error = fmt::format("{} is larger than 4 MiB; is it the right file?", path);
        return std::nullopt;
    }
    file.exists = true;
    file.mode = info.st_mode & 07777;
    char chunk[65536];
    for (;;) {
        const ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            error = fmt::format("cannot read {}: {}", path, std::strerror(errno));
            return std::nullopt;
        }
        if (got == 0) break;
        file.text.append(chunk, static_cast<std::size_t>(got));
        if (file.text.size() > kMaxSettingsBytes) {
            error = fmt::format("{} grew past 4 MiB while it was read", path);
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
        return fmt::format("cannot create {}: {}", directory, std::strerror(errno));
    std::string temporary = fmt::format("{}.spawngate-XXXXXX", path);
    const UniqueFd fd{::mkstemp(temporary.data())};
    if (!fd) return fmt::format("cannot create a file in {}: {}", directory, std::strerror(errno));
    std::string_view left = text;
    while (!left.empty()) {
        const ssize_t wrote = ::write(fd.get(), left.data(), left.size());
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) {
            const int error = wrote < 0 ? errno : ENOSPC;
            std::string failure =
                fmt::format("cannot write {}: {}", temporary, std::strerror(error));
            ::unlink(temporary.c_str());
            return failure;
        }
        left.remove_prefix(static_cast<std::size_t>(wrote));
    }
    if (::fchmod(fd.get(), mode) != 0 || ::fsync(fd.get()) != 0 ||
        ::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temporary.c_str());
        return fmt::format("cannot replace {}: {}", path, why);
    }
    if (const UniqueFd dir{::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)}; dir)
        ::fsync(dir.get());
    return {};
}

// One line per entry: "  + PreToolUse ..." for an added hook, "  - ..." for a removed one.
void list_to(fmt::memory_buffer& out, std::string_view heading,
             const std::vector<std::string>& lines) {
    for (const std::string& line : lines)
        fmt::format_to(std::back_inserter(out), "{}{}\n", heading, line);
}

}  // namespace

int run_setup(int argc, const char* const* argv) {
    std::string error;
    const auto arguments = parse(argc, argv, error);
    if (!arguments) return fail(kExitUsage, fmt::format("{}\n{}", error, kUsage));
    if (arguments->help) {
        say(1, fmt::format("{}{}", kUsage, kHelp));
        return kExitAllow;
    }
    const auto agent = find_agent_settings(arguments->agent);
    if (!agent)
        return fail(kExitUsage, fmt::format("unknown agent CLI '{}' (claude, gemini or codex)\n{}",
                                            arguments->agent, kUsage));
    const auto path = settings_path(*agent, *arguments, error);
    if (!path) return fail(kExitUsage, error);

    const auto existing = read_existing(*path, error);
    if (!existing) return fail(kExitIoError, fmt::format("{}; nothing was changed", error));
    nlohmann::ordered_json settings = nlohmann::ordered_json::object();
    if (existing->exists && existing->text.find_first_not_of(" \t\r\n") != std::string::npos) {
        settings = nlohmann::ordered_json::parse(existing->text, nullptr, false);
        if (settings.is_discarded()) {
            const bool with_comments =
                !nlohmann::ordered_json::parse(existing->text, nullptr, false, true).is_discarded();
            return fail(kExitDataError,
                        fmt::format("{} {}; nothing was changed. Add the entries of the shipped "
                                    "snippet by hand, or fix the file and run setup again.",
                                    *path,
                                    with_comments ? "has comments, which rewriting it would lose"
                                                  : "is not valid JSON"));
        }
    }
    const nlohmann::ordered_json snippet = nlohmann::ordered_json::parse(agent->snippet);
    const MergeResult merged =
        merge_hooks(settings, snippet, arguments->gate ? *arguments->gate : this_gate());
    if (!merged.error.empty())
        return fail(kExitDataError,
                    fmt::format("{}: {}; nothing was changed", *path, merged.error));

    fmt::memory_buffer said;
    const auto out = std::back_inserter(said);
    if (!merged.changed) {
        fmt::format_to(out, "{} already has spawngate's hooks; nothing to change.\n", *path);
    } else if (arguments->dry_run) {
        fmt::format_to(out, "would change {} (dry run: nothing written):\n", *path);
        list_to(said, "  - ", merged.removed);
        list_to(said, "  + ", merged.added);
        fmt::format_to(out, "the file would read:\n{}\n", merged.settings.dump(2));
        say(1, fmt::to_string(said));
        return kExitAllow;
    } else {
        if (const std::string problem =
                write_atomically(*path, merged.settings.dump(2) + "\n", existing->mode);
            !problem.empty())
            return fail(kExitCannotCreate, fmt::format("{}; the old file is untouched", problem));
        fmt::format_to(out, "updated {}:\n", *path);
        list_to(said, "  - ", merged.removed);
        list_to(said, "  + ", merged.added);
    }
    fmt::format_to(out, "{}\n", agent->afterwards);
    say(1, fmt::to_string(said));
    return kExitAllow;
}

}  // namespace spawngate
