#include "text_parse.hpp"

#include <charconv>

#include "hot_path.hpp"

namespace spawngate {
namespace {
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
}  // namespace

SPAWNGATE_HOT_PATH std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

SPAWNGATE_HOT_PATH std::optional<std::uint64_t> parse_u64(std::string_view text) {
    text = trim(text);
    if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

SPAWNGATE_HOT_PATH std::optional<LimitValue> parse_limit(std::string_view text) {
    text = trim(text);
    if (text == "max") return LimitValue{true, 0};
    const auto value = parse_u64(text);
    if (!value) return std::nullopt;
    return LimitValue{false, *value};
}

SPAWNGATE_HOT_PATH std::optional<LimitValue> parse_memory_limit(std::string_view text) {
    auto limit = parse_limit(text);
    if (limit && !limit->unlimited && limit->value >= kMemoryUnlimitedFloor)
        limit->unlimited = true;
    return limit;
}

SPAWNGATE_HOT_PATH std::optional<std::string_view> next_line(std::string_view& rest) {
    if (rest.empty()) return std::nullopt;
    const auto newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    return line;
}

std::optional<std::uint64_t> flat_keyed_value(std::string_view text, std::string_view key) {
    while (const auto line = next_line(text)) {
        if (line->size() > key.size() && line->starts_with(key) && is_space((*line)[key.size()]))
            return parse_u64(line->substr(key.size()));
    }
    return std::nullopt;
}

}  // namespace spawngate
