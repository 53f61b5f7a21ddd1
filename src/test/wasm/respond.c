/* respond - answers the status named in ?status=NNN (default 200) with JSON {"status":N,"method":...,"path":...,"body":...},
   so a script can exercise every status path of host.call (retry on 503, passthrough, error mapping). */
#include <stdio.h>
#include <stdlib.h>
#include "wagi.h"

int main(void) {
    char status[8];
    long code = wagi_query_param("status", status, sizeof status) ? strtol(status, NULL, 10) : 200;
    if (code < 100 || code > 599) code = 200;
    size_t len = 0;
    char *body = wagi_read_all_stdin(&len);
    if (!body) return 1;
    printf("Status: %ld\nContent-Type: application/json\n\n{\"status\":%ld,\"method\":", code, code);
    wagi_json_cstr(stdout, wagi_env("REQUEST_METHOD", ""));
    fputs(",\"path\":", stdout);
    wagi_json_cstr(stdout, wagi_env("PATH_INFO", ""));
    fputs(",\"body\":", stdout);
    wagi_json_string(stdout, body, len);
    fputs("}", stdout);
    free(body);
    return 0;
}
