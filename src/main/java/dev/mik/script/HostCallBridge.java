package dev.mik.script;

import dev.mik.http.HttpRequests;
import dev.mik.http.ServerInfo;
import dev.mik.json.Jsonp;
import dev.mik.observability.Span;
import dev.mik.observability.TraceContext;
import dev.mik.observability.Tracing;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemResponses;
import dev.mik.problem.ProblemType;
import dev.mik.run.HandlerCalls;
import dev.mik.run.HandlerPool;
import dev.mik.run.HandlerRequest;
import dev.mik.run.HandlerResponse;
import dev.mik.run.ModuleName;
import dev.mik.sandbox.HostBridge;
import dev.mik.sandbox.JsonShape;
import dev.mik.sandbox.ScriptSandbox;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A script run's side of {@code host.call}: turns the script's {@link CallOptions} into a handler request, runs it in
 * the {@link HandlerPool} (same limits, breaker and executor as {@code /run}), and answers a JSON result. Failures are
 * results ({@code {status, error, body}}), never exceptions. Every call carries the script request's
 * {@code X-Request-ID} and a child span of its trace, and ends no later than what the sandbox says is left of the
 * script's deadline.
 */
final class HostCallBridge implements HostBridge {

    /** What a call produced, kept so a script that returns a call's result can pass it through unchanged. */
    sealed interface Outcome permits Answered, Failed {

        /** The HTTP status the call ended with. */
        int status();
    }

    record Answered(HandlerResponse response) implements Outcome {

        @Override
        public int status() {
            return response.status();
        }
    }

    record Failed(ProblemException problem) implements Outcome {

        @Override
        public int status() {
            return problem.type().status();
        }
    }

    /** The script request a bridge serves: where it arrived and how it is correlated. */
    record Origin(String contextPath, String baseUrl, ServerInfo server, String requestId,
                  TraceContext trace) {
    }

    private final HandlerCalls handlers;
    private final ProblemResponses problems;
    private final Origin origin;
    private final List<Outcome> outcomes = new ArrayList<>();

    HostCallBridge(HandlerCalls handlers, ProblemResponses problems, Origin origin) {
        this.handlers = handlers;
        this.problems = problems;
        this.origin = origin;
    }

    @Override
    public String call(String module, String optionsJson, long remainingNanos) {
        // the run's deadline as the sandbox handed it, read again once the request is ready
        long deadline = System.nanoTime() + remainingNanos;
        Outcome outcome;
        try {
            Function<TraceContext, HandlerRequest> request = request(module, optionsJson);
            // a call refused before it is sent (bad name or options) has no span
            try (Span span = Tracing.spans().child("host.call", origin.trace()).attribute("mik.module", module)) {
                outcome = send(request.apply(span.context()), deadline);
                span.status(outcome.status());
            }
        } catch (ProblemException refused) {
            outcome = new Failed(refused);
        }
        outcomes.add(outcome);
        return result(outcome).toString();
    }

    private Outcome send(HandlerRequest request, long deadline) {
        try {
            long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMs <= 0) {
                throw new ProblemException(ProblemType.TIMEOUT, "The script's deadline passed before this call.");
            }
            return new Answered(handlers.call(request, remainingMs));
        } catch (ProblemException problem) {
            return new Failed(problem);
        }
    }

    Outcome outcome(int index) {
        return outcomes.get(index);
    }

    /** The handler request the options ask for, given the call's own span (the handler's {@code traceparent}). */
    private Function<TraceContext, HandlerRequest> request(String module, String optionsJson) {
        ModuleName name = new ModuleName(module);
        CallOptions options = CallOptions.parse(optionsJson);
        String scriptName = name.mountedUnder(origin.contextPath());
        String fullUrl = name.url(origin.baseUrl(), options.path(), options.query());
        String rawPath = HttpRequests.encodePath(options.path());
        byte[] body = options.bodyBytes();
        return trace -> new HandlerRequest(name, options.method(), options.path(), rawPath, options.query(),
                options.headers(), body, scriptName, fullUrl, origin.server(), origin.requestId(),
                trace.traceparent());
    }

    private JsonObject result(Outcome outcome) {
        if (outcome instanceof Failed failed) {
            ProblemException problem = failed.problem();
            return Jsonp.objectBuilder()
                    .add("status", problem.type().status())
                    .add("error", errorCode(problem.type()))
                    .add("headers", Jsonp.objectBuilder().add("content-type", ProblemResponses.MEDIA_TYPE))
                    .add("body", problems.body(problem))
                    .build();
        }
        HandlerResponse response = ((Answered) outcome).response();
        JsonObjectBuilder headers = Jsonp.objectBuilder();
        Map<String, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : response.headers()) {
            seen.merge(header.getKey().toLowerCase(Locale.ROOT), header.getValue(), (a, b) -> a + ", " + b);
        }
        seen.forEach(headers::add);
        return Jsonp.objectBuilder()
                .add("status", response.status())
                .add("headers", headers)
                .add("body", body(response))
                .build();
    }

    /**
     * The {@code error} a script matches on: the script contract's codes, with every other server-side failure of
     * the handler (memory, invalid output, oversized output, unloadable module) reported as {@code HANDLER_ERROR};
     * the precise code stays in {@code body.code}.
     */
    static String errorCode(ProblemType type) {
        return switch (type) {
            case MODULE_NOT_FOUND, RATE_LIMITED, CIRCUIT_OPEN, TIMEOUT, OVERLOADED, INVALID_NAME, BAD_REQUEST ->
                    type.code();
            default -> type.fault() == ProblemType.Fault.CALLER ? type.code() : "HANDLER_ERROR";
        };
    }

    /**
     * Parsed JSON when the handler said it answered JSON (and it parses, and the sandbox can build it: at most
     * {@value ScriptInput#MAX_OBJECT_MEMBERS} members in one object and {@value ScriptSandbox#MAX_INPUT_NESTING}
     * levels, the script input's limits), else the text.
     */
    static JsonValue body(HandlerResponse response) {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        String type = response.header("Content-Type");
        if (type != null && type.toLowerCase(Locale.ROOT).contains("json") && !text.isBlank()
                && JsonShape.widest(text, ScriptInput.MAX_OBJECT_MEMBERS) <= ScriptInput.MAX_OBJECT_MEMBERS
                && JsonShape.depth(text) <= ScriptSandbox.MAX_INPUT_NESTING) {
            try (var reader = Jsonp.reader(new StringReader(text))) {
                return reader.readValue();
            } catch (JsonParsingException notJson) {
                return Jsonp.value(text);
            }
        }
        return Jsonp.value(text);
    }
}
