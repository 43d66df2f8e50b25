#include "program_name.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "interpreter_table.hpp"

namespace spawngate {
namespace {

// A real command line needs a handful of words to reach its script; a hostile one (128 KiB of
// `-x`, env inside env inside env) must cost the same small amount.
constexpr std::size_t kMaxWords = 256;
constexpr int kMaxCommandDepth = 8;

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f';
}

// The next word of env -S's string, or nullopt when only blanks are left. Quotes group blanks into
// the word and stay in it: env(1) would also strip them, but the one place they matter is an
// assignment (FOO="a b"), which is skipped either way.
std::optional<std::string_view> next_split_word(std::string_view& text) {
    std::size_t start = 0;
    while (start < text.size() && is_blank(text[start])) ++start;
    if (start == text.size()) return std::nullopt;
    std::size_t end = start;
    char quote = 0;
    for (; end < text.size(); ++end) {
        const char c = text[end];
        if (quote != 0) {
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (is_blank(c)) {
            break;
        }
    }
    const std::string_view word = text.substr(start, end - start);
    text.remove_prefix(end);
    return word;
}

// The first kMaxWords words of argv, as views into the raw cmdline. Fixed capacity: no allocation,
// and words past the bound are simply never seen.
class ArgvWords {
  public:
    explicit ArgvWords(std::string_view raw) {
        // A trailing NUL ends every argument; setproctitle pads the old argv area with more.
        while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
        if (raw.find('\0') == std::string_view::npos) {
            split_title(raw);
            return;
        }
        // Empty words are kept: `bash ''` is an argument, not a missing one.
        while (count_ < kMaxWords) {
            const std::size_t nul = raw.find('\0');
            push(raw.substr(0, nul));
            if (nul == std::string_view::npos) break;
            raw.remove_prefix(nul + 1);
        }
    }

    std::size_t size() const { return count_; }
    std::string_view operator[](std::size_t index) const { return words_[index]; }

    // Replaces `removed` words at `at` by the words of env -S's `text`; words pushed past the
    // bound are dropped.
    void replace_with_split(std::size_t at, std::size_t removed, std::string_view text) {
        std::array<std::string_view, kMaxWords> tail{};
        std::size_t tail_count = 0;
        for (std::size_t i = at + removed; i < count_; ++i) tail[tail_count++] = words_[i];
        count_ = std::min(at, count_);
        while (count_ < kMaxWords) {
            const std::optional<std::string_view> word = next_split_word(text);
            if (!word) break;
            push(*word);
        }
        for (std::size_t i = 0; i < tail_count; ++i) push(tail[i]);
    }

  private:
    // One string and no NUL: argv[0] is the whole text. With spaces in it, it is a rewritten title
    // ("npm run deploy"), read the way ps(1) shows it.
    void split_title(std::string_view raw) {
        while (count_ < kMaxWords) {
            while (!raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
            if (raw.empty()) return;
            const std::size_t space = raw.find(' ');
            push(raw.substr(0, space));
            if (space == std::string_view::npos) return;
            raw.remove_prefix(space);
        }
    }

    void push(std::string_view word) {
        if (count_ < kMaxWords) words_[count_++] = word;
    }

    std::array<std::string_view, kMaxWords> words_{};
    std::size_t count_ = 0;
};

// basename(1): the text after the last '/', trailing slashes ignored; "/" stays "/".
std::string_view base_name(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    const std::size_t slash = path.rfind('/');
    if (slash == std::string_view::npos || path.size() == 1) return path;
    return path.substr(slash + 1);
}

// login(1) starts a login shell as "-bash".
std::string_view without_login_dash(std::string_view argv0) {
    return argv0.size() > 1 && argv0.front() == '-' ? argv0.substr(1) : argv0;
}

bool contains(std::span<const std::string_view> list, std::string_view word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

// make's -j 4 and -l 2.5.
bool is_number(std::string_view word) {
    return !word.empty() && std::all_of(word.begin(), word.end(),
                                        [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

// What one command's words say it runs.
struct Reading {
    enum class Kind {
        Itself,   // no script: the command's own name
        Program,  // a module, script or task, named by `program`
        Command,  // another command starts at word `argv0` (bash's script, env's command)
    };
    Kind kind = Kind::Itself;
    std::string_view program;
    std::size_t argv0 = 0;

    static Reading itself() { return {}; }
    static Reading named(std::string_view program) { return {Kind::Program, program, 0}; }
    static Reading command_at(std::size_t argv0) { return {Kind::Command, {}, argv0}; }
};

// Reads one command's options up to the operand that says what it runs.
class CommandReader {
  public:
    CommandReader(ArgvWords& words, const Interpreter& interpreter, std::size_t argv0)
        : words_(words), interpreter_(interpreter), next_(argv0 + 1) {}

    // Each pass consumes at least one word and splices only after it: at most kMaxWords passes.
    Reading read() {
        while (next_ < words_.size()) {
            const std::size_t index = next_++;
            const std::string_view word = words_[index];
            const std::optional<Reading> reading =
                is_option(word) ? read_option(word) : read_operand(word, index);
            if (reading) return *reading;
        }
        return Reading::itself();
    }

  private:
    bool is_option(std::string_view word) const {
        if (options_ended_ || word.empty()) return false;
        return word.front() == '-' ||
               (interpreter_.plus_options && word.front() == '+' && word.size() > 1);
    }

    std::optional<Reading> read_option(std::string_view word) {
        if (word == "--") {
            options_ended_ = true;
            return std::nullopt;
        }
        if (word == "-") return read_lone_dash();
        if (word.substr(0, 2) == "--") {
            const std::size_t equals = word.find('=');
            const std::optional<std::string_view> value =
                equals == std::string_view::npos ? std::nullopt
                                                 : std::optional(word.substr(equals + 1));
            return apply(option_role(interpreter_, word.substr(0, equals)), value);
        }
        // Combined short options (-ex, -uW ignore): letters are flags until one takes a value.
        for (std::size_t letter = 1; letter < word.size(); ++letter) {
            const char option[2] = {word.front(), word[letter]};
            const OptionRole role = option_role(interpreter_, std::string_view(option, 2));
            if (role == OptionRole::Flag) continue;
            const std::string_view rest = word.substr(letter + 1);
            return apply(role, rest.empty() ? std::nullopt : std::optional(rest));
        }
        return std::nullopt;
    }

    std::optional<Reading> read_lone_dash() {
        switch (interpreter_.lone_dash) {
            case LoneDash::ReadsStdin:
                return Reading::itself();
            case LoneDash::EndsOptions:
                options_ended_ = true;
                return std::nullopt;
            case LoneDash::IsAFlag:
                return std::nullopt;
        }
        return std::nullopt;
    }

    // What an option does with its value; `attached` is the value within its own word, if any.
    std::optional<Reading> apply(OptionRole role, std::optional<std::string_view> attached) {
        switch (role) {
            case OptionRole::Flag:
            case OptionRole::AttachedValue:
                return std::nullopt;
            case OptionRole::NoScript:
                return Reading::itself();
            case OptionRole::NamesProgram: {
                const std::optional<std::string_view> program = attached ? attached : take_word();
                return program ? Reading::named(*program) : Reading::itself();
            }
            case OptionRole::SplitsString:
                if (attached)
                    words_.replace_with_split(next_, 0, *attached);
                else if (next_ < words_.size())
                    words_.replace_with_split(next_, 1, words_[next_]);
                return std::nullopt;
            case OptionRole::TakesArgument:
                if (!attached) take_word();
                return std::nullopt;
            case OptionRole::OptionalNumber:
                if (!attached && next_ < words_.size() && is_number(words_[next_])) ++next_;
                return std::nullopt;
        }
        return std::nullopt;
    }

    std::optional<Reading> read_operand(std::string_view word, std::size_t index) {
        if (interpreter_.assignments_before_operand && word.find('=') != std::string_view::npos)
            return std::nullopt;
        if (!subcommand_seen_) {
            if (contains(interpreter_.subcommands, word)) {
                subcommand_seen_ = true;
                return std::nullopt;
            }
            if (contains(interpreter_.code_subcommands, word)) return Reading::itself();
            if (interpreter_.subcommand_required) return Reading::itself();
        }
        // `bash ''` runs nothing; an empty program would match `^$`-style rules by accident.
        if (word.empty()) return Reading::itself();
        if (interpreter_.operand == OperandMeaning::NamesTask) return Reading::named(word);
        return Reading::command_at(index);
    }

    std::optional<std::string_view> take_word() {
        if (next_ >= words_.size()) return std::nullopt;
        return words_[next_++];
    }

    ArgvWords& words_;
    const Interpreter& interpreter_;
    std::size_t next_;
    bool options_ended_ = false;
    bool subcommand_seen_ = false;
};

}  // namespace

std::optional<std::string> program_of(std::string_view raw_cmdline) {
    ArgvWords words(raw_cmdline);
    if (words.size() == 0 || words[0].empty()) return std::nullopt;
    std::size_t argv0 = 0;
    std::string_view name = base_name(without_login_dash(words[0]));
    for (int depth = 0;; ++depth) {
        const Interpreter* interpreter = find_interpreter(name);
        if (!interpreter) return std::string(name);
        const std::string_view itself = own_program(*interpreter, name);
        if (depth == kMaxCommandDepth) return std::string(itself);
        const Reading reading = CommandReader(words, *interpreter, argv0).read();
        switch (reading.kind) {
            case Reading::Kind::Itself:
                return std::string(itself);
            case Reading::Kind::Program: {
                const std::string_view program = base_name(reading.program);
                return std::string(program.empty() ? itself : program);
            }
            case Reading::Kind::Command:
                argv0 = reading.argv0;
                name = base_name(words[argv0]);
                break;
        }
    }
}

}  // namespace spawngate
