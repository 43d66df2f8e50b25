#include "doc_text.hpp"

#include <fstream>
#include <regex>
#include <sstream>

namespace spawngate::docs {
namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

// 1 for "# X", 2 for "## X", 0 for any other line.
int header_level(std::string_view line) {
    if (line.starts_with("# ")) return 1;
    if (line.starts_with("## ")) return 2;
    return 0;
}

}  // namespace

std::string source_file(std::string_view relative) {
    return std::string(SPAWNGATE_SOURCE_DIR) + "/" + std::string(relative);
}

std::string built_gate() {
    return SPAWNGATE_PATH;
}

std::string built_reaper() {
    return SPAWNREAPER_PATH;
}

std::string built_man_dir() {
    return SPAWNGATE_MAN_BUILD_DIR;
}

std::string project_version() {
    return SPAWNGATE_PROJECT_VERSION;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string scd_section(std::string_view page, std::string_view heading, bool whole_chapter) {
    std::string body;
    int level = 0;         // of the section being collected; 0 while looking for it
    bool literal = false;  // inside ```: a "# comment" there is text, not a header
    for (const std::string_view line : lines_of(page)) {
        if (line.find_first_not_of('\t') != std::string_view::npos &&
            line.substr(line.find_first_not_of('\t')) == "```")
            literal = !literal;
        const int this_level = literal ? 0 : header_level(line);
        if (level == 0) {
            if (this_level != 0 && line.substr(line.find(' ') + 1) == heading) level = this_level;
            continue;
        }
        if (this_level != 0 && (!whole_chapter || this_level <= level)) break;
        body.append(line).push_back('\n');
    }
    return body;
}

std::set<std::string> defined_flags(std::string_view section) {
    static const std::regex flag(R"(--[a-z][a-z0-9-]*)");
    std::set<std::string> flags;
    const std::vector<std::string_view> lines = lines_of(section);
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        if (!lines[i].starts_with("*-") || !lines[i + 1].starts_with('\t')) continue;
        const std::string text(lines[i]);
        for (auto it = std::sregex_iterator(text.begin(), text.end(), flag);
             it != std::sregex_iterator(); ++it)
            flags.insert(it->str());
    }
    return flags;
}

std::set<std::string> defined_keys(std::string_view section) {
    static const std::regex key(R"(^\*([a-z][a-z0-9_]*)\*)");
    std::set<std::string> keys;
    const std::vector<std::string_view> lines = lines_of(section);
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        std::match_results<std::string_view::const_iterator> match;
        if (lines[i + 1].starts_with('\t') &&
            std::regex_search(lines[i].begin(), lines[i].end(), match, key))
            keys.insert(match[1].str());
    }
    return keys;
}

std::string definition_of(std::string_view section, std::string_view term) {
    const std::string opening = "*" + std::string(term) + "*";
    std::string paragraph;
    bool inside = false;
    for (const std::string_view line : lines_of(section)) {
        if (!inside) {
            inside = line.starts_with(opening);
            if (inside) paragraph.append(line).push_back('\n');
            continue;
        }
        if (!line.starts_with('\t')) break;
        paragraph.append(line).push_back('\n');
    }
    return paragraph;
}

std::set<std::string> flags_in(std::string_view help) {
    // Not preceded by a letter, digit or '-': "-h,--help" and "(--cost)" count, "a--b" not.
    static const std::regex flag(R"((^|[^A-Za-z0-9-])(--[a-z][a-z0-9-]*))");
    std::set<std::string> flags;
    const std::string text(help);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), flag);
         it != std::sregex_iterator(); ++it)
        flags.insert((*it)[2].str());
    return flags;
}

std::string first_literal_block(std::string_view page, std::string_view heading) {
    const std::string section = scd_section(page, heading, true);
    const std::size_t open = section.find("```\n");
    if (open == std::string::npos) return {};
    const std::size_t start = open + 4;
    const std::size_t close = section.find("```", start);
    if (close == std::string::npos) return {};
    std::string block;
    const std::string_view escaped = std::string_view(section).substr(start, close - start);
    for (std::size_t i = 0; i < escaped.size(); ++i) {
        if (escaped[i] == '\\' && i + 1 < escaped.size()) ++i;  // "\x" is a literal x
        block.push_back(escaped[i]);
    }
    return block;
}

testkit::ProcessResult run(const std::string& executable, std::vector<std::string> arguments) {
    testkit::ProcessRun process;
    process.arguments = std::move(arguments);
    process.environment = {"PATH=/usr/bin:/bin"};
    return testkit::run_process(executable, process);
}

std::set<std::string> missing_from(const std::set<std::string>& wanted,
                                   const std::set<std::string>& present) {
    std::set<std::string> missing;
    for (const std::string& word : wanted)
        if (!present.contains(word)) missing.insert(word);
    return missing;
}

std::string listed(const std::set<std::string>& words) {
    std::string text;
    for (const std::string& word : words) text += (text.empty() ? "" : ", ") + word;
    return text.empty() ? "(none)" : text;
}

}  // namespace spawngate::docs
