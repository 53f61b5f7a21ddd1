/*
 * headers - clause "header passing and dropping": answers 200 text/plain "headers" with
 *   passed on:  X-Custom (with its value's inner spaces), two Set-Cookie lines, Cache-Control;
 *   dropped (the server owns them): Content-Length, Connection, Transfer-Encoding, Keep-Alive,
 *               X-Request-ID and traceparent with forged values.
 */
#include <stdio.h>

int main(void) {
    fputs("Content-Type: text/plain\n"
          "X-Custom: kept  as written\n"
          "Set-Cookie: a=1\n"
          "Set-Cookie: b=2\n"
          "Cache-Control: no-store\n"
          "Content-Length: 999\n"
          "Connection: close\n"
          "Transfer-Encoding: chunked\n"
          "Keep-Alive: timeout=99\n"
          "X-Request-ID: forged\n"
          "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\n"
          "\n"
          "headers", stdout);
    return 0;
}
