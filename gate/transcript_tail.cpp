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

// A SAX handler that knows where it is: the key at each depth up to kTracked (an array element
// has none). The readers below keep only the few values they need; no document tree is built.
class KeyPathSax : public nlohmann::json_sax<nlohmann::json> {
  public:
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override {
        ++depth_;
        if (depth_ < kTracked) key_at_[depth_].clear();
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

  protected:
    static constexpr int kTracked = 6;
    // The key at `depth`, "" past what is tracked.
    const std::string& key_at(int depth) const {
        static const std::string none;
        return depth >= 0 && depth < kTracked ? key_at_[depth] : none;
    }
    int depth() const { return depth_; }

  private:
    std::string key_at_[kTracked];
    int depth_ = 0;
};

// Collects message.usage.{input,cache_creation_input,cache_read_input}_tokens and isSidechain.
class UsageFields : public KeyPathSax {
  public:
    bool boolean(bool value) override {
        if (depth() == 1 && key_at(1) == "isSidechain" && value) sidechain_ = true;
        return true;
    }
    bool number_integer(number_integer_t value) override {
        if (value < 0) return not_a_count();
        return number(static_cast<std::uint64_t>(value));
    }
    bool number_unsigned(number_unsigned_t value) override { return number(value); }
    bool number_float(number_float_t, const string_t&) override { return not_a_count(); }
    bool string(string_t& value) override {
        // message.model: the API's id of the model that answered this turn.
        if (depth() == 2 && key_at(1) == "message" && key_at(2) == "model" && value.size() < 256)
            model_ = value;
        return true;
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
    bool in_usage() const { return depth() == 3 && key_at(1) == "message" && key_at(2) == "usage"; }
    // A negative or fractional token count is garbage, not "none": the line is not believed
    // (an earlier line's usage is used), rather than yielding a smaller context than it says.
    bool not_a_count() {
        const std::string& name = key_at(3);
        if (in_usage() && (name == "input_tokens" || name == "cache_creation_input_tokens" ||
                           name == "cache_read_input_tokens"))
            garbage_ = true;
        return true;
    }
    bool number(std::uint64_t value) {
        if (!in_usage()) return true;
        const std::string& name = key_at(3);
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
    bool sidechain_ = false;
    bool saw_input_ = false;
    bool garbage_ = false;
    std::uint64_t input_ = 0, cache_creation_ = 0, cache_read_ = 0;
    std::string model_;
};

// Collects identity.modelId, wherever the attachment nests it.
class ModelIdFields : public KeyPathSax {
  public:
    bool string(string_t& value) override {
        if (depth() >= 2 && key_at(depth()) == "modelId" && key_at(depth() - 1) == "identity" &&
            value.size() < 256)
            model_id_ = value;
        return true;
    }
    const std::string& model_id() const { return model_id_; }

  private:
    std::string model_id_;
};

// The latest model attachment among the complete lines of `text` (whole lines only: a line cut
// at either end of the window does not parse, and is not believed).
std::string latest_model_attachment(std::string_view text) {
    std::string found;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        const std::string_view line = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
        if (line.find("\"modelId\"") == std::string_view::npos) continue;  // cheap pre-filter
        if (std::string id = parse_model_attachment(line); !id.empty()) found = std::move(id);
    }
    return found;
}

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

std::string parse_model_attachment(std::string_view line) {
    ModelIdFields fields;
    if (!nlohmann::json::sax_parse(line.begin(), line.end(), &fields)) return {};
    return fields.model_id();
}

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

namespace {

// Reads [offset, offset + length) of `fd` into `buffer`; the text read (shorter when the file
// shrank meanwhile), or nullopt with `error` set.
std::optional<std::string_view> read_window(int fd, std::size_t offset, std::size_t length,
                                            std::vector<char>& buffer, int& error) {
    buffer.resize(length);
    std::size_t filled = 0;
    while (filled < length) {
        const ssize_t got = ::pread(fd, buffer.data() + filled, length - filled,
                                    static_cast<off_t>(offset + filled));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            error = errno;
            return std::nullopt;
        }
        if (got == 0) break;  // the file shrank meanwhile: use what is there
        filled += static_cast<std::size_t>(got);
    }
    return std::string_view(buffer.data(), filled);
}

}  // namespace

ContextReading read_context_tokens(const std::string& transcript_path) {
    ContextReading reading;
    if (transcript_path.empty() || transcript_path.front() != '/') {
        reading.problem = Problem{"transcript_path", "missing or not an absolute path"};
        return reading;
    }
    // O_NONBLOCK: a FIFO planted at the path must not hang the gate.
    const UniqueFd fd{
        ::open(transcript_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
    if (!fd) {
        // Claude Code 2.1 writes the transcript only after the first turn's tool calls were
        // judged: a new session's file is not there yet, and has no usage to count.
        if (errno == ENOENT) {
            reading.no_usage_yet = true;
            return reading;
        }
        reading.problem = Problem{transcript_path, std::strerror(errno)};
        return reading;
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        reading.problem = Problem{transcript_path, "not a regular file"};
        return reading;
    }
    const auto size = static_cast<std::size_t>(info.st_size);
    std::vector<char> buffer;
    int error = 0;
    for (const std::size_t window : {kFirstWindow, kLastWindow}) {
        const std::size_t length = std::min(size, window);
        const std::size_t offset = size - length;
        const auto tail = read_window(fd.get(), offset, length, buffer, error);
        if (!tail) {
            reading.problem = Problem{transcript_path, std::strerror(error)};
            return reading;
        }
        if (auto turn = latest_usage(*tail, offset == 0)) {
            reading.tokens = turn->tokens;
            reading.model = std::move(turn->model);
            // The model attachment that says "[1m]" is written near the session's start: the
            // tail holds it only for a short session or after a /model switch.
            reading.session_model = latest_model_attachment(*tail);
            if (reading.session_model.empty() && offset > 0) {
                if (const auto head =
                        read_window(fd.get(), 0, std::min(size, kFirstWindow), buffer, error))
                    reading.session_model = latest_model_attachment(*head);
            }
            return reading;
        }
        if (length == size) break;  // the whole file was read
    }
    reading.no_usage_yet = true;
    return reading;
}

}  // namespace spawngate
