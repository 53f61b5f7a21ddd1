/*
 * crlf - clause "CRLF and lower-case header names": writes its headers with CRLF line ends and
 * lower-case names (status, content-type, x-lower); the host reads them as it reads LF and any case.
 * Answers 203 text/plain "crlf\r\n" (CRs in the body are the body's own).
 */
#include <stdio.h>

int main(void) {
    fputs("status: 203\r\ncontent-type: text/plain\r\nx-lower: yes\r\n\r\ncrlf\r\n", stdout);
    return 0;
}
