;; wasibind - red team (2026-12-01) of the shared WASI forwarding functions: every export first writes the run's
;; whole environment to stdout, then ends its own way (returns, traps, proc_exit(0), spins until interrupted).
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 2)
  (func $dump
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (drop (call $environ (i32.const 1024) (i32.const 8192)))
    (i32.store (i32.const 16) (i32.const 8192))
    (i32.store (i32.const 20) (i32.load (i32.const 4)))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
  (func (export "_start") (call $dump))
  (func (export "trap") (call $dump) unreachable)
  (func (export "exit") (call $dump) (call $exit (i32.const 0)))
  (func (export "spin") (call $dump) (loop $l (br $l))))
