#pragma once
// Marks a function on the gate's check path. GCC puts such functions in .text.hot and the linker
// gathers every object's .text.hot in one place, so a cold start faults in a few pages of code
// instead of one page per function scattered through a 3 MB static binary. A fault costs about
// 3 µs on the machines this was measured on, the check touches a dozen or so such functions, and
// the whole check is meant to cost little more than starting a process at all (bench/).
#define SPAWNGATE_HOT_PATH [[gnu::hot]]
