;; A hostile guest that takes stdin away from descriptor 0, then reads descriptor 0 again: what it reads (and the
;; read's errno, as one digit) is its response body. After fd_close(0) or fd_renumber(x, 0) the body must not come
;; back through descriptor 0. Each export is one way of moving stdin (StdinRedTeamTest).
(module
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func $renumber (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "Content-Type: text/plain\n\n")

  ;; reads descriptor 0 into 100..164, then writes the header, the errno digit and what was read to descriptor $out
  (func $readZeroAndAnswer (param $out i32)
    (i32.store (i32.const 300) (i32.const 100))
    (i32.store (i32.const 304) (i32.const 64))
    (i32.store8 (i32.const 99)
      (i32.add (i32.const 48) (call $read (i32.const 0) (i32.const 300) (i32.const 1) (i32.const 200))))
    (i32.store (i32.const 400) (i32.const 0))
    (i32.store (i32.const 404) (i32.const 26))
    (i32.store (i32.const 408) (i32.const 99))
    (i32.store (i32.const 412) (i32.add (i32.const 1) (i32.load (i32.const 200))))
    (drop (call $write (local.get $out) (i32.const 400) (i32.const 2) (i32.const 500))))

  ;; stdin closed
  (func (export "_start")
    (drop (call $close (i32.const 0)))
    (call $readZeroAndAnswer (i32.const 1)))

  ;; stderr moved onto descriptor 0
  (func (export "stderr_onto_stdin")
    (drop (call $renumber (i32.const 2) (i32.const 0)))
    (call $readZeroAndAnswer (i32.const 1)))

  ;; stdin moved to descriptor 2: descriptor 0 is empty, descriptor 2 is the body (Chicory's read of it)
  (func (export "stdin_onto_stderr")
    (drop (call $renumber (i32.const 0) (i32.const 2)))
    (call $readZeroAndAnswer (i32.const 1)))

  ;; nothing moved: the body, through mik's own read
  (func (export "untouched")
    (call $readZeroAndAnswer (i32.const 1)))

  ;; renumbered onto itself: still stdin
  (func (export "stdin_onto_itself")
    (drop (call $renumber (i32.const 0) (i32.const 0)))
    (call $readZeroAndAnswer (i32.const 1))))
