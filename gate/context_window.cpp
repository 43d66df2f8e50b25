#include "context_window.hpp"

#include <array>
#include <utility>

namespace spawngate {
namespace {

// Model id prefixes and their windows. The 5-series defaults were measured with Claude Code 2.1
// (tests/conformance/claude/FINDINGS.md: it reports contextWindow 1000000 for them, and nothing in
// the transcript says so); the 4- and 3-series have 200,000 tokens unless the session opted into
// the 1M window, which only the "[1m]" of its model attachment records. A model not listed here
// has no known window: the configuration decides, else the budget only warns.
constexpr std::array<std::pair<std::string_view, std::uint64_t>, 6> kKnownModels{{
    {"claude-opus-5", 1'000'000},
    {"claude-sonnet-5", 1'000'000},
    {"claude-opus-4", 200'000},
    {"claude-sonnet-4", 200'000},
    {"claude-haiku-4", 200'000},
    {"claude-3", 200'000},
}};

}  // namespace

std::optional<std::uint64_t> window_of_model(std::string_view model) {
    if (model.ends_with("[1m]")) return 1'000'000;
    for (const auto& [prefix, tokens] : kKnownModels)
        if (model.starts_with(prefix)) return tokens;
    return std::nullopt;
}

std::string_view session_model_id(std::string_view attachment, std::string_view message_model) {
    if (attachment.empty()) return message_model;
    if (message_model.empty()) return attachment;
    std::string_view base = attachment;
    if (base.ends_with("[1m]")) base.remove_suffix(4);
    // The attachment speaks for the turn only while the turn ran the same model (a /model switch
    // with no new attachment in reach leaves the turn's own id to decide).
    return base == message_model ? attachment : message_model;
}

ContextWindow context_window(std::string_view model, std::optional<std::uint64_t> configured) {
    if (const auto tokens = window_of_model(model)) return {*tokens, true};
    if (configured) return {*configured, true};
    return {kAssumedContextWindow, false};
}

}  // namespace spawngate
