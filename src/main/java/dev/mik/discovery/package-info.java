/**
 * Discovery: what the server serves, at {@code /_mik/handlers}, {@code /_mik/handlers/{name}} and
 * {@code /_mik/scripts}. It reads the handler and script features and their API descriptions; nothing depends on it.
 */
package dev.mik.discovery;
