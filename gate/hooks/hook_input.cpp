#include "hook_input.hpp"

#include <fmt/format.h>

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace spawngate {
namespace {

// A SAX handler that keeps only the few fields the gate needs: no document tree is built, so a
// large tool_input costs a scan, not an allocation per value.
class HookFields : public nlohmann::json_sax<nlohmann::json> {
  public:
    explicit HookFields(HookInput& out) : out_(out) {}

    bool null() override { return scalar(); }
    bool boolean(bool value) override {
        if (depth_ == 2 && in_tool_input_ && value) {
            // Bounded: a hostile tool_input with a million true fields must not grow this.
            if (out_.true_fields.size() < 64) out_.true_fields.push_back(key_);
        }
        return scalar();
    }
    bool number_integer(number_integer_t) override { return scalar(); }
    bool number_unsigned(number_unsigned_t) override { return scalar(); }
    bool number_float(number_float_t, const string_t&) override { return scalar(); }
    bool binary(binary_t&) override { return scalar(); }
    bool string(string_t& value) override {
        if (depth_ == 1) {
            if (key_ == "tool_name")
                out_.tool_name = value;
            else if (key_ == "hook_event_name")
                out_.hook_event_name = value;
            else if (key_ == "session_id")
                out_.session_id = value;
            else if (key_ == "transcript_path")
                out_.transcript_path = value;
            else if (key_ == "cwd")
                out_.cwd = value;
        }
        return scalar();
    }
    bool start_object(std::size_t) override {
        if (depth_ == 0) saw_object_ = true;
        if (depth_ == 1) in_tool_input_ = key_ == "tool_input";
        ++depth_;
        return true;
    }
    bool end_object() override {
        --depth_;
        if (depth_ == 1) in_tool_input_ = false;
        return true;
    }
    bool start_array(std::size_t) override {
        ++depth_;
        return depth_ > 1;  // a top-level array is not a hook document
    }
    bool end_array() override {
        --depth_;
        return true;
    }
    bool key(string_t& name) override {
        if (depth_ <= 2) key_ = name;
        return true;
    }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& error) override {
        // nlohmann's message ends "; last read: '<the token so far>'", which for an unterminated
        // string is the whole (up to 1 MiB, possibly binary) input: keep only its first part.
        std::string_view what = error.what();
        what = what.substr(0, what.find("; last read"));
        if (const auto bracket = what.find("] "); bracket != std::string_view::npos)
            what.remove_prefix(bracket + 2);  // "[json.exception.parse_error.101] "
        error_ = fmt::format("malformed JSON near byte {}: ", position);
        for (const char c : what.substr(0, 200)) error_ += c >= 0x20 && c < 0x7f ? c : '?';
        return false;
    }

    bool saw_object() const { return saw_object_; }
    const std::string& error() const { return error_; }

  private:
    bool scalar() { return depth_ > 0; }  // a bare scalar is not a hook document
    HookInput& out_;
    std::string key_;
    std::string error_;
    int depth_ = 0;
    bool in_tool_input_ = false;
    bool saw_object_ = false;
};

long long now_ms() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000LL + now.tv_nsec / 1'000'000;
}

}  // namespace

HookInputRead parse_hook_input(std::string_view json) {
    if (json.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return {std::nullopt, "empty hook input on stdin (expected the hook's JSON object)"};
    HookInput input;
    HookFields fields(input);
    const bool ok = nlohmann::json::sax_parse(json.begin(), json.end(), &fields);
    if (!ok || !fields.saw_object()) {
        return {std::nullopt,
                fields.error().empty()
                    ? "hook input is not a JSON object"
                    : fmt::format("hook input is not valid JSON: {}", fields.error())};
    }
    return {std::move(input), {}};
}

HookInputRead read_hook_input(int fd, std::size_t max_bytes, int timeout_ms) {
    if (::isatty(fd))
        return {std::nullopt, "stdin is a terminal; --hook expects the hook's JSON on stdin"};
    std::string data;
    const long long deadline = now_ms() + timeout_ms;
    char chunk[65536];
    for (;;) {
        const long long left = deadline - now_ms();
        if (left <= 0)
            return {std::nullopt,
                    fmt::format("hook input did not end within {} ms (stdin was not closed)",
                                timeout_ms)};
        pollfd waiting{fd, POLLIN, 0};
        const int ready = ::poll(&waiting, 1, static_cast<int>(left));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0)
            return {std::nullopt, fmt::format("cannot wait for stdin: {}", std::strerror(errno))};
        if (ready == 0) continue;
        const ssize_t got = ::read(fd, chunk, sizeof chunk);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got < 0)
            return {std::nullopt, fmt::format("cannot read stdin: {}", std::strerror(errno))};
        if (got == 0) break;
        if (data.size() + static_cast<std::size_t>(got) > max_bytes)
            return {
                std::nullopt,
                fmt::format("hook input is larger than {} bytes; refusing to parse it", max_bytes)};
        data.append(chunk, static_cast<std::size_t>(got));
    }
    return parse_hook_input(data);
}

}  // namespace spawngate
