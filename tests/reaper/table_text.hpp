#pragma once
// Reading a table a person reads (`spawnreaper match`, `spawnreaper rules`) back in tests: its
// lines, and the terminal column where a cell starts.

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "column_text.hpp"

namespace spawngate::testkit {

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
}

// The terminal column where `cell` first starts on `line` (the cut marker counts as one).
inline std::size_t column_of(const std::string& line, const std::string& cell) {
    const std::size_t at = line.find(cell);
    EXPECT_NE(at, std::string::npos) << cell << " not on: " << line;
    return at == std::string::npos ? 0 : column_width(line.substr(0, at));
}

}  // namespace spawngate::testkit
