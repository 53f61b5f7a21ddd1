;; growedges - red team (2026-12-01) of GrowthLimit held by PagedMemory itself: memory.grow at its edge values, then
;; grows of one page until refused, then memory.fill and memory.copy at the last byte; writes its 8 answers (i32, little
;; endian) to stdout. "fillpast"/"copypast"/"storepast" touch one byte past the end after growing to the limit.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (func $fill
    (local $n i32)
    (block $done (loop $more
      (br_if $done (i32.lt_s (memory.grow (i32.const 1)) (i32.const 0)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $more)))
    (i32.store (i32.const 20) (local.get $n)))
  (func $end (result i32) (i32.mul (memory.size) (i32.const 65536)))
  (func (export "_start")
    (i32.store (i32.const 0) (memory.grow (i32.const 0)))
    (i32.store (i32.const 4) (memory.grow (i32.const -1)))
    (i32.store (i32.const 8) (memory.grow (i32.const 0x7fffffff)))
    (i32.store (i32.const 12) (memory.grow (i32.const 0x80000000)))
    (i32.store (i32.const 16) (memory.grow (i32.const 65536)))
    (call $fill)
    (i32.store (i32.const 24) (memory.size))
    (memory.fill (i32.sub (call $end) (i32.const 1)) (i32.const 0xab) (i32.const 1))
    (memory.copy (i32.sub (call $end) (i32.const 2)) (i32.sub (call $end) (i32.const 1)) (i32.const 1))
    (i32.store (i32.const 28) (i32.load16_u (i32.sub (call $end) (i32.const 2))))
    (i32.store (i32.const 100) (i32.const 0))
    (i32.store (i32.const 104) (i32.const 32))
    (drop (call $write (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 108))))
  (func (export "fillpast") (call $fill)
    (memory.fill (i32.sub (call $end) (i32.const 1)) (i32.const 1) (i32.const 2)))
  (func (export "copypast") (call $fill)
    (memory.copy (i32.sub (call $end) (i32.const 1)) (i32.const 0) (i32.const 2)))
  (func (export "storepast") (call $fill)
    (i32.store (i32.sub (call $end) (i32.const 3)) (i32.const -1))))
