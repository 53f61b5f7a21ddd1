/*
 * stdin - clause "stdin": answers 200 application/octet-stream with the request body, byte for
 * byte, and X-Stdin-Bytes (bytes read) and X-Content-Length (CONTENT_LENGTH) headers.
 */
#include "wagi.h"

int main(void) {
    size_t len = 0;
    char *body = wagi_read_all_stdin(&len);
    if (!body) return 1;
    printf("Content-Type: application/octet-stream\nX-Stdin-Bytes: %zu\nX-Content-Length: %s\n\n", len,
           wagi_env("CONTENT_LENGTH", ""));
    fwrite(body, 1, len, stdout);
    free(body);
    return 0;
}
