/* routesc - _routes in C: /hello runs on_hello, /files/... runs on_files; each answers its export's name, then
   SCRIPT_NAME, PATH_INFO and X_MATCHED_ROUTE, one per line. */
#include <stdio.h>
#include <stdlib.h>

static void answer(const char *export) {
    const char *names[] = {"SCRIPT_NAME", "PATH_INFO", "X_MATCHED_ROUTE"};
    printf("Content-Type: text/plain\n\n%s\n", export);
    for (int i = 0; i < 3; i++) {
        const char *value = getenv(names[i]);
        printf("%s=%s\n", names[i], value ? value : "(unset)");
    }
}

__attribute__((export_name("on_hello"))) void on_hello(void) { answer("on_hello"); }
__attribute__((export_name("on_files"))) void on_files(void) { answer("on_files"); }

__attribute__((export_name("_routes"))) void routes(void) {
    fputs("/hello on_hello\n/files/... on_files\n", stdout);
}

int main(void) {
    answer("_start");
    return 0;
}
