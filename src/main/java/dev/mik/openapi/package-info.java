/**
 * OpenAPI at {@code /_mik/openapi}: mik's own document, each module's {@code <module>.openapi.json} checked and
 * served as it is, and all of them merged into one document with every module's paths under {@code /run/<module>}.
 */
package dev.mik.openapi;
