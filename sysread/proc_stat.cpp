#include "proc_stat.hpp"

#include <array>
#include <charconv>

#include "file_read.hpp"
#include "text_parse.hpp"

namespace spawngate {
namespace {

template <typename Number>
bool parse_field(std::string_view field, Number& out) {
    const char* begin = field.data();
    const char* end = begin + field.size();
    if (begin != end && *begin == '-' && std::is_unsigned_v<Number>) return false;
    const auto [stop, error] = std::from_chars(begin, end, out);
    return error == std::errc{} && stop == end;
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
    const auto open = text.find('(');
    const auto close = text.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        return std::nullopt;
    ProcStat stat;
    if (!parse_field(trim(text.substr(0, open)), stat.pid) || stat.pid <= 0) return std::nullopt;
    stat.comm = std::string(text.substr(open + 1, close - open - 1));

    // Fields from 3 (state) on, space-separated; field N is index N - 3.
    std::string_view rest = text.substr(close + 1);
    std::array<std::string_view, 20> fields{};  // up to field 22, starttime
    std::size_t count = 0;
    while (count < fields.size()) {
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (rest.empty() || rest.front() == '\n') break;
        const auto space = rest.find_first_of(" \n");
        fields[count++] = rest.substr(0, space);
        rest.remove_prefix(space == std::string_view::npos ? rest.size() : space);
    }
    if (count < fields.size() || fields[0].size() != 1) return std::nullopt;
    stat.state = fields[0][0];
    const bool ok = parse_field(fields[1], stat.ppid) && parse_field(fields[2], stat.pgrp) &&
                    parse_field(fields[3], stat.session) && parse_field(fields[6], stat.flags) &&
                    parse_field(fields[17], stat.threads) &&
                    parse_field(fields[19], stat.start_time_ticks);
    if (!ok) return std::nullopt;
    return stat;
}

std::optional<ProcStat> read_proc_stat(const Root& root, pid_t pid) {
    char path[64];
    const auto [end, error] = std::to_chars(path, path + 40, pid);
    if (error != std::errc{}) return std::nullopt;
    std::string_view suffix = "/stat";
    std::string file = "/proc/" + std::string(path, end) + std::string(suffix);
    std::array<char, 1024> buffer;
    const ReadResult read = read_file(root, file, buffer);
    if (!read.ok()) return std::nullopt;
    return parse_proc_stat(read.text);
}

}  // namespace spawngate
