#include "problem.hpp"

#include <cstdio>
#include <string_view>

namespace spawngate {

std::string quote_excerpt(std::string_view text) {
    constexpr std::size_t kMaxShown = 40;
    std::string quoted = "'";
    for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f && c != '\'') {
            quoted += static_cast<char>(c);
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
            quoted += escaped;
        }
    }
    quoted += text.size() > kMaxShown ? "'..." : "'";
    return quoted;
}

}  // namespace spawngate
