#include "column_text.hpp"

namespace spawngate {

std::string column_text(std::string_view raw, std::size_t max_width, KeepEnd keep) {
    const bool cut = max_width != 0 && raw.size() > max_width;
    const std::size_t kept = cut ? max_width - 1 : raw.size();
    const std::size_t first = cut && keep == KeepEnd::Finish ? raw.size() - kept : 0;
    std::string text;
    text.reserve(kept + kCutMarker.size());
    if (cut && keep == KeepEnd::Finish) text.append(kCutMarker);
    for (std::size_t i = first; i < first + kept; ++i) {
        const auto byte = static_cast<unsigned char>(raw[i]);
        text.push_back(byte >= 0x20 && byte < 0x7f ? static_cast<char>(byte) : '?');
    }
    if (cut && keep == KeepEnd::Start) text.append(kCutMarker);
    return text;
}

std::size_t column_width(std::string_view text) {
    // column_text leaves only printable ASCII and the marker's three bytes.
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, kCutMarker.size(), kCutMarker) == 0) i += kCutMarker.size() - 1;
        ++width;
    }
    return width;
}

}  // namespace spawngate
