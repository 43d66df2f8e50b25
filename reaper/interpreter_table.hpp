#pragma once
// The commands that run something named later on their own command line: interpreters (the
// script), task runners (the make target, the package.json script) and env (the command). The
// program matcher (program_name.hpp) reads through them, so that `python3 /usr/bin/fab deploy`
// is `fab` and `npm run deploy` is `deploy`.
//
// One entry per tool, its options spelled as its own manual spells them (bash(1) INVOCATION,
// `python3 --help`, ruby(1), `node --help`, perlrun(1), php(1), make(1), env(1), npm-run-script).
// An option in none of an entry's lists is a flag without argument: a newer flag we do not know
// costs nothing, while a newer option taking an argument makes that argument look like the script.

#include <span>
#include <string_view>

namespace spawngate {

// What the first operand after the options (and the subcommand, if any) means.
enum class OperandMeaning {
    RunsIt,     // a script or command, itself looked up in this table: bash deploy.sh, env bash
    NamesTask,  // a make target or a package.json script: the program as it is written
};

// A lone "-" means different things to different tools.
enum class LoneDash {
    ReadsStdin,   // python -, node -, perl -: the code comes from stdin, there is no script
    EndsOptions,  // sh -: like "--" (bash(1): "A - signals the end of options")
    IsAFlag,      // env -: the same as -i
};

struct Interpreter {
    using Words = std::span<const std::string_view>;

    std::string_view label;  // the tool, e.g. "python"; the program for a `script_files` match
    Words names = {};        // argv[0] base names: "bash", "python"
    bool versioned_names = false;  // a name may end in [0-9.]*: python3.11, perl5.36.0
    Words script_files = {};       // what node runs for it: npm-cli.js
    OperandMeaning operand = OperandMeaning::RunsIt;
    LoneDash lone_dash = LoneDash::IsAFlag;
    bool plus_options = false;                // shells: +o OPT and +x are options too
    bool assignments_before_operand = false;  // make VAR=value, env NAME=VALUE: skipped

    // Options by what follows them; see OptionRole for how each is read.
    Words options_with_argument = {};         // -o OPT, -oOPT
    Words options_with_attached_value = {};   // perl -i.bak: never the next word
    Words options_with_optional_number = {};  // make -j [N]
    Words no_script_options = {};             // -c CODE, -e CODE, -s (stdin), php -S ADDR
    Words module_options = {};                // python -m MODULE: the module runs
    Words script_options = {};                // php -f FILE, ruby -S PROG: FILE runs
    Words split_options = {};                 // env -S STRING: its words come next

    Words subcommands = {};            // deno run, npm run: skipped once, before the operand
    bool subcommand_required = false;  // npm: only `run SCRIPT` names a script; `npm ci` is npm
    Words code_subcommands = {};       // deno eval: there is no script
};

// How an option word (or one letter of a combined short option) is read.
enum class OptionRole {
    Flag,            // nothing follows
    TakesArgument,   // the rest of the word if non-empty, else the next word
    AttachedValue,   // the rest of the word, never the next word
    OptionalNumber,  // the rest of the word, else the next word if it is a number
    NoScript,        // code follows, or stdin, or a server: the interpreter itself is the program
    NamesProgram,    // its argument (module or script) is the program
    SplitsString,    // its argument is split on blanks and read as the next words
};

// Every tool the program matcher sees through.
std::span<const Interpreter> interpreter_table();

// The entry known by `base_name` (a name, a versioned name, or a script file), or nullptr.
const Interpreter* find_interpreter(std::string_view base_name);

// The program when nothing follows: the base name itself, or the label for a script file (so
// `node .../npm-cli.js install` is `npm`).
std::string_view own_program(const Interpreter& interpreter, std::string_view base_name);

// `option` is "-x", "+o" or "--long" (without "=value").
OptionRole option_role(const Interpreter& interpreter, std::string_view option);

}  // namespace spawngate
