/*
 * fuzz.h - what every fuzz target shares: the libFuzzer entry points and
 * CHECK, which aborts (a crash libFuzzer reports) when an invariant fails.
 */
#ifndef REKISTERI_FUZZ_H
#define REKISTERI_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c)                                                                         \
        do {                                                                             \
                if (!(c)) {                                                              \
                        fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__,  \
                                __LINE__);                                               \
                        abort();                                                         \
                }                                                                        \
        } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
