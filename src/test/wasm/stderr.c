/* stderr - proves stderr goes to the server log and never into the response body. */
#include <stdio.h>

int main(void) {
    fputs("diagnostic line\n", stderr);
    fputs("Status: 200\nContent-Type: text/plain\n\nok", stdout);
    return 0;
}
