/*
 * arguments - clause "arguments": answers 200 application/json with its argv as an array. The
 * host passes the module name, then each query parameter percent-decoded as key=value (or key).
 */
#include "wagi.h"

int main(int argc, char **argv) {
    fputs("Content-Type: application/json\n\n[", stdout);
    for (int i = 0; i < argc; i++) {
        if (i) fputc(',', stdout);
        wagi_json_cstr(stdout, argv[i]);
    }
    fputc(']', stdout);
    return 0;
}
