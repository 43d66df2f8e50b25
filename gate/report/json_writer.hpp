#pragma once
// A minimal streaming JSON writer into a std::string: enough for the gate's reports and hook
// answers without building a document tree on the hot path.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spawngate {

class JsonWriter {
  public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(std::uint64_t number);
    JsonWriter& value(double number);
    JsonWriter& value(bool flag);
    JsonWriter& null();
    template <typename T>
    JsonWriter& value(const std::optional<T>& maybe) {
        return maybe ? value(*maybe) : null();
    }
    template <typename T>
    JsonWriter& field(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }

    const std::string& text() const { return out_; }

  private:
    void separate();
    std::string out_;
    bool need_comma_ = false;
};

// The length of the well-formed UTF-8 sequence starting text[0] (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view text);

// Appends `text` as a JSON string literal, escaping quotes, backslashes and control bytes.
void append_json_string(std::string& out, std::string_view text);

}  // namespace spawngate
