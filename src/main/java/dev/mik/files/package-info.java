/**
 * Files of the handlers and scripts directories: one stat says whether a file changed ({@code FileStamp}), the
 * loaded version of each file that modules and scripts share ({@code FileVersions}), listings by suffix, and the
 * SHA-256 digests discovery shows.
 */
package dev.mik.files;
