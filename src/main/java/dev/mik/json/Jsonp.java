package dev.mik.json;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;

import java.io.Reader;

/**
 * JSON-P through one provider, looked up once. {@link jakarta.json.Json}'s static methods look the provider up again
 * on every call, which is a {@link java.util.ServiceLoader} scan of the class path under the application class
 * loader's lock: under a storm of requests that each write a problem document, every request thread queued on that
 * lock, and a liveness probe waited over a second behind them (measured with JFR in {@code PressureIT}).
 */
public final class Jsonp {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    private Jsonp() {
    }

    public static JsonObjectBuilder objectBuilder() {
        return PROVIDER.createObjectBuilder();
    }

    public static JsonArrayBuilder arrayBuilder() {
        return PROVIDER.createArrayBuilder();
    }

    public static JsonReader reader(Reader in) {
        return PROVIDER.createReader(in);
    }

    public static JsonParser parser(Reader in) {
        return PROVIDER.createParser(in);
    }

    public static JsonString value(String text) {
        return PROVIDER.createValue(text);
    }
}
