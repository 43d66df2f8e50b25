#include "pattern.hpp"

#include <array>

namespace spawngate {

std::optional<Pattern> Pattern::compile(const std::string& source, std::string& error) {
    auto compiled = std::make_shared<Compiled>();
    const int status = ::regcomp(&compiled->regex, source.c_str(), REG_EXTENDED | REG_NOSUB);
    if (status != 0) {
        char message[256];
        ::regerror(status, &compiled->regex, message, sizeof message);
        error = message;
        return std::nullopt;
    }
    Pattern pattern;
    pattern.compiled_ = std::move(compiled);
    pattern.source_ = source;
    return pattern;
}

bool Pattern::matches(const std::string& text) const {
    return ::regexec(&compiled_->regex, text.c_str(), 0, nullptr, 0) == 0;
}

bool Pattern::matches_everything() const {
    if (matches("")) return true;
    // Unrelated names and command lines: a real pattern names something and misses most of these.
    static const std::array<std::string, 6> kUnrelated{
        "a", "sshd", "/usr/sbin/cron -f", "kworker/0:1-events", "Zq9~_ #", "0"};
    for (const std::string& sample : kUnrelated)
        if (!matches(sample)) return false;
    return true;
}

}  // namespace spawngate
