// libFuzzer's entry point for a program that has its own main (compiler-rt's FuzzerInterface.h).
// The symbol comes from libclang_rt.fuzzer, linked in by -sanitize=fuzzer.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
