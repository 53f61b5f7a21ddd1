package dev.mik.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.UriInfo;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class DispatchTest {

    @Test
    void aDispatchIsKnownOnceMatchedAndForgottenWhenItsFilterEnds() {
        HttpServletRequest outerRequest = stub(HttpServletRequest.class);
        HttpServletRequest innerRequest = stub(HttpServletRequest.class);
        UriInfo outerUri = stub(UriInfo.class);
        UriInfo innerUri = stub(UriInfo.class);

        Dispatch before = Dispatch.begin(outerRequest);
        assertNull(before);
        assertNull(Dispatch.current(), "not matched yet");
        Dispatch.matching(outerUri);
        assertSame(outerRequest, Dispatch.current().servlet());
        assertSame(outerUri, Dispatch.current().uri());

        // a nested dispatch on the same thread (a forward) sees its own, and the outer one comes back after it
        Dispatch outer = Dispatch.begin(innerRequest);
        Dispatch.matching(innerUri);
        assertSame(innerRequest, Dispatch.current().servlet());
        assertSame(innerUri, Dispatch.current().uri());
        Dispatch.end(outer);
        assertSame(outerRequest, Dispatch.current().servlet());
        assertSame(outerUri, Dispatch.current().uri());

        Dispatch.end(before);
        assertNull(Dispatch.current(), "the thread keeps nothing");
    }

    @Test
    void matchingOutsideADispatchLeavesNothingOnTheThread() {
        Dispatch.matching(stub(UriInfo.class));
        assertNull(Dispatch.current());
        Dispatch outer = Dispatch.begin(stub(HttpServletRequest.class));
        assertNull(Dispatch.current(), "an earlier request's view is not this one's");
        Dispatch.end(outer);
    }

    private static <T> T stub(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                method.getName().equals("equals") ? proxy == args[0] : null));
    }
}
