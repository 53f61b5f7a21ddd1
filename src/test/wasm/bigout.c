/* bigout - proves the response-size cap: valid headers, then 64 MiB of 'x' in 64 KiB writes. */
#include <stdio.h>
#include <string.h>

static char chunk[64 * 1024];

int main(void) {
    memset(chunk, 'x', sizeof chunk);
    fputs("Content-Type: text/plain\n\n", stdout);
    for (int i = 0; i < 1024; i++)
        if (fwrite(chunk, 1, sizeof chunk, stdout) != sizeof chunk) return 1;
    return 0;
}
