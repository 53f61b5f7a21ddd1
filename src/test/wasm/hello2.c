/* hello2 - a second version of hello with another body, copied over hello.wasm to prove hot replacement. */
#include <stdio.h>

int main(void) {
    fputs("Content-Type: text/plain; charset=utf-8\n"
          "\n"
          "Hello again from mik v2!\n", stdout);
    return 0;
}
