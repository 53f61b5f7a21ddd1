/* routesbad - _routes prints a valid route, then a line with one word: the module is module-invalid, the problem
   names line 2. */
#include <stdio.h>

__attribute__((export_name("_routes"))) void routes(void) {
    fputs("/ok _start\n/only-a-path\n", stdout);
}

int main(void) {
    fputs("Content-Type: text/plain\n\nnever served", stdout);
    return 0;
}
