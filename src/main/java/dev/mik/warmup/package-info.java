/**
 * Fast from the first request: at deployment every module and script is compiled ahead, rehearsed in-process,
 * then every route is requested once over loopback, all before readiness turns UP.
 */
package dev.mik.warmup;
