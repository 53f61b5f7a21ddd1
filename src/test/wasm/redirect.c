/* redirect - proves a header block holding only Location (no Status, no Content-Type) becomes a 302. */
#include <stdio.h>

int main(void) {
    fputs("Location: /elsewhere\n\n", stdout);
    return 0;
}
