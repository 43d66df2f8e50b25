// The reaper's TOML rules: strict, every error names where, and a config that loads has at least
// one rule, each named, with unique names.
#include "fuzz_support.hpp"
#include "reap_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = spawngate::fuzz::as_text(data, size);
    const spawngate::ConfigLoad load = spawngate::parse_reaper_config(text, "fuzz.toml");
    FUZZ_CHECK(load.config.has_value() != load.error.has_value());
    if (load.error) {
        FUZZ_CHECK(load.error->text().starts_with("fuzz.toml"));
        return 0;
    }
    const auto& rules = load.config->rules;
    FUZZ_CHECK(!rules.empty());
    for (std::size_t i = 0; i < rules.size(); ++i) {
        FUZZ_CHECK(!rules[i].name.empty());
        FUZZ_CHECK(load.config->find_rule(rules[i].name) == &rules[i]);
    }
    const auto& command = load.config->settings.escalation_command;
    FUZZ_CHECK(command.empty() || command.front().starts_with('/'));
    return 0;
}
