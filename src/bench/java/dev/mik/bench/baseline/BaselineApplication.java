package dev.mik.bench.baseline;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The benchmark's yardstick: the cheapest JAX-RS endpoints the same server can answer, at {@code /baseline/…}. */
@ApplicationPath("/")
public class BaselineApplication extends Application {
}
