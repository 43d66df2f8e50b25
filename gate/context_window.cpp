#include "context_window.hpp"

#include <array>
#include <utility>

namespace spawngate {
namespace {

// Model id prefixes and their standard windows (Anthropic's model documentation: every current
// Claude model has a 200,000-token window; the 1M window is opted into and recorded as "[1m]").
constexpr std::array<std::pair<std::string_view, std::uint64_t>, 1> kKnownModels{{
    {"claude-", 200'000},
}};

}  // namespace

std::optional<std::uint64_t> window_of_model(std::string_view model) {
    if (model.ends_with("[1m]")) return 1'000'000;
    for (const auto& [prefix, tokens] : kKnownModels)
        if (model.starts_with(prefix)) return tokens;
    return std::nullopt;
}

ContextWindow context_window(std::string_view model, std::optional<std::uint64_t> configured) {
    if (const auto tokens = window_of_model(model)) return {*tokens, true};
    if (configured) return {*configured, true};
    return {kAssumedContextWindow, false};
}

}  // namespace spawngate
