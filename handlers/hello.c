/*
 * hello - the smallest WAGI handler: any method, any path under /run/hello, answers
 * 200 text/plain "Hello from mik!". Status is omitted on purpose: CGI defaults it to 200.
 */
#include <stdio.h>

int main(void) {
    fputs("Content-Type: text/plain; charset=utf-8\n"
          "\n"
          "Hello from mik!\n", stdout);
    return 0;
}
