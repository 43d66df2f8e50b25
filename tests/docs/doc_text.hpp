#pragma once
// Reading the documentation the way a test can hold it to the code: sections of an scdoc man
// page (man/*.scd.in), the flags and keys it defines, the flags a --help text names, and the
// built executables and completion scripts the pages describe.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "run_process.hpp"

namespace spawngate::docs {

// Paths passed in by tests/docs_tests.cmake.
std::string source_file(std::string_view relative);  // under the source tree
std::string built_gate();
std::string built_reaper();
// The directory holding the rendered pages (spawngate.1, ...), or "" when built without them.
std::string built_man_dir();
std::string project_version();

// The whole file; an empty string when it cannot be read (the test then fails on its content).
std::string read_text(const std::string& path);

// The body of the section whose header is `# HEADING` or `## HEADING`, up to the next header
// of any level, or (`whole_chapter`) up to the next `# ` header only, so a chapter's `##`
// subsections count as its own. Empty when there is no such header.
std::string scd_section(std::string_view page, std::string_view heading, bool whole_chapter);

// The long flags a definition list defines: every `--flag` on a line that starts with `*-` and
// is followed by an indented (tab) description, as scdoc's "*--cost* _N_". Flags mentioned in
// running text or in a description are references, not definitions.
std::set<std::string> defined_flags(std::string_view section);

// The keys a definition list defines: lines that start with `*key*` (lowercase, digits, `_`)
// followed by an indented description.
std::set<std::string> defined_keys(std::string_view section);

// The definition paragraph of `*term*`: its line and the indented lines under it.
std::string definition_of(std::string_view section, std::string_view term);

// Every long flag (`--word`) a --help text names.
std::set<std::string> flags_in(std::string_view help);

// The text of a literal block (```) that follows the header `# HEADING`, with scdoc's
// backslash escapes undone, as a reader of the rendered page sees it.
std::string first_literal_block(std::string_view page, std::string_view heading);

// Runs a built executable with `arguments` and a plain PATH.
testkit::ProcessResult run(const std::string& executable, std::vector<std::string> arguments);

// The words of `wanted` that `present` lacks.
std::set<std::string> missing_from(const std::set<std::string>& wanted,
                                   const std::set<std::string>& present);

// `a, b, c` for messages.
std::string listed(const std::set<std::string>& words);

}  // namespace spawngate::docs
