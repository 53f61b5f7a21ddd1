/* hog - proves the memory cap: grabs and touches 1 MiB after 1 MiB, traps (abort) once malloc fails. */
#include <stdlib.h>
#include <string.h>

static char *volatile last; /* publishing each block keeps clang from deleting malloc+memset */

int main(void) {
    for (;;) {
        char *block = malloc(1024 * 1024);
        if (!block) abort();
        memset(block, 0xA5, 1024 * 1024); /* touch it, so the pages are really in use */
        last = block;
    }
}
