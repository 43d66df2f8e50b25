#include "reap_log.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <iterator>
#include <nlohmann/json.hpp>

#include "state_dir.hpp"

namespace spawngate {
namespace {

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json process_ref_json(const ProcessRef& ref) {
    return {{"pid", ref.pid},
            {"name", ref.name},
            {"start_time_ticks", ref.start_time_ticks},
            {"uid", or_null(ref.uid)},
            {"user", user_name(ref.uid)},
            {"cgroup", or_null(ref.cgroup)}};
}

nlohmann::json result_json(const TargetResult& result) {
    nlohmann::json json = process_ref_json(result.target);
    json["signals_sent"] = result.signals_sent;
    json["outcome"] = outcome_name(result.outcome);
    json["outcome_detail"] = result.detail;
    json["elapsed_ms"] = or_null(result.elapsed_ms);
    if (!result.added_because.empty()) json["added_because"] = result.added_because;
    if (result.error != 0) {
        json["errno"] = result.error;
        json["error"] = std::strerror(result.error);
    }
    return json;
}

nlohmann::json spared_json(const SparedProcess& spared) {
    nlohmann::json json = process_ref_json(spared.process);
    json["outcome"] = "spared";
    json["spared_by"] = describe(spared.spared_by);
    return json;
}

}  // namespace

const char* action_name(Action action) {
    switch (action) {
        case Action::Reap:
            return "reap";
        case Action::DryRun:
            return "dry_run";
        case Action::Spared:
            return "spared";
        case Action::Suppressed:
            return "suppressed";
    }
    return "unknown";
}

bool DecisionRecord::failed() const {
    if (left_alive) return true;
    for (const auto* list : {&results, &added})
        for (const TargetResult& result : *list)
            if (result.outcome == Outcome::Failed) return true;
    return false;
}

std::string user_name(std::optional<uid_t> uid) {
    if (!uid) return "";
    std::array<char, 4096> buffer;
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(*uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found)
        return found->pw_name;
    return fmt::format("{}", *uid);
}

std::string iso8601_utc(std::uint64_t unix_ms) {
    const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", parts.tm_year + 1900,
                       parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                       unix_ms % 1000);
}

std::string format_log_line(const DecisionRecord& record) {
    const Decision& decision = record.decision;
    const ProcessInfo& victim = decision.victim;
    nlohmann::json json;
    json["time"] = iso8601_utc(record.time_unix_ms);
    json["event"] = "decision";
    json["rule"] = decision.rule_name;
    json["action"] = action_name(record.action);
    json["pid"] = victim.pid;
    json["start_time_ticks"] = victim.start_time_ticks;
    json["started"] = iso8601_utc(victim.start_unix_ms);
    json["name"] = victim.name;
    json["cmdline"] = or_null(victim.cmdline);
    json["program"] = or_null(victim.program);
    json["exe"] = or_null(victim.exe);
    json["cgroup"] = or_null(victim.cgroup);
    json["age_s"] = victim.age_ms / 1000;
    json["age_ms"] = victim.age_ms;
    json["parent_chain"] = nlohmann::json::array();
    for (const ProcessRef& parent : decision.parent_chain)
        json["parent_chain"].push_back({{"pid", parent.pid}, {"name", parent.name}});
    json["uid"] = victim.uid ? nlohmann::json(*victim.uid) : nlohmann::json(nullptr);
    json["user"] = record.user;
    if (victim.anon_memory) {
        json["anon_memory_bytes"] = victim.anon_memory->bytes;
        json["anon_memory_source"] =
            victim.anon_memory->from_vmrss_fallback ? "VmRSS (fallback)" : "RssAnon+RssShmem";
    } else {
        json["anon_memory_bytes"] = nullptr;
        json["anon_memory_source"] = nullptr;
    }
    json["threads"] = victim.threads;
    json["reason"] = decision.reason;
    if (record.action == Action::Spared) json["spared_by"] = describe(decision.spared_by);
    if (!record.method.empty()) json["method"] = record.method;
    const TargetResult* result = record.victim_result();
    json["signal"] = record.signal;
    json["grace_ms"] = record.grace_ms;
    json["signals_sent"] = result ? result->signals_sent : std::vector<std::string>{};
    switch (record.action) {
        case Action::Spared:
            json["outcome"] = "spared";
            json["outcome_detail"] = fmt::format("not signalled: {}", describe(decision.spared_by));
            break;
        case Action::Suppressed:
            json["outcome"] = "suppressed";
            json["outcome_detail"] =
                "respawn loop escalated; this command is left alone for the window";
            break;
        default:
            if (result) {
                json["outcome"] = outcome_name(result->outcome);
                json["outcome_detail"] = result->detail;
                json["elapsed_ms"] = or_null(result->elapsed_ms);
                if (result->error != 0) {
                    json["errno"] = result->error;
                    json["error"] = std::strerror(result->error);
                }
            }
    }
    json["descendants"] = nlohmann::json::array();
    for (std::size_t i = 0; i + 1 < record.results.size(); ++i)
        json["descendants"].push_back(result_json(record.results[i]));
    if (record.results.empty())
        for (const ProcessRef& child : decision.descendants)
            json["descendants"].push_back(process_ref_json(child));
    json["spared_descendants"] = nlohmann::json::array();
    for (const SparedProcess& spared : decision.spared_descendants)
        json["spared_descendants"].push_back(spared_json(spared));
    json["added"] = nlohmann::json::array();
    for (const TargetResult& added : record.added) json["added"].push_back(result_json(added));
    for (const SparedProcess& spared : record.spared_added)
        json["spared_descendants"].push_back(spared_json(spared));
    if (record.left_alive) json["left_alive"] = *record.left_alive;
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string format_summary(const DecisionRecord& record) {
    const ProcessInfo& victim = record.decision.victim;
    fmt::memory_buffer out;
    const auto put = std::back_inserter(out);
    fmt::format_to(put, "spawnreaper: rule {}: pid {} ({}) age {}: ", record.decision.rule_name,
                   victim.pid, victim.name, format_age(victim.age_ms));
    for (char& c : out)
        if (c == '\n' || c == '\r') c = '?';  // a hostile name must not forge a second line
    const TargetResult* result = record.victim_result();
    switch (record.action) {
        case Action::Spared:
            fmt::format_to(put, "spared ({})", describe(record.decision.spared_by));
            return fmt::to_string(out);
        case Action::Suppressed:
            fmt::format_to(put, "left alone (respawn loop escalated)");
            return fmt::to_string(out);
        case Action::DryRun:
            fmt::format_to(put, "would send {} (dry run)", record.signal);
            if (!record.decision.descendants.empty())
                fmt::format_to(put, " with {} descendants", record.decision.descendants.size());
            break;
        case Action::Reap:
            fmt::format_to(put, "{}", result ? std::string_view(result->detail) : "no result");
            if (record.results.size() > 1)
                fmt::format_to(put, " (+{} descendants)", record.results.size() - 1);
            if (!record.added.empty())
                fmt::format_to(put, " (+{} started during the action, killed)",
                               record.added.size());
            break;
    }
    const std::size_t spared =
        record.decision.spared_descendants.size() + record.spared_added.size();
    if (spared > 0) fmt::format_to(put, "; {} of its tree spared (see the log)", spared);
    if (record.left_alive)
        fmt::format_to(put, "; PART OF THE TREE MAY STILL RUN: {}", *record.left_alive);
    return fmt::to_string(out);
}

Problem DecisionLog::open() {
    const SplitPath split = split_path(path_);
    // The log directory (/var/log/spawngate) is created like any other, but need not be private.
    // Errors here show up as the open's error below.
    if (::mkdir(split.directory.c_str(), 0750) != 0 && errno == ENOENT) {
        ::mkdir(split_path(split.directory).directory.c_str(), 0755);
        ::mkdir(split.directory.c_str(), 0750);
    }
    // The reaper runs as root: a log directory replaced by a symlink (to /etc/cron.d, say) or
    // handed to another user must not turn the log into a root-owned write elsewhere. The
    // directory is opened without following a symlink and checked, and the log is opened
    // relative to it; O_NONBLOCK keeps a FIFO planted as the log from hanging the cycle.
    const UniqueFd dir{
        ::open(split.directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
    if (!dir) {
        const int error = errno;
        return {path_,
                error == ELOOP || error == ENOTDIR
                    ? fmt::format("cannot open the log: its directory {} is a symlink or "
                                  "not a directory; refusing to write through it",
                                  split.directory)
                    : fmt::format("cannot open the log directory: {}", std::strerror(error))};
    }
    struct stat info {};
    if (::fstat(dir.get(), &info) != 0 || (info.st_uid != 0 && info.st_uid != ::geteuid()) ||
        ((info.st_mode & S_IWOTH) != 0 && (info.st_mode & S_ISVTX) == 0))
        return {path_, fmt::format("cannot open the log: its directory {} is owned by another "
                                   "user or writable by others; refusing to log there (use a "
                                   "root-owned directory such as /var/log/spawngate)",
                                   split.directory)};
    // O_RDWR only to read the last byte back (below); every write still appends.
    fd_.reset(::openat(dir.get(), split.name.c_str(),
                       O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
                       0640));
    if (!fd_) return {path_, fmt::format("cannot open the log: {}", std::strerror(errno))};
    if (::fstat(fd_.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        fd_.reset();
        return {path_, "the log is not a regular file; refusing to write to it"};
    }
    // A reaper killed in the middle of a long line (SIGKILL can cut a write of more than a page)
    // leaves it without its newline: the next line then starts on a line of its own, and parses.
    char last = '\n';
    if (info.st_size > 0 && ::pread(fd_.get(), &last, 1, info.st_size - 1) == 1 && last != '\n')
        starts_mid_line_ = true;
    return {};
}

Problem DecisionLog::append(const std::string& line) {
    if (!fd_) {
        if (Problem problem = open(); !problem.what.empty()) return problem;
    }
    const std::string text = fmt::format("{}{}\n", starts_mid_line_ ? "\n" : "", line);
    struct stat before {};
    const bool sized = ::fstat(fd_.get(), &before) == 0;
    // O_APPEND and one write per line: concurrent writers never interleave within a line.
    const ssize_t wrote = ::write(fd_.get(), text.data(), text.size());
    if (wrote < 0) return {path_, fmt::format("cannot write the log: {}", std::strerror(errno))};
    if (static_cast<std::size_t>(wrote) != text.size()) {
        // A full disk takes the part of a line that fits in the file's last page: cut it off
        // again, so the log holds whole lines only (unless another writer appended meanwhile;
        // then the next line starts on a line of its own).
        struct stat after {};
        const bool cut = sized && ::fstat(fd_.get(), &after) == 0 &&
                         after.st_size == before.st_size + wrote &&
                         ::ftruncate(fd_.get(), before.st_size) == 0;
        starts_mid_line_ = !cut;
        return {path_, fmt::format("short write to the log (disk full?); the partial line was {}",
                                   cut ? "removed" : "left in place")};
    }
    starts_mid_line_ = false;
    return {};
}

}  // namespace spawngate
