/*
 * location - clause "Location": writes "Location: <?to=...>" (default /elsewhere) and no body. Without
 * ?status the host answers 302 (a CGI redirect); with ?status=NNN it answers NNN with the Location.
 */
#include "wagi.h"

int main(void) {
    char to[256], status[8];
    if (!wagi_query_param("to", to, sizeof to)) strcpy(to, "/elsewhere");
    if (wagi_query_param("status", status, sizeof status)) printf("Status: %s\n", status);
    printf("Location: %s\n\n", to);
    return 0;
}
