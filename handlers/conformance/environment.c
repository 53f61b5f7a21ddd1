/*
 * environment - clause "environment": answers 200 application/json with every environment variable
 * it received, {"NAME":"value",...}. The host gives exactly the CGI/WAGI variables and HTTP_<NAME>
 * per request header, nothing of its own; PATH_INFO is empty at /run/environment itself.
 */
#include "wagi.h"

extern char **environ;

int main(void) {
    fputs("Content-Type: application/json\n\n{", stdout);
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        size_t name_len = eq ? (size_t)(eq - *e) : strlen(*e);
        if (e != environ) fputc(',', stdout);
        wagi_json_string(stdout, *e, name_len);
        fputc(':', stdout);
        wagi_json_cstr(stdout, eq ? eq + 1 : "");
    }
    fputc('}', stdout);
    return 0;
}
