package dev.mik.http;

/** Where a request arrived: the CGI server variables a handler is given, also for the calls a script makes. */
public record ServerInfo(String name, int port, String protocol, String remoteAddr) {
}
