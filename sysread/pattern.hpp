#pragma once
// A compiled POSIX extended regular expression (regex(7)), searched anywhere in the text. glibc's
// regexec is several times faster than std::regex on the short strings a scan compares, and a
// scan compares thousands of them.

#include <regex.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace spawngate {

class Pattern {
  public:
    // Compiles `source`; on failure returns nullopt and sets `error` to regerror's message.
    static std::optional<Pattern> compile(const std::string& source, std::string& error);

    bool matches(const std::string& text) const;
    const std::string& source() const { return source_; }

    // True when the pattern matches the empty string (and so, being a search, every string) or
    // every one of a handful of unrelated strings: such a pattern would select every process.
    bool matches_everything() const;

  private:
    struct Compiled {
        regex_t regex{};
        ~Compiled() { ::regfree(&regex); }
    };
    std::shared_ptr<Compiled> compiled_;  // regex_t cannot be copied; rules share it
    std::string source_;
};

}  // namespace spawngate
