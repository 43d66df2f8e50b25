#include "quantities.hpp"

#include <fmt/format.h>

#include <array>
#include <limits>
#include <utility>

#include "text_parse.hpp"

namespace spawngate {
namespace {

struct Split {
    std::string_view number;
    std::string_view unit;
};

Split split_number(std::string_view text) {
    text = trim(text);
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    return {text.substr(0, digits), trim(text.substr(digits))};
}

std::optional<std::uint64_t> scaled(std::string_view number, std::uint64_t factor) {
    const auto value = parse_u64(number);
    if (!value || number.empty()) return std::nullopt;
    if (factor != 0 && *value > std::numeric_limits<std::uint64_t>::max() / factor)
        return std::nullopt;
    return *value * factor;
}

}  // namespace

std::optional<std::uint64_t> parse_duration_ms(std::string_view text) {
    static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 5> kUnits{
        {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};
    const Split split = split_number(text);
    for (const auto& [unit, factor] : kUnits)
        if (split.unit == unit) return scaled(split.number, factor);
    return std::nullopt;
}

std::optional<std::uint64_t> parse_size_bytes(std::string_view text) {
    static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 10> kUnits{{
        {"", 1},
        {"B", 1},
        {"KiB", 1ull << 10},
        {"MiB", 1ull << 20},
        {"GiB", 1ull << 30},
        {"TiB", 1ull << 40},
        {"kB", 1000},
        {"MB", 1000'000},
        {"GB", 1000'000'000},
        {"TB", 1000'000'000'000},
    }};
    const Split split = split_number(text);
    for (const auto& [unit, factor] : kUnits)
        if (split.unit == unit) return scaled(split.number, factor);
    return std::nullopt;
}

std::string format_duration(std::uint64_t ms) {
    if (ms % 3'600'000 == 0 && ms != 0) return fmt::format("{}h", ms / 3'600'000);
    if (ms % 60'000 == 0 && ms != 0) return fmt::format("{}m", ms / 60'000);
    if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
    return fmt::format("{}ms", ms);
}

}  // namespace spawngate
