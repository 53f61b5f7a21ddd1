/**
 * Every error a client sees: the problem types (code, status, title) of RFC 9457 problem+json, and the exception
 * mappers that render any failure as one.
 */
package dev.mik.problem;
