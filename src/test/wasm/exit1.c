/* exit1 - proves a non-zero exit is a handler error even after complete, valid output. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    fputs("Content-Type: text/plain\n\nthis body must not be served\n", stdout);
    exit(3); /* exit() flushes stdout first, so the host sees the whole response */
}
