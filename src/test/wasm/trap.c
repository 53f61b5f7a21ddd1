/* trap - proves a trap after partial (flushed) output gives a clean 500, not half a response. */
#include <stdio.h>

int main(void) {
    fputs("Content-Type: text/pl", stdout);
    fflush(stdout); /* make sure the host has really seen the partial header */
    __builtin_trap();
}
