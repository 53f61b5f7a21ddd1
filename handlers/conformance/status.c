/*
 * status - clause "status": answers with the status in ?code=NNN ("Status: NNN reason" line), or
 * without a Status line at all when there is no ?code (CGI's default, 200). Body: text/plain "status".
 */
#include "wagi.h"

int main(void) {
    char code[8];
    if (wagi_query_param("code", code, sizeof code)) printf("Status: %s Some Reason\n", code);
    fputs("Content-Type: text/plain\n\nstatus", stdout);
    return 0;
}
