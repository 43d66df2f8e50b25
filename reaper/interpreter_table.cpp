#include "interpreter_table.hpp"

#include <algorithm>

namespace spawngate {
namespace {

using Names = std::string_view[];

// Shells: bash(1), dash(1), zsh(1), ksh(1) INVOCATION. `-c` runs its first operand as code and
// `-s` reads commands from stdin; `+o`/`+O` unset what `-o`/`-O` set and take the same argument.
// Long flags (--norc, --login, --posix, --noprofile) take none.
constexpr Names kShellNames = {"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash"};
constexpr Names kShellArgument = {"-o", "+o", "-O", "+O", "--rcfile", "--init-file"};
constexpr Names kShellNoScript = {"-c", "-s"};

// python(1): -W ARG and -X OPT may be attached (-Wignore) or separate (-W ignore).
constexpr Names kPythonNames = {"python", "pypy"};
constexpr Names kPythonArgument = {"-W", "-X", "--check-hash-based-pycs"};
constexpr Names kPythonNoScript = {"-c"};
constexpr Names kPythonModule = {"-m"};

// ruby(1). -S looks PROG up in PATH, so PROG is the script (`ruby -S cap deploy`). -W, -x, -0,
// -T, -i, -K and -F take only an attached value: read letter by letter, `-W:no-deprecated` would
// reach its `e` and wrongly mean "code follows".
constexpr Names kRubyNames = {"ruby"};
constexpr Names kRubyArgument = {"-I",
                                 "-r",
                                 "-C",
                                 "-E",
                                 "--enable",
                                 "--disable",
                                 "--encoding",
                                 "--external-encoding",
                                 "--internal-encoding"};
constexpr Names kRubyAttached = {"-W", "-x", "-0", "-T", "-i", "-K", "-F"};
constexpr Names kRubyNoScript = {"-e"};
constexpr Names kRubyScript = {"-S"};

// node --help. `--opt=value` forms never take the next word; these also accept it separately.
constexpr Names kNodeNames = {"node", "nodejs"};
constexpr Names kNodeArgument = {"-r",
                                 "--require",
                                 "--import",
                                 "--loader",
                                 "--experimental-loader",
                                 "-C",
                                 "--conditions",
                                 "--input-type",
                                 "--title",
                                 "--env-file",
                                 "--inspect-port",
                                 "--redirect-warnings",
                                 "--report-dir",
                                 "--diagnostic-dir",
                                 "--icu-data-dir",
                                 "--openssl-config",
                                 "--unhandled-rejections"};
constexpr Names kNodeNoScript = {"-e", "--eval", "-p", "--print"};

// perlrun(1). -M and -m want their module attached (perl refuses `-M strict`), but taking the
// next word is harmless: such a process never runs. -i.bak, -l0, -0777, -x, -C, -d:Mod, -D and
// -Fpattern take only attached values.
constexpr Names kPerlNames = {"perl"};
constexpr Names kPerlArgument = {"-I", "-M", "-m"};
constexpr Names kPerlAttached = {"-i", "-l", "-0", "-x", "-C", "-d", "-D", "-F", "-V"};
constexpr Names kPerlNoScript = {"-e", "-E"};

// php(1). -f FILE is the script; -r CODE runs code; -S ADDR is the built-in web server.
constexpr Names kPhpNames = {"php"};
constexpr Names kPhpArgument = {"-d", "--define",         "-c", "--php-ini",
                                "-z", "--zend-extension", "-t", "--docroot",
                                "-B", "--process-begin",  "-R", "--process-code",
                                "-F", "--process-file",   "-E", "--process-end"};
constexpr Names kPhpNoScript = {"-r", "--run", "-S"};
constexpr Names kPhpScript = {"-f", "--file"};

// deno --help. `deno run FILE` and, since deno 2, `deno FILE`; `deno task NAME` runs the task.
constexpr Names kDenoNames = {"deno"};
constexpr Names kDenoArgument = {"-c", "--config",    "--import-map", "--lock", "--cert",
                                 "-L", "--log-level", "--location",   "--seed", "--env-file"};
constexpr Names kDenoSubcommands = {"run", "task"};
constexpr Names kDenoCodeSubcommands = {"eval", "repl"};

// bun --help. `bun run FILE` or `bun FILE`; -e/-p run code.
constexpr Names kBunNames = {"bun"};
constexpr Names kBunArgument = {
    "-r",       "--preload", "--cwd",    "--env-file",          "-d",
    "--define", "-l",        "--loader", "--tsconfig-override", "--conditions"};
constexpr Names kBunNoScript = {"-e", "--eval", "-p", "--print"};
constexpr Names kBunSubcommands = {"run"};
constexpr Names kBunCodeSubcommands = {"repl"};

// env(1), GNU coreutils. -S splits its string (how a `#!/usr/bin/env -S python3 -u` line passes
// options); every word with '=' before the command is an assignment.
constexpr Names kEnvNames = {"env"};
constexpr Names kEnvArgument = {"-u", "--unset", "-C", "--chdir"};
constexpr Names kEnvSplit = {"-S", "--split-string"};

// make(1), GNU make. -j and -l take an optional number: `make -j 4 deploy` and `make -j deploy`.
constexpr Names kMakeNames = {"make", "gmake"};
constexpr Names kMakeArgument = {
    "-C", "--directory", "-f",           "--file", "--makefile", "-I",         "--include-dir",
    "-o", "--old-file",  "--assume-old", "-W",     "--what-if",  "--new-file", "--assume-new",
    "-E", "--eval"};
constexpr Names kMakeAttached = {"-O"};
constexpr Names kMakeOptionalNumber = {"-j", "--jobs", "-l", "--load-average", "--max-load"};

// Package managers: only `run SCRIPT` (and its aliases) names a script; any other subcommand is
// the package manager itself. Node runs them through their JS entry files.
constexpr Names kNpmNames = {"npm"};
constexpr Names kNpmFiles = {"npm-cli.js"};
constexpr Names kNpmArgument = {"--prefix",    "-C",         "-w",
                                "--workspace", "--loglevel", "--userconfig",
                                "--registry",  "--cache",    "--script-shell"};
constexpr Names kNpmSubcommands = {"run", "run-script", "rum", "urn"};

constexpr Names kYarnNames = {"yarn", "yarnpkg"};
constexpr Names kYarnFiles = {"yarn.js", "yarn.cjs"};
constexpr Names kYarnArgument = {"--cwd", "--modules-folder", "--cache-folder", "--mutex"};
constexpr Names kYarnSubcommands = {"run"};

// pnpm's -w is --workspace-root, a flag; its -C is --dir.
constexpr Names kPnpmNames = {"pnpm"};
constexpr Names kPnpmFiles = {"pnpm.cjs", "pnpm.js"};
constexpr Names kPnpmArgument = {"-C", "--dir", "-F", "--filter", "--loglevel"};
constexpr Names kPnpmSubcommands = {"run", "run-script"};

constexpr Interpreter kInterpreters[] = {
    {.label = "shell",
     .names = kShellNames,
     .lone_dash = LoneDash::EndsOptions,
     .plus_options = true,
     .options_with_argument = kShellArgument,
     .no_script_options = kShellNoScript},
    {.label = "python",
     .names = kPythonNames,
     .versioned_names = true,
     .lone_dash = LoneDash::ReadsStdin,
     .options_with_argument = kPythonArgument,
     .no_script_options = kPythonNoScript,
     .module_options = kPythonModule},
    {.label = "ruby",
     .names = kRubyNames,
     .versioned_names = true,
     .lone_dash = LoneDash::ReadsStdin,
     .options_with_argument = kRubyArgument,
     .options_with_attached_value = kRubyAttached,
     .no_script_options = kRubyNoScript,
     .script_options = kRubyScript},
    {.label = "node",
     .names = kNodeNames,
     .lone_dash = LoneDash::ReadsStdin,
     .options_with_argument = kNodeArgument,
     .no_script_options = kNodeNoScript},
    {.label = "perl",
     .names = kPerlNames,
     .versioned_names = true,
     .lone_dash = LoneDash::ReadsStdin,
     .options_with_argument = kPerlArgument,
     .options_with_attached_value = kPerlAttached,
     .no_script_options = kPerlNoScript},
    {.label = "php",
     .names = kPhpNames,
     .versioned_names = true,
     .lone_dash = LoneDash::ReadsStdin,
     .options_with_argument = kPhpArgument,
     .no_script_options = kPhpNoScript,
     .script_options = kPhpScript},
    {.label = "deno",
     .names = kDenoNames,
     .lone_dash = LoneDash::ReadsStdin,
     .options_with_argument = kDenoArgument,
     .subcommands = kDenoSubcommands,
     .code_subcommands = kDenoCodeSubcommands},
    {.label = "bun",
     .names = kBunNames,
     .lone_dash = LoneDash::ReadsStdin,
     .options_with_argument = kBunArgument,
     .no_script_options = kBunNoScript,
     .subcommands = kBunSubcommands,
     .code_subcommands = kBunCodeSubcommands},
    {.label = "env",
     .names = kEnvNames,
     .assignments_before_operand = true,
     .options_with_argument = kEnvArgument,
     .split_options = kEnvSplit},
    {.label = "make",
     .names = kMakeNames,
     .operand = OperandMeaning::NamesTask,
     .assignments_before_operand = true,
     .options_with_argument = kMakeArgument,
     .options_with_attached_value = kMakeAttached,
     .options_with_optional_number = kMakeOptionalNumber},
    {.label = "npm",
     .names = kNpmNames,
     .script_files = kNpmFiles,
     .operand = OperandMeaning::NamesTask,
     .options_with_argument = kNpmArgument,
     .subcommands = kNpmSubcommands,
     .subcommand_required = true},
    {.label = "yarn",
     .names = kYarnNames,
     .script_files = kYarnFiles,
     .operand = OperandMeaning::NamesTask,
     .options_with_argument = kYarnArgument,
     .subcommands = kYarnSubcommands,
     .subcommand_required = true},
    {.label = "pnpm",
     .names = kPnpmNames,
     .script_files = kPnpmFiles,
     .operand = OperandMeaning::NamesTask,
     .options_with_argument = kPnpmArgument,
     .subcommands = kPnpmSubcommands,
     .subcommand_required = true},
};

bool contains(std::span<const std::string_view> list, std::string_view word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

// python3.11, ruby3.1, perl5.36.0, php8.2: the name followed only by digits and dots.
bool is_version_of(std::string_view base_name, std::string_view name) {
    if (base_name.substr(0, name.size()) != name) return false;
    const std::string_view version = base_name.substr(name.size());
    return std::all_of(version.begin(), version.end(),
                       [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

bool known_by(const Interpreter& interpreter, std::string_view base_name) {
    if (contains(interpreter.script_files, base_name)) return true;
    for (const std::string_view name : interpreter.names)
        if (interpreter.versioned_names ? is_version_of(base_name, name) : base_name == name)
            return true;
    return false;
}

}  // namespace

std::span<const Interpreter> interpreter_table() {
    return kInterpreters;
}

const Interpreter* find_interpreter(std::string_view base_name) {
    for (const Interpreter& interpreter : kInterpreters)
        if (known_by(interpreter, base_name)) return &interpreter;
    return nullptr;
}

std::string_view own_program(const Interpreter& interpreter, std::string_view base_name) {
    return contains(interpreter.script_files, base_name) ? interpreter.label : base_name;
}

OptionRole option_role(const Interpreter& interpreter, std::string_view option) {
    if (contains(interpreter.no_script_options, option)) return OptionRole::NoScript;
    if (contains(interpreter.module_options, option)) return OptionRole::NamesProgram;
    if (contains(interpreter.script_options, option)) return OptionRole::NamesProgram;
    if (contains(interpreter.split_options, option)) return OptionRole::SplitsString;
    if (contains(interpreter.options_with_argument, option)) return OptionRole::TakesArgument;
    if (contains(interpreter.options_with_attached_value, option)) return OptionRole::AttachedValue;
    if (contains(interpreter.options_with_optional_number, option))
        return OptionRole::OptionalNumber;
    return OptionRole::Flag;
}

}  // namespace spawngate
