#pragma once
// Helpers for the tests of the shipped integrations in hooks/ and the gate's default config:
// where the source tree and the built executables are, and how to split an exec-form command.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gate_process_fixture.hpp"

namespace spawngate::testkit {

inline constexpr const char* kSourceDir = SPAWNGATE_SOURCE_DIR;
// Where the snippets expect the gate to be installed (`cmake --install` puts it there).
inline constexpr std::string_view kInstalledGate = "/usr/local/bin/spawngate";

inline std::string source_file(std::string_view relative) {
    return std::string(kSourceDir) + "/" + std::string(relative);
}

// Splits an exec-form command line on spaces: the agent CLIs run it without a shell, so it
// must not need one (no quotes, no variables, no pipes or redirections).
inline std::vector<std::string> split_exec_command(std::string_view command) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < command.size()) {
        const std::size_t space = command.find(' ', start);
        const std::size_t end = space == std::string_view::npos ? command.size() : space;
        if (end > start) words.emplace_back(command.substr(start, end - start));
        start = end + 1;
    }
    return words;
}

inline bool needs_a_shell(std::string_view command) {
    return command.find_first_of("\"'$`|&;<>(){}*?~\\\t\n") != std::string_view::npos;
}

// The long options among `words` ("--cost=5" counts as "--cost").
inline std::vector<std::string> long_options(const std::vector<std::string>& words) {
    std::vector<std::string> options;
    for (const auto& word : words)
        if (word.starts_with("--") && word.size() > 2)
            options.push_back(word.substr(0, word.find('=')));
    return options;
}

}  // namespace spawngate::testkit
