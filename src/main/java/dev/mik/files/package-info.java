/**
 * Files of the handlers and scripts directories: one stat says whether a file changed ({@code FileStamp}),
 * listings by suffix, and the SHA-256 digests discovery shows.
 */
package dev.mik.files;
