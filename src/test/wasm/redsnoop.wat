;; redsnoop - red team: two memories, each checked for bytes an earlier run left behind. Memory 0 is covered
;; by one 256-byte data segment (the CGI answer and its iovec), then must be zero to its end; memory 1 holds "one"
;; at 0 and zeros after it; both then grow by 4 pages that must be zero. Any non-zero byte exits with status 7;
;; otherwise it answers "clean" and writes 0xA5 over all of both memories.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory $m0 2)
  (memory $m1 1)
  (data (memory $m0) (i32.const 0) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\6d\69\6b\00\00\00\00\00\00\00\00\00\00\00\00\00\40\00\00\00\20\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\43\6f\6e\74\65\6e\74\2d\54\79\70\65\3a\20\74\65\78\74\2f\70\6c\61\69\6e\0a\0a\63\6c\65\61\6e\0a\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")
  (data (memory $m1) (i32.const 0) "one")
  (func $dirty0 (param $from i32) (param $to i32)
    (local $p i32)
    (local.set $p (local.get $from))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $to)))
        (if (i64.ne (i64.load $m0 (local.get $p)) (i64.const 0)) (then (call $proc_exit (i32.const 7))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $next))))
  (func $dirty1 (param $from i32) (param $to i32)
    (local $p i32)
    (local.set $p (local.get $from))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $to)))
        (if (i32.ne (i32.load8_u $m1 (local.get $p)) (i32.const 0)) (then (call $proc_exit (i32.const 7))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next))))
  (func (export "_start")
    (call $dirty0 (i32.const 256) (i32.mul (memory.size $m0) (i32.const 65536)))
    (call $dirty1 (i32.const 3) (i32.mul (memory.size $m1) (i32.const 65536)))
    (drop (memory.grow $m0 (i32.const 4)))
    (drop (memory.grow $m1 (i32.const 4)))
    (call $dirty0 (i32.const 131072) (i32.mul (memory.size $m0) (i32.const 65536)))
    (call $dirty1 (i32.const 65536) (i32.mul (memory.size $m1) (i32.const 65536)))
    (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 40)))
    (memory.fill $m0 (i32.const 0) (i32.const 0xA5) (i32.mul (memory.size $m0) (i32.const 65536)))
    (memory.fill $m1 (i32.const 0) (i32.const 0xA5) (i32.mul (memory.size $m1) (i32.const 65536)))))
