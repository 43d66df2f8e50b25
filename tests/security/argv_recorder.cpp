// A test helper standing in for an escalation command: writes every argument it received after
// the first (the output file), each followed by a NUL byte, to that file, then what arrived on
// stdin to the same path with ".stdin" appended. A program, not a script: nothing between the
// caller and this record could interpret the arguments.
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc < 2) return 64;
    std::FILE* record = std::fopen(argv[1], "wb");
    if (record == nullptr) return 73;
    for (int i = 2; i < argc; ++i) {
        const std::string argument = argv[i];
        std::fwrite(argument.data(), 1, argument.size(), record);
        std::fputc('\0', record);
    }
    std::fclose(record);
    std::FILE* input = std::fopen((std::string(argv[1]) + ".stdin").c_str(), "wb");
    if (input == nullptr) return 73;
    char chunk[4096];
    for (std::size_t got; (got = std::fread(chunk, 1, sizeof chunk, stdin)) > 0;)
        std::fwrite(chunk, 1, got, input);
    std::fclose(input);
    return 0;
}
