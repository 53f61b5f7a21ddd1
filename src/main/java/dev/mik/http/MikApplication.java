package dev.mik.http;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** All of mik's endpoints hang off the application's context root: {@code /run/…}, {@code /script/…}. */
@ApplicationPath("/")
public class MikApplication extends Application {
}
