#include "reaper_heartbeat.hpp"

#include <algorithm>
#include <array>

#include "file_read.hpp"
#include "hot_path.hpp"
#include "state_dir.hpp"
#include "text_parse.hpp"

namespace spawngate {

std::string format_heartbeat(const ReaperHeartbeat& heartbeat) {
    std::string text = "spawnreaper-heartbeat 1\n";
    const auto add = [&text](std::string_view key, std::uint64_t value) {
        text.append(key).append(" ").append(std::to_string(value)).append("\n");
    };
    add("time_unix_s", heartbeat.time_unix_s);
    add("interval_s", heartbeat.interval_s);
    add("pid", static_cast<std::uint64_t>(heartbeat.pid));
    add("cycle", heartbeat.cycle);
    add("reaped", heartbeat.reaped);
    add("failed", heartbeat.failed);
    return text;
}

std::optional<ReaperHeartbeat> parse_heartbeat(std::string_view text) {
    if (!text.starts_with("spawnreaper-heartbeat 1\n")) return std::nullopt;
    const auto time = flat_keyed_value(text, "time_unix_s");
    const auto interval = flat_keyed_value(text, "interval_s");
    const auto pid = flat_keyed_value(text, "pid");
    const auto cycle = flat_keyed_value(text, "cycle");
    if (!time || !interval || !pid || !cycle || *pid > 0x3fffffff) return std::nullopt;
    ReaperHeartbeat heartbeat;
    heartbeat.time_unix_s = *time;
    heartbeat.interval_s = *interval;
    heartbeat.pid = static_cast<pid_t>(*pid);
    heartbeat.cycle = *cycle;
    heartbeat.reaped = flat_keyed_value(text, "reaped").value_or(0);
    heartbeat.failed = flat_keyed_value(text, "failed").value_or(0);
    return heartbeat;
}

HeartbeatRead judge_heartbeat_age(const ReaperHeartbeat& heartbeat, std::uint64_t now_unix_s,
                                  std::uint64_t missed_cycles) {
    HeartbeatRead result;
    result.heartbeat = heartbeat;
    const std::uint64_t written = heartbeat.time_unix_s;
    result.age_s = now_unix_s > written ? now_unix_s - written : 0;
    result.ahead_s = written > now_unix_s ? written - now_unix_s : 0;
    const std::uint64_t allowed = missed_cycles * std::max<std::uint64_t>(heartbeat.interval_s, 1);
    result.state = result.age_s > allowed || result.ahead_s > allowed ? HeartbeatState::Late
                                                                      : HeartbeatState::Fresh;
    return result;
}

SPAWNGATE_HOT_PATH HeartbeatRead read_heartbeat(const Root& root, std::string_view path,
                                                std::uint64_t now_unix_s,
                                                std::uint64_t missed_cycles) {
    HeartbeatRead result;
    std::array<char, 512> buffer;
    const ReadResult read = read_file(root, path, buffer);
    if (read.status == ReadStatus::Missing) return result;
    const std::optional<ReaperHeartbeat> heartbeat =
        read.ok() ? parse_heartbeat(read.text) : std::nullopt;
    if (!heartbeat) {
        result.state = HeartbeatState::Malformed;
        return result;
    }
    return judge_heartbeat_age(*heartbeat, now_unix_s, missed_cycles);
}

Problem write_heartbeat(std::string_view path, const ReaperHeartbeat& heartbeat) {
    const SplitPath split = split_path(path);
    const StateDir dir = open_state_dir(split.directory, true);
    if (!dir.fd) return dir.problem;
    return write_file_atomically(dir, split.name, format_heartbeat(heartbeat));
}

}  // namespace spawngate
