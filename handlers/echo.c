/*
 * echo - answers 200 application/json describing the request it received:
 *   {"method":..., "path":..., "query":..., "headers":{...}, "body":...}
 * method/path/query come from REQUEST_METHOD, PATH_INFO and QUERY_STRING ("" when unset);
 * headers holds every HTTP_* variable, named the way HTTP spells it in lower case
 * (HTTP_X_REQUEST_ID -> "x-request-id"); body is all of stdin as one JSON string.
 * Useful to see exactly what the host passes in (and that headers like traceparent arrive).
 */
#include <ctype.h>
#include "wagi.h"

extern char **environ;

/* Prints "http_x_request_id=v" as "x-request-id":"v". */
static void print_header(const char *entry) {
    const char *eq = strchr(entry, '=');
    if (!eq) return;
    const char *name = entry + 5; /* skip "HTTP_" */
    size_t len = (size_t)(eq - name);
    char *key = malloc(len + 1);
    if (!key) return;
    for (size_t i = 0; i < len; i++)
        key[i] = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
    wagi_json_string(stdout, key, len);
    free(key);
    fputc(':', stdout);
    wagi_json_cstr(stdout, eq + 1);
}

int main(void) {
    size_t body_len = 0;
    char *body = wagi_read_all_stdin(&body_len);
    if (!body) {
        fputs("echo: could not read the request body\n", stderr);
        return 1; /* the host turns a non-zero exit into a 500 */
    }
    /* One big buffer: the body may be MiBs and each flush is a host call. */
    setvbuf(stdout, NULL, _IOFBF, 64 * 1024);

    fputs("Status: 200\nContent-Type: application/json\n\n{\"method\":", stdout);
    wagi_json_cstr(stdout, wagi_env("REQUEST_METHOD", ""));
    fputs(",\"path\":", stdout);
    wagi_json_cstr(stdout, wagi_env("PATH_INFO", ""));
    fputs(",\"query\":", stdout);
    wagi_json_cstr(stdout, wagi_env("QUERY_STRING", ""));
    fputs(",\"headers\":{", stdout);
    int first = 1;
    for (char **e = environ; e && *e; e++) {
        if (strncmp(*e, "HTTP_", 5) != 0) continue;
        if (!first) fputc(',', stdout);
        first = 0;
        print_header(*e);
    }
    fputs("},\"body\":", stdout);
    wagi_json_string(stdout, body, body_len);
    fputc('}', stdout);
    free(body);
    return 0;
}
