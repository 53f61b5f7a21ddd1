/*
 * json.h - a small JSON reader for WAGI handlers written in C, and the glue every JSON handler needs:
 * check the route, read the body as JSON, send a JSON reply. Header-only, like wagi.h.
 *
 * Parser: recursive descent over a byte buffer of known length (embedded NUL bytes are fine) into a
 * tree of malloc'd nodes (json_free releases it). It accepts RFC 8259 JSON exactly: objects, arrays,
 * strings (escapes including \uXXXX and surrogate pairs, decoded to UTF-8; raw bytes must be valid
 * UTF-8, raw control characters are refused), numbers (the JSON grammar, stored as double), true,
 * false, null, and nothing but whitespace after the value. Bounded: nesting deeper than
 * JSON_MAX_DEPTH and numbers longer than JSON_MAX_NUMBER_LEN characters are errors, and every read
 * is bounds-checked, so malformed input yields an error message and offset, never undefined behaviour.
 * Duplicate object keys are kept; json_get returns the first.
 *
 * The Rust twin, handlers/lib/json.rs, reports the same messages at the same offsets.
 */
#ifndef MIK_JSON_H
#define MIK_JSON_H

#include <math.h>
#include "wagi.h"

#define JSON_MAX_DEPTH 32
#define JSON_MAX_NUMBER_LEN 256
#define JSON_MAX_SAFE_INTEGER 9007199254740991.0 /* 2^53 - 1: the largest integer a double holds exactly */

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value {
    json_type type;
    int boolean;                 /* JSON_BOOL */
    double number;               /* JSON_NUMBER */
    char *string;                /* JSON_STRING: decoded UTF-8, NUL-terminated (use length: may hold NULs) */
    size_t length;               /* JSON_STRING: bytes; JSON_ARRAY, JSON_OBJECT: number of children */
    struct json_value *children; /* JSON_ARRAY, JSON_OBJECT: first element or member, linked by next */
    struct json_value *next;
    char *key;                   /* set on a member of an object: its decoded name */
    size_t key_length;
} json_value;

/* ---------------------------------------------------------------------------------------------- */
/* Parsing                                                                                         */

typedef struct {
    const unsigned char *start, *p, *end;
    int depth;
    const char *error; /* the first error wins */
    size_t error_at;
} json_parser;

static inline void json_free(json_value *v) {
    while (v) {
        json_value *next = v->next;
        json_free(v->children); /* recursion depth is bounded by JSON_MAX_DEPTH */
        free(v->string);
        free(v->key);
        free(v);
        v = next;
    }
}

static inline void *json__fail(json_parser *ps, const char *message) {
    if (!ps->error) {
        ps->error = message;
        ps->error_at = (size_t)(ps->p - ps->start);
    }
    return NULL;
}

static inline void json__skip_ws(json_parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

/* Fails with "unexpected end of input" at the end, with `message` on any other byte than c. */
static inline int json__expect(json_parser *ps, unsigned char c, const char *message) {
    if (ps->p >= ps->end) return json__fail(ps, "unexpected end of input"), 0;
    if (*ps->p != c) return json__fail(ps, message), 0;
    ps->p++;
    return 1;
}

static inline json_value *json__node(json_parser *ps, json_type type) {
    json_value *v = calloc(1, sizeof *v);
    if (!v) return json__fail(ps, "out of memory");
    v->type = type;
    return v;
}

/* Four hex digits at p (the caller checked they are in bounds), or -1. */
static inline long json__hex4(const unsigned char *p) {
    long cp = 0;
    for (int i = 0; i < 4; i++) {
        int h = wagi_hexval((char)p[i]);
        if (h < 0) return -1;
        cp = cp * 16 + h;
    }
    return cp;
}

/* Length of the valid UTF-8 sequence at p (at most end - p bytes), or 0 (RFC 3629 table). */
static inline size_t json__utf8_len(const unsigned char *p, const unsigned char *end) {
    size_t avail = (size_t)(end - p), n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) n = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF) n = 3;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4) n = 4;
    else return 0;
    if (p[0] == 0xE0) lo = 0xA0;      /* overlong */
    else if (p[0] == 0xED) hi = 0x9F; /* UTF-16 surrogates */
    else if (p[0] == 0xF0) lo = 0x90; /* overlong */
    else if (p[0] == 0xF4) hi = 0x8F; /* above U+10FFFF */
    if (avail < n || p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return n;
}

static inline size_t json__put_utf8(char *out, long cp) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) { out[0] = (char)(0xC0 | cp >> 6); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12); out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18); out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The string whose opening quote is at ps->p, decoded into a malloc'd buffer; 0 on error. */
static inline int json__string(json_parser *ps, char **out, size_t *out_len) {
    const unsigned char *close = ++ps->p;
    while (close < ps->end && *close != '"') close += (*close == '\\') ? 2 : 1;
    if (close >= ps->end) { /* an escape may have stepped past the end: report the end itself */
        ps->p = ps->end;
        return json__fail(ps, "unexpected end of input"), 0;
    }
    /* Decoding never grows the text: \uXXXX is 6 bytes in, at most 3 out; a surrogate pair 12 in, 4 out. */
    char *buf = malloc((size_t)(close - ps->p) + 1);
    if (!buf) return json__fail(ps, "out of memory"), 0;
    size_t n = 0;
    while (ps->p < close) {
        unsigned char c = *ps->p;
        if (c < 0x20) { json__fail(ps, "control character in string"); goto fail; }
        if (c < 0x80 && c != '\\') { buf[n++] = (char)c; ps->p++; continue; }
        if (c >= 0x80) {
            size_t len = json__utf8_len(ps->p, close);
            if (!len) { json__fail(ps, "invalid UTF-8"); goto fail; }
            memcpy(buf + n, ps->p, len);
            n += len;
            ps->p += len;
            continue;
        }
        /* an escape; the scan above guarantees its second byte is before close */
        const char *simple = strchr("\"\\/bfnrt", ps->p[1]);
        if (ps->p[1] != 'u') {
            if (!ps->p[1] || !simple) { json__fail(ps, "invalid escape"); goto fail; }
            buf[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
            ps->p += 2;
            continue;
        }
        long cp = close - ps->p >= 6 ? json__hex4(ps->p + 2) : -1;
        if (cp < 0) { json__fail(ps, "invalid \\u escape"); goto fail; }
        if (cp >= 0xDC00 && cp <= 0xDFFF) { json__fail(ps, "invalid surrogate pair"); goto fail; }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            long low = close - ps->p >= 12 && ps->p[6] == '\\' && ps->p[7] == 'u' ? json__hex4(ps->p + 8) : -1;
            if (low < 0xDC00 || low > 0xDFFF) { json__fail(ps, "invalid surrogate pair"); goto fail; }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            ps->p += 6;
        }
        n += json__put_utf8(buf + n, cp);
        ps->p += 6;
    }
    buf[n] = '\0';
    ps->p = close + 1;
    *out = buf;
    *out_len = n;
    return 1;
fail:
    free(buf);
    return 0;
}

/* A number per the JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static inline json_value *json__number(json_parser *ps) {
    const unsigned char *p = ps->p, *end = ps->end;
#define JSON__DIGITS() do { /* one or more, else the number is invalid at p */ \
        if (p >= end || *p < '0' || *p > '9') goto invalid; \
        while (p < end && *p >= '0' && *p <= '9') p++; \
    } while (0)
    if (p < end && *p == '-') p++;
    if (p < end && *p == '0') p++;
    else JSON__DIGITS();
    if (p < end && *p == '.') { p++; JSON__DIGITS(); }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        JSON__DIGITS();
    }
#undef JSON__DIGITS
    if (p - ps->p > JSON_MAX_NUMBER_LEN) return json__fail(ps, "number too long");
    char text[JSON_MAX_NUMBER_LEN + 1]; /* strtod needs a NUL; the grammar check keeps it from reading more */
    memcpy(text, ps->p, (size_t)(p - ps->p));
    text[p - ps->p] = '\0';
    json_value *v = json__node(ps, JSON_NUMBER);
    if (!v) return NULL;
    v->number = strtod(text, NULL); /* out of range gives +-HUGE_VAL or 0: callers check what they need */
    ps->p = p;
    return v;
invalid:
    ps->p = p;
    return json__fail(ps, p < end ? "invalid number" : "unexpected end of input");
}

static inline json_value *json__value(json_parser *ps);

/* The array or object whose opening bracket is at ps->p. */
static inline json_value *json__container(json_parser *ps, json_type type) {
    const unsigned char close = type == JSON_ARRAY ? ']' : '}';
    const char *expected_separator = type == JSON_ARRAY ? "expected ',' or ']'" : "expected ',' or '}'";
    if (++ps->depth > JSON_MAX_DEPTH) return json__fail(ps, "nesting too deep");
    json_value *v = json__node(ps, type), **tail;
    if (!v) return NULL;
    tail = &v->children;
    ps->p++;
    json__skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ps->depth--;
        return v;
    }
    for (;;) {
        char *key = NULL;
        size_t key_length = 0;
        if (type == JSON_OBJECT) {
            json__skip_ws(ps);
            if (ps->p >= ps->end) { json__fail(ps, "unexpected end of input"); goto fail; }
            if (*ps->p != '"') { json__fail(ps, "expected a string key"); goto fail; }
            if (!json__string(ps, &key, &key_length)) goto fail;
            json__skip_ws(ps);
            if (!json__expect(ps, ':', "expected ':'")) { free(key); goto fail; }
        }
        json_value *child = json__value(ps);
        if (!child) { free(key); goto fail; }
        child->key = key;
        child->key_length = key_length;
        *tail = child;
        tail = &child->next;
        v->length++;
        json__skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (!json__expect(ps, close, expected_separator)) goto fail;
        ps->depth--;
        return v;
    }
fail:
    json_free(v);
    return NULL;
}

static inline json_value *json__literal(json_parser *ps, const char *word, json_type type, int boolean) {
    size_t n = strlen(word);
    for (size_t i = 0; i < n; i++, ps->p++) {
        if (ps->p >= ps->end) return json__fail(ps, "unexpected end of input");
        if (*ps->p != (unsigned char)word[i]) return json__fail(ps, "unexpected character");
    }
    json_value *v = json__node(ps, type);
    if (v) v->boolean = boolean;
    return v;
}

static inline json_value *json__value(json_parser *ps) {
    json__skip_ws(ps);
    if (ps->p >= ps->end) return json__fail(ps, "unexpected end of input");
    switch (*ps->p) {
    case '{': return json__container(ps, JSON_OBJECT);
    case '[': return json__container(ps, JSON_ARRAY);
    case 't': return json__literal(ps, "true", JSON_BOOL, 1);
    case 'f': return json__literal(ps, "false", JSON_BOOL, 0);
    case 'n': return json__literal(ps, "null", JSON_NULL, 0);
    case '"': {
        json_value *v = json__node(ps, JSON_STRING);
        if (v && !json__string(ps, &v->string, &v->length)) { free(v); return NULL; }
        return v;
    }
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) return json__number(ps);
        return json__fail(ps, "unexpected character");
    }
}

/*
 * Parses text[0..len) as one JSON value. Returns the tree (free it with json_free), or NULL with
 * *error set to a static message and *error_at to the byte offset where parsing stopped.
 */
static inline json_value *json_parse(const char *text, size_t len, const char **error, size_t *error_at) {
    json_parser ps = {(const unsigned char *)text, (const unsigned char *)text,
                      (const unsigned char *)text + len, 0, NULL, 0};
    json_value *v = json__value(&ps);
    if (v) {
        json__skip_ws(&ps);
        if (ps.p < ps.end) {
            json__fail(&ps, "trailing characters");
            json_free(v);
            v = NULL;
        }
    }
    *error = ps.error;
    *error_at = ps.error_at;
    return v;
}

/* ---------------------------------------------------------------------------------------------- */
/* Reading values                                                                                  */

/* The first member of obj named key, or NULL (also when obj is not an object). */
static inline const json_value *json_get(const json_value *obj, const char *key) {
    if (!obj || obj->type != JSON_OBJECT) return NULL;
    size_t n = strlen(key);
    for (const json_value *m = obj->children; m; m = m->next)
        if (m->key_length == n && memcmp(m->key, key, n) == 0) return m;
    return NULL;
}

/* v as a C string if it is a non-empty JSON string without NUL bytes (so strcmp sees all of it), else NULL. */
static inline const char *json_text(const json_value *v) {
    if (!v || v->type != JSON_STRING || v->length == 0 || strlen(v->string) != v->length) return NULL;
    return v->string;
}

/* 1 and *out = v if v is a whole number from 1 to 2^53 - 1 (2 and 2.0 alike), else 0. */
static inline int json_positive_integer(const json_value *v, long long *out) {
    if (!v || v->type != JSON_NUMBER || !(v->number >= 1 && v->number <= JSON_MAX_SAFE_INTEGER)
        || v->number != floor(v->number)) return 0;
    *out = (long long)v->number;
    return 1;
}

/* ---------------------------------------------------------------------------------------------- */
/* JSON handler glue: every reply is Status + Content-Type: application/json + a JSON body.        */

/* Writes the CGI header block (extra_headers: "" or lines like "Allow: POST\n"); the JSON body follows. */
static inline void json_reply_begin(int status, const char *extra_headers) {
    printf("Status: %d\n%sContent-Type: application/json\n\n", status, extra_headers);
}

static inline int json__reply_error(int status, const char *extra_headers, const char *message) {
    json_reply_begin(status, extra_headers);
    fputs("{\"error\":", stdout);
    wagi_json_cstr(stdout, message);
    fputs("}", stdout);
    return 0;
}

/* Replies {"error": message} with the status; returns 0 so main can `return json_reply_error(...)`. */
static inline int json_reply_error(int status, const char *message) {
    return json__reply_error(status, "", message);
}

/*
 * 1 if the request is `method path` (an empty PATH_INFO counts as "/"). Otherwise replies
 * 404 {"error":"not found: use POST /x"} or 405 (with Allow) and returns 0.
 */
static inline int json_route(const char *method, const char *path) {
    const char *got_path = wagi_env("PATH_INFO", "");
    char message[128];
    if (strcmp(*got_path ? got_path : "/", path) != 0) {
        snprintf(message, sizeof message, "not found: use %s %s", method, path);
        json_reply_error(404, message);
        return 0;
    }
    if (strcmp(wagi_env("REQUEST_METHOD", ""), method) != 0) {
        char allow[64];
        snprintf(message, sizeof message, "method not allowed: use %s %s", method, path);
        snprintf(allow, sizeof allow, "Allow: %s\n", method);
        json__reply_error(405, allow, message);
        return 0;
    }
    return 1;
}

/*
 * Reads the request body as a JSON object (free it with json_free). On failure replies 400
 * ({"error":"invalid JSON: <what> at byte <n>"} or "body must be a JSON object"; an empty body
 * counts as null) or 500 (body unreadable) and returns NULL.
 */
static inline json_value *json_read_object(void) {
    size_t len;
    char *body = wagi_read_all_stdin(&len);
    if (!body) return json_reply_error(500, "could not read the request body"), NULL;
    const char *error = NULL;
    size_t error_at = 0;
    json_value *v = len ? json_parse(body, len, &error, &error_at) : NULL;
    free(body);
    if (len && !v) {
        char message[128];
        snprintf(message, sizeof message, "invalid JSON: %s at byte %zu", error, error_at);
        return json_reply_error(400, message), NULL;
    }
    if (!v || v->type != JSON_OBJECT) {
        json_free(v);
        return json_reply_error(400, "body must be a JSON object"), NULL;
    }
    return v;
}

#endif /* MIK_JSON_H */
