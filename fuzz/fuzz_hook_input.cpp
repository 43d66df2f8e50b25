// The JSON an agent CLI writes to the gate's stdin (Claude Code PreToolUse, Gemini BeforeTool,
// Codex PreToolUse): whatever arrives, the gate answers, and a document is either accepted with
// no error or refused with one.
#include "fuzz_support.hpp"
#include "hook_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto json = spawngate::fuzz::as_text(data, size);
    const spawngate::HookInputRead read = spawngate::parse_hook_input(json);
    FUZZ_CHECK(read.input.has_value() == read.error.empty());
    if (read.input) {
        // Every field is a string the document held, so none can be longer than the document.
        for (const std::string* field :
             {&read.input->tool_name, &read.input->hook_event_name, &read.input->session_id,
              &read.input->transcript_path, &read.input->cwd})
            FUZZ_CHECK(field->size() <= json.size());
    }
    return 0;
}
