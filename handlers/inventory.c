/*
 * inventory - checks a basket against a small built-in catalogue (checkout demo).
 *
 *   POST /check  {"items": [{"sku": "MUG-01", "qty": 2}, ...]}
 *     200 {"available":true,"missing":[],"total":2500}
 *   An item is missing when its sku is not in CATALOGUE or its qty exceeds the stock; each item is
 *   checked on its own, and missing lists the sku of every missing item in request order.
 *   available = no item is missing. total = sum of price x qty over the items that are not missing,
 *   in integer cents (2500 = 25.00). An empty items array is available with total 0.
 *     400 {"error":"..."}  body not JSON or not an object, items not an array, an item without a
 *                          non-empty string sku, or a qty that is not a whole number from 1 to 2^53-1
 *   another path: 404; another method on /check: 405 (with Allow: POST).
 */
#include "json.h"

/* Prices are integer cents; HOODIE-L has little stock and POSTER-A2 none, to show the missing path. */
static const struct product {
    const char *sku, *name;
    long long price_cents, stock;
} CATALOGUE[] = {
    {"MUG-01", "Coffee mug", 1250, 10},
    {"TSHIRT-M", "T-shirt, size M", 2000, 5},
    {"STICKERS", "Sticker pack", 300, 100},
    {"HOODIE-L", "Hoodie, size L", 4500, 2},
    {"POSTER-A2", "Poster, A2", 1500, 0},
};

static const struct product *find_product(const char *sku) {
    for (size_t i = 0; i < sizeof CATALOGUE / sizeof CATALOGUE[0]; i++)
        if (strcmp(sku, CATALOGUE[i].sku) == 0) return &CATALOGUE[i];
    return NULL;
}

/* The product if the item can be supplied, else NULL. */
static const struct product *supply(const char *sku, long long qty) {
    const struct product *p = find_product(sku);
    return p && qty <= p->stock ? p : NULL;
}

static int bad_item(json_value *body, size_t index, const char *what) {
    char message[96];
    snprintf(message, sizeof message, "items[%zu].%s", index, what);
    json_free(body);
    return json_reply_error(400, message);
}

int main(void) {
    if (!json_route("POST", "/check")) return 0;
    json_value *body = json_read_object();
    if (!body) return 0;
    const json_value *items = json_get(body, "items");
    if (!items || items->type != JSON_ARRAY) {
        json_free(body);
        return json_reply_error(400, "items must be an array");
    }

    long long total = 0, qty;
    int available = 1;
    size_t index = 0;
    for (const json_value *item = items->children; item; item = item->next, index++) {
        const char *sku = json_text(json_get(item, "sku"));
        if (!sku) return bad_item(body, index, "sku must be a non-empty string");
        if (!json_positive_integer(json_get(item, "qty"), &qty))
            return bad_item(body, index, "qty must be a positive integer");
        const struct product *p = supply(sku, qty);
        if (p) total += p->price_cents * qty; /* qty <= stock here, so this cannot overflow */
        else available = 0;
    }

    json_reply_begin(200, "");
    printf("{\"available\":%s,\"missing\":[", available ? "true" : "false");
    int first = 1;
    for (const json_value *item = items->children; item; item = item->next) {
        const char *sku = json_text(json_get(item, "sku"));
        json_positive_integer(json_get(item, "qty"), &qty);
        if (supply(sku, qty)) continue;
        if (!first) fputs(",", stdout);
        first = 0;
        wagi_json_cstr(stdout, sku);
    }
    printf("],\"total\":%lld}", total);
    json_free(body);
    return 0;
}
