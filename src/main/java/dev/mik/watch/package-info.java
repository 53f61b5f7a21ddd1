/**
 * One poller thread for every deadline: the scripts' guards and the handlers' run deadlines.
 */
package dev.mik.watch;
