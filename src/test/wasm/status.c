/* status - proves Status, Location and custom headers from the CGI block reach the HTTP response. */
#include <stdio.h>

int main(void) {
    fputs("Status: 201\n"
          "Location: /things/42\n"
          "X-Custom: yes\n"
          "Content-Type: application/json\n"
          "\n"
          "{\"created\":true}", stdout);
    return 0;
}
