#include "fixture_tree.hpp"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace spawngate::testkit {
namespace {

std::string make_temporary_directory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "spawngate-fixture-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

}  // namespace

FixtureTree::FixtureTree() : root_(make_temporary_directory()) {}

FixtureTree::~FixtureTree() {
    std::error_code ignored;
    std::filesystem::remove_all(root_.path(), ignored);
}

std::string FixtureTree::path_of(std::string_view absolute) const {
    return root_.join(absolute);
}

void FixtureTree::make_directory(std::string_view absolute) const {
    std::filesystem::create_directories(path_of(absolute));
}

void FixtureTree::write(std::string_view absolute, std::string_view content) const {
    const std::filesystem::path file = path_of(absolute);
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("cannot write fixture file " + file.string());
}

void FixtureTree::remove(std::string_view absolute) const {
    std::error_code ignored;
    std::filesystem::remove_all(path_of(absolute), ignored);
}

}  // namespace spawngate::testkit
