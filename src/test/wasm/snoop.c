/* snoop - looks for what an earlier run left behind: counts the non-zero bytes of its memory above the heap
 * base (which a fresh instance holds as zeros) and of 4 MiB it grows into, prints the count, then writes 0xA5
 * over all of it, so a run that reuses this memory without clearing it would count them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern unsigned char __heap_base;

static size_t nonzero(const unsigned char *from, const unsigned char *to) {
    size_t count = 0;
    for (const unsigned char *p = from; p < to; p++) {
        count += *p != 0;
    }
    return count;
}

int main(void) {
    unsigned char *base = &__heap_base;
    unsigned char *end = (unsigned char *)(__builtin_wasm_memory_size(0) * 65536);
    size_t found = nonzero(base, end);
    size_t grown = 4u << 20;
    unsigned char *block = malloc(grown);
    if (!block) abort();
    found += nonzero(block, block + grown);
    end = (unsigned char *)(__builtin_wasm_memory_size(0) * 65536);
    printf("Content-Type: text/plain\n\nnonzero=%zu pages=%zu\n", found, (size_t)__builtin_wasm_memory_size(0));
    fflush(stdout);
    memset(base, 0xA5, (size_t)(end - base));
    return 0;
}
