package dev.mik.bench;

/** One endpoint under load. */
record Target(String id, String group, String method, String path, String body) {

    /** A 1 KiB JSON document, the body of both echo rows. */
    static final String KIB_JSON = "{\"data\":\"" + "x".repeat(1024 - 11) + "\"}";

    static Target get(String id, String group, String path) {
        return new Target(id, group, "GET", path, null);
    }

    static Target post(String id, String group, String path, String body) {
        return new Target(id, group, "POST", path, body);
    }

    String request() {
        return method + " " + path;
    }
}
