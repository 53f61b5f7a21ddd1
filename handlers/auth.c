/*
 * auth - verifies a demo bearer token (checkout demo).
 *
 *   POST /verify  {"token": "demo-token-alice"}
 *     200 {"userId":"u-alice","email":"alice@example.com"}   token is in USERS below
 *     401 {"error":"invalid token"}                           any other non-empty string
 *     400 {"error":"..."}                                     body not JSON, not an object, token not a non-empty string
 *   another path: 404; another method on /verify: 405 (with Allow: POST).
 *
 * Stateless: the demo users are the fixed table below, nothing else is looked up.
 */
#include "json.h"

static const struct user {
    const char *token, *user_id, *email;
} USERS[] = {
    {"demo-token-alice", "u-alice", "alice@example.com"},
    {"demo-token-bob", "u-bob", "bob@example.com"},
    {"demo-token-carol", "u-carol", "carol@example.com"},
};

int main(void) {
    if (!json_route("POST", "/verify")) return 0;
    json_value *body = json_read_object();
    if (!body) return 0;
    const char *token = json_text(json_get(body, "token"));
    if (!token) return json_reply_error(400, "token must be a non-empty string");

    for (size_t i = 0; i < sizeof USERS / sizeof USERS[0]; i++) {
        if (strcmp(token, USERS[i].token) != 0) continue;
        json_reply_begin(200, "");
        fputs("{\"userId\":", stdout);
        wagi_json_cstr(stdout, USERS[i].user_id);
        fputs(",\"email\":", stdout);
        wagi_json_cstr(stdout, USERS[i].email);
        fputs("}", stdout);
        json_free(body);
        return 0;
    }
    json_free(body);
    return json_reply_error(401, "invalid token");
}
