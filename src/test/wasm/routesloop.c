/* routesloop - _routes never returns: loading the module ends at the handler timeout as module-invalid. */
#include <stdio.h>

__attribute__((export_name("_routes"))) void routes(void) {
    for (volatile int spin = 0;; spin++) {
    }
}

int main(void) {
    fputs("Content-Type: text/plain\n\nnever served", stdout);
    return 0;
}
