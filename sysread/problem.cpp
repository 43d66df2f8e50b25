#include "problem.hpp"

#include <fmt/format.h>

#include <iterator>
#include <string_view>

namespace spawngate {

std::string Problem::text() const {
    return where.empty() ? what : fmt::format("{}: {}", where, what);
}

std::string quote_excerpt(std::string_view text) {
    constexpr std::size_t kMaxShown = 40;
    std::string quoted = "'";
    for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f && c != '\'') {
            quoted += static_cast<char>(c);
        } else {
            fmt::format_to(std::back_inserter(quoted), "\\x{:02x}", c);
        }
    }
    quoted += text.size() > kMaxShown ? "'..." : "'";
    return quoted;
}

}  // namespace spawngate
