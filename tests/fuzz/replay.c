/*
 * replay.c - run a libFuzzer target's entry point over files, without
 * libFuzzer. Built with the ordinary compiler and sanitizers, it turns each
 * target's seed corpus (and any crash file added to it) into a regression
 * test of the normal suite: `replay_NAME FILE...` exits non-zero (abort)
 * when an invariant fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target, as in libFuzzer: weak, so absent means NULL. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int main(int argc, char **argv)
{
        if (LLVMFuzzerInitialize != NULL)
                LLVMFuzzerInitialize(&argc, &argv);
        for (int i = 1; i < argc; i++) {
                FILE *f = fopen(argv[i], "rb");
                if (f == NULL) {
                        perror(argv[i]);
                        return 1;
                }
                static uint8_t buf[1 << 20];
                size_t n = fread(buf, 1, sizeof(buf), f);
                fclose(f);
                LLVMFuzzerTestOneInput(buf, n);
        }
        printf("replayed %d input(s)\n", argc - 1);
        return 0;
}
