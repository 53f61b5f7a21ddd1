/*
 * raw-output - clause "output the HTTP layer cannot carry": writes its request body to stdout as its
 * whole CGI output, so a test can send any header block. The host answers what the block says, or
 * 500 invalid-output (problem+json with the request id) for a block it cannot carry: no
 * Content-Type or Location, a bad media type or Location, a single-valued header given twice.
 */
#include "wagi.h"

int main(void) {
    size_t len = 0;
    char *body = wagi_read_all_stdin(&len);
    if (!body) return 1;
    fwrite(body, 1, len, stdout);
    free(body);
    return 0;
}
