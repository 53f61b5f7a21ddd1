;; multigrow - starts small, then grows four linear memories by 32 MiB each (128 MiB in all): proves the cap
;; applies to the sum of an instance's memories, so a grow past it is refused and reported as memory-limit.
;; It traps when a grow is refused; if every grow succeeded it would exit without output (invalid-output).
(module
  (memory 1) (memory 1) (memory 1) (memory 1)
  (func $grow (param $ok i32)
    (if (i32.lt_s (local.get $ok) (i32.const 0)) (then unreachable)))
  (func (export "_start")
    (call $grow (memory.grow 0 (i32.const 512)))
    (call $grow (memory.grow 1 (i32.const 512)))
    (call $grow (memory.grow 2 (i32.const 512)))
    (call $grow (memory.grow 3 (i32.const 512)))))
