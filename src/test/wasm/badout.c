/* badout - proves output without a CGI header block is a handler error even though the exit is 0. */
#include <stdio.h>

int main(void) {
    fputs("no headers here\n", stdout);
    return 0;
}
