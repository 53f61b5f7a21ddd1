/*
 * wagi.h - tiny helpers for WAGI handlers written in C (see DESIGN.md, "Handler contract: WAGI").
 *
 * Header-only (static inline functions) so every handler stays a single .c file and build.sh needs no
 * separate library step. Covers the request side (body, query) and JSON *string output* only;
 * JSON parsing lives in its own header.
 */
#ifndef MIK_WAGI_H
#define MIK_WAGI_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* getenv() that never returns NULL, so callers can print CGI variables unconditionally. */
static inline const char *wagi_env(const char *name, const char *fallback) {
    const char *v = getenv(name);
    return v ? v : fallback;
}

/*
 * Reads the whole request body (stdin until EOF) into a malloc'd, NUL-terminated buffer and
 * stores its length (without the NUL) in *len (0 on failure). Returns NULL if memory runs out or read fails.
 * CONTENT_LENGTH is only a sizing hint: the host may be wrong or absent, EOF is what counts.
 */
static inline char *wagi_read_all_stdin(size_t *len) {
    size_t cap = 64 * 1024, n = 0;
    *len = 0; /* defined even on failure: an uninitialised length lets the optimiser drop error paths */
    const char *cl = getenv("CONTENT_LENGTH");
    if (cl && *cl) {
        unsigned long long hint = strtoull(cl, NULL, 10);
        /* +2: room for the NUL and for the 1-byte read that must return 0 to prove EOF */
        if (hint >= cap && hint < 256ull * 1024 * 1024) cap = (size_t)hint + 2;
    }
    char *buf = malloc(cap);
    if (!buf) return NULL;
    for (;;) {
        if (cap - n < 2) { /* keep one byte for the NUL */
            if (cap > SIZE_MAX / 2) { free(buf); return NULL; }
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) { free(buf); return NULL; }
            buf = bigger;
            cap *= 2;
        }
        ssize_t r = read(STDIN_FILENO, buf + n, cap - n - 1);
        if (r == 0) break;
        if (r < 0) {
            if (errno == EINTR) continue;
            free(buf);
            return NULL;
        }
        n += (size_t)r;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/*
 * Writes s[0..len) as a JSON string literal: '"' and '\\' are backslash-escaped, control bytes
 * (< 0x20) become \u00XX, everything else (including UTF-8 bytes >= 0x80) is copied as-is.
 * Safe runs are written with one fwrite, so multi-MiB bodies do not cost a call per byte.
 */
static inline void wagi_json_string(FILE *out, const char *s, size_t len) {
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        fwrite(s + run, 1, i - run, out);
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
        } else {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            fwrite(esc, 1, sizeof esc, out);
        }
        run = i + 1;
    }
    fwrite(s + run, 1, len - run, out);
    fputc('"', out);
}

/* wagi_json_string for a NUL-terminated string; NULL prints as "". */
static inline void wagi_json_cstr(FILE *out, const char *s) {
    wagi_json_string(out, s ? s : "", s ? strlen(s) : 0);
}

static inline int wagi_hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/*
 * Looks up query parameter `name` in QUERY_STRING (first match; the name is compared raw) and
 * copies its value into buf, percent-decoded with '+' as space, truncated to size-1 bytes.
 * Returns 1 if the parameter is present (a bare "name" gives ""), 0 if not.
 */
static inline int wagi_query_param(const char *name, char *buf, size_t size) {
    const char *q = getenv("QUERY_STRING");
    size_t nlen = strlen(name);
    if (size == 0) return 0;
    while (q && *q) {
        size_t klen = strcspn(q, "=&");
        if (klen == nlen && memcmp(q, name, nlen) == 0) {
            const char *v = q + klen + (q[klen] == '=');
            size_t o = 0;
            for (; *v && *v != '&' && o + 1 < size; v++) {
                int hi, lo;
                if (*v == '+') {
                    buf[o++] = ' ';
                } else if (*v == '%' && (hi = wagi_hexval(v[1])) >= 0 && (lo = wagi_hexval(v[2])) >= 0) {
                    buf[o++] = (char)(hi * 16 + lo);
                    v += 2;
                } else {
                    buf[o++] = *v;
                }
            }
            buf[o] = '\0';
            return 1;
        }
        q = strchr(q, '&');
        if (q) q++;
    }
    return 0;
}

#endif /* MIK_WAGI_H */
