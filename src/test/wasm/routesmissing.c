/* routesmissing - _routes names an export the module does not have: module-invalid naming the export. */
#include <stdio.h>

__attribute__((export_name("_routes"))) void routes(void) {
    fputs("/here _start\n/there no_such_export\n", stdout);
}

int main(void) {
    fputs("Content-Type: text/plain\n\nnever served", stdout);
    return 0;
}
