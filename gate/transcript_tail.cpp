#include "transcript_tail.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "unique_fd.hpp"

namespace spawngate {
namespace {

constexpr std::size_t kFirstWindow = std::size_t{64} * 1024;
constexpr std::size_t kLastWindow = std::size_t{1024} * 1024;

// Collects message.usage.{input,cache_creation_input,cache_read_input}_tokens and isSidechain.
class UsageFields : public nlohmann::json_sax<nlohmann::json> {
  public:
    bool null() override { return true; }
    bool boolean(bool value) override {
        if (depth_ == 1 && key_at_[1] == "isSidechain" && value) sidechain_ = true;
        return true;
    }
    bool number_integer(number_integer_t value) override {
        if (value < 0) return not_a_count();
        return number(static_cast<std::uint64_t>(value));
    }
    bool number_unsigned(number_unsigned_t value) override { return number(value); }
    bool number_float(number_float_t, const string_t&) override { return not_a_count(); }
    bool string(string_t& value) override {
        // message.model: "claude-opus-4-6[1m]" says the window is a million tokens.
        if (depth_ == 2 && key_at_[1] == "message" && key_at_[2] == "model" && value.size() < 256)
            model_ = value;
        return true;
    }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override {
        ++depth_;
        return true;
    }
    bool end_object() override {
        --depth_;
        return true;
    }
    bool start_array(std::size_t) override {
        ++depth_;
        if (depth_ < kTracked) key_at_[depth_].clear();  // array elements have no key
        return true;
    }
    bool end_array() override {
        --depth_;
        return true;
    }
    bool key(string_t& name) override {
        if (depth_ < kTracked) key_at_[depth_] = name;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

    const std::string& model() const { return model_; }

    std::optional<std::uint64_t> tokens() const {
        if (sidechain_ || !saw_input_ || garbage_) return std::nullopt;
        // Saturating: absurd counts must read as a full context, never wrap to a small one.
        std::uint64_t total = input_;
        for (const std::uint64_t part : {cache_creation_, cache_read_})
            total = part > UINT64_MAX - total ? UINT64_MAX : total + part;
        return total;
    }

  private:
    static constexpr int kTracked = 4;
    bool in_usage() const {
        return depth_ == 3 && key_at_[1] == "message" && key_at_[2] == "usage";
    }
    // A negative or fractional token count is garbage, not "none": the line is not believed
    // (an earlier line's usage is used), rather than yielding a smaller context than it says.
    bool not_a_count() {
        const std::string& name = key_at_[3];
        if (in_usage() && (name == "input_tokens" || name == "cache_creation_input_tokens" ||
                           name == "cache_read_input_tokens"))
            garbage_ = true;
        return true;
    }
    bool number(std::uint64_t value) {
        if (!in_usage()) return true;
        const std::string& name = key_at_[3];
        if (name == "input_tokens") {
            input_ = value;
            saw_input_ = true;
        } else if (name == "cache_creation_input_tokens") {
            cache_creation_ = value;
        } else if (name == "cache_read_input_tokens") {
            cache_read_ = value;
        }
        return true;
    }
    std::string key_at_[kTracked];
    int depth_ = 0;
    bool sidechain_ = false;
    bool saw_input_ = false;
    bool garbage_ = false;
    std::uint64_t input_ = 0, cache_creation_ = 0, cache_read_ = 0;
    std::string model_;
};

// The latest usage among the complete lines of `tail` (the first line is partial unless
// `starts_at_file_start`).
std::optional<TurnUsage> latest_usage(std::string_view tail, bool starts_at_file_start) {
    if (!starts_at_file_start) {
        const auto newline = tail.find('\n');
        tail = newline == std::string_view::npos ? std::string_view{} : tail.substr(newline + 1);
    }
    while (!tail.empty()) {
        while (!tail.empty() && tail.back() == '\n') tail.remove_suffix(1);
        const auto newline = tail.rfind('\n');
        const std::string_view line =
            newline == std::string_view::npos ? tail : tail.substr(newline + 1);
        tail = newline == std::string_view::npos ? std::string_view{} : tail.substr(0, newline);
        if (line.find("\"usage\"") == std::string_view::npos) continue;  // cheap pre-filter
        if (auto turn = parse_turn_line(line)) return turn;
    }
    return std::nullopt;
}

}  // namespace

std::optional<TurnUsage> parse_turn_line(std::string_view line) {
    UsageFields fields;
    if (!nlohmann::json::sax_parse(line.begin(), line.end(), &fields)) return std::nullopt;
    const auto tokens = fields.tokens();
    if (!tokens) return std::nullopt;
    return TurnUsage{*tokens, fields.model()};
}

std::optional<std::uint64_t> parse_usage_line(std::string_view line) {
    const auto turn = parse_turn_line(line);
    if (!turn) return std::nullopt;
    return turn->tokens;
}

ContextReading read_context_tokens(const std::string& transcript_path) {
    if (transcript_path.empty() || transcript_path.front() != '/')
        return {
            std::nullopt, {}, Problem{"transcript_path", "missing or not an absolute path"}, false};
    // O_NONBLOCK: a FIFO planted at the path must not hang the gate.
    const UniqueFd fd{
        ::open(transcript_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
    if (!fd) return {std::nullopt, {}, Problem{transcript_path, std::strerror(errno)}, false};
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode))
        return {std::nullopt, {}, Problem{transcript_path, "not a regular file"}, false};
    const auto size = static_cast<std::size_t>(info.st_size);
    std::vector<char> buffer;
    for (const std::size_t window : {kFirstWindow, kLastWindow}) {
        const std::size_t length = std::min(size, window);
        const std::size_t offset = size - length;
        buffer.resize(length);
        std::size_t filled = 0;
        while (filled < length) {
            const ssize_t got = ::pread(fd.get(), buffer.data() + filled, length - filled,
                                        static_cast<off_t>(offset + filled));
            if (got < 0 && errno == EINTR) continue;
            if (got < 0)
                return {std::nullopt, {}, Problem{transcript_path, std::strerror(errno)}, false};
            if (got == 0) break;  // the file shrank meanwhile: use what is there
            filled += static_cast<std::size_t>(got);
        }
        const std::string_view tail(buffer.data(), filled);
        if (auto turn = latest_usage(tail, offset == 0))
            return {turn->tokens, std::move(turn->model), std::nullopt, false};
        if (length == size) break;  // the whole file was read
    }
    return {std::nullopt, {}, std::nullopt, true};
}

}  // namespace spawngate
