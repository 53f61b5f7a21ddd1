/*
 * orders - "creates" an order (checkout demo). Nothing is stored: the id is derived from the input,
 * so the same order always gets the same id (a retried request cannot create a second order).
 *
 *   POST /create  {"userId": "u-alice", "items": [{"sku": "MUG-01", "qty": 2}], "paymentId": "p-1a2b3c4d"}
 *     201 {"id":"o-xxxxxxxx"}
 *   id = "o-" + 8 lower-case hex digits of the 32-bit FNV-1a hash of the canonical order
 *        {"userId":...,"paymentId":...,"items":[{"sku":...,"qty":N},...]}
 *   (compact, members in that order, qty as an integer, items in request order, other members ignored).
 *     400 {"error":"..."}  body not JSON or not an object; userId or paymentId not a non-empty string;
 *                          items not a non-empty array of {sku: non-empty string, qty: positive integer}
 *   another path: 404; another method on /create: 405 (with Allow: POST).
 */
#include "json.h"

static uint32_t fnv1a32(const char *data, size_t len) {
    uint32_t hash = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        hash ^= (unsigned char)data[i];
        hash *= 16777619u;
    }
    return hash;
}

static int bad_request(json_value *body, const char *message) {
    json_free(body);
    return json_reply_error(400, message);
}

int main(void) {
    if (!json_route("POST", "/create")) return 0;
    json_value *body = json_read_object();
    if (!body) return 0;
    const char *user_id = json_text(json_get(body, "userId"));
    const json_value *items = json_get(body, "items");
    const char *payment_id = json_text(json_get(body, "paymentId"));
    if (!user_id) return bad_request(body, "userId must be a non-empty string");
    if (!items || items->type != JSON_ARRAY || items->length == 0)
        return bad_request(body, "items must be a non-empty array");
    if (!payment_id) return bad_request(body, "paymentId must be a non-empty string");

    char *canonical = NULL;
    size_t canonical_len = 0;
    FILE *out = open_memstream(&canonical, &canonical_len);
    if (!out) {
        json_free(body);
        return json_reply_error(500, "out of memory");
    }
    fputs("{\"userId\":", out);
    wagi_json_cstr(out, user_id);
    fputs(",\"paymentId\":", out);
    wagi_json_cstr(out, payment_id);
    fputs(",\"items\":[", out);
    size_t index = 0;
    for (const json_value *item = items->children; item; item = item->next, index++) {
        const char *sku = json_text(json_get(item, "sku"));
        long long qty;
        char message[96] = "";
        if (!sku) snprintf(message, sizeof message, "items[%zu].sku must be a non-empty string", index);
        else if (!json_positive_integer(json_get(item, "qty"), &qty))
            snprintf(message, sizeof message, "items[%zu].qty must be a positive integer", index);
        if (*message) {
            fclose(out);
            free(canonical);
            return bad_request(body, message);
        }
        fputs(index ? ",{\"sku\":" : "{\"sku\":", out);
        wagi_json_cstr(out, sku);
        fprintf(out, ",\"qty\":%lld}", qty);
    }
    fputs("]}", out);
    fclose(out);

    json_reply_begin(201, "");
    printf("{\"id\":\"o-%08x\"}", (unsigned)fnv1a32(canonical, canonical_len));
    free(canonical);
    json_free(body);
    return 0;
}
