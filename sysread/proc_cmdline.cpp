#include "proc_cmdline.hpp"

#include <unistd.h>

#include <vector>

#include "file_read.hpp"

namespace spawngate {

std::string join_cmdline(std::string_view raw) {
    while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
    std::string joined(raw);
    for (char& c : joined)
        if (c == '\0') c = ' ';
    return joined;
}

std::optional<std::string> read_proc_argv(const Root& root, pid_t pid, std::size_t max_bytes,
                                          ProcReadError* failure) {
    std::vector<char> buffer(max_bytes);
    const ReadResult read = read_file(root, "/proc/" + std::to_string(pid) + "/cmdline", buffer);
    if (read.status != ReadStatus::Ok && read.status != ReadStatus::Truncated) {
        if (failure) *failure = proc_read_error_for(read.error);
        return std::nullopt;
    }
    return std::string(read.text);
}

std::optional<std::string> read_proc_cmdline(const Root& root, pid_t pid, std::size_t max_bytes,
                                             ProcReadError* failure) {
    const auto argv = read_proc_argv(root, pid, max_bytes, failure);
    if (!argv) return std::nullopt;
    return join_cmdline(*argv);
}

std::optional<std::string> read_proc_exe(const Root& root, pid_t pid, ProcReadError* failure) {
    const std::string link = root.join("/proc/" + std::to_string(pid) + "/exe");
    char target[4096];
    const ssize_t length = ::readlink(link.c_str(), target, sizeof target);
    if (length < 0) {
        if (failure) *failure = proc_read_error_for(errno);
        return std::nullopt;
    }
    if (length == 0 || static_cast<std::size_t>(length) >= sizeof target) {
        if (failure) *failure = {ProcReadFailure::Malformed, 0};
        return std::nullopt;
    }
    return std::string(target, static_cast<std::size_t>(length));
}

}  // namespace spawngate
