/*
 * exit-code - clause "exit codes": writes a complete 200 response, then exits with ?code=N (default
 * 0). Exit 0 is success; any other status makes the host discard the output and answer 500
 * handler-error with exitCode N.
 */
#include "wagi.h"

int main(void) {
    char code[8];
    int status = wagi_query_param("code", code, sizeof code) ? atoi(code) : 0;
    fputs("Content-Type: text/plain\n\nwritten before the exit", stdout);
    fflush(stdout);
    return status;
}
