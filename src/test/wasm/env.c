/* env - dumps every environ entry and argv as {"env":{...},"args":[...]}, proving nothing from the host leaks in. */
#include "wagi.h"

extern char **environ;

int main(int argc, char **argv) {
    fputs("Content-Type: application/json\n\n{\"env\":{", stdout);
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        size_t klen = eq ? (size_t)(eq - *e) : strlen(*e);
        if (e != environ) fputc(',', stdout);
        wagi_json_string(stdout, *e, klen);
        fputc(':', stdout);
        wagi_json_cstr(stdout, eq ? eq + 1 : "");
    }
    fputs("},\"args\":[", stdout);
    for (int i = 0; i < argc; i++) {
        if (i) fputc(',', stdout);
        wagi_json_cstr(stdout, argv[i]);
    }
    fputs("]}", stdout);
    return 0;
}
