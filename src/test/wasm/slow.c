/*
 * slow - busy-waits ms=NNN milliseconds (query string, default 500) then answers 200 "slept NNN";
 * proves timeouts, concurrency limits and draining with a handler that is slow but finishes.
 * Busy-waits rather than sleeping so it needs no poll_oneoff support from the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "wagi.h"

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(void) {
    char arg[32];
    long ms = 500;
    if (wagi_query_param("ms", arg, sizeof arg) && arg[0]) ms = strtol(arg, NULL, 10);
    if (ms < 0) ms = 0;
    if (ms > 600000) ms = 600000; /* ten minutes is plenty for any test */
    long long end = now_ms() + ms;
    while (now_ms() < end) {
    }
    printf("Status: 200\nContent-Type: text/plain\n\nslept %ld", ms);
    return 0;
}
