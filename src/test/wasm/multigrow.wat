;; multigrow - starts small, then grows four linear memories by 80 MiB each (320 MiB in all): proves the cap applies
;; to the sum of an instance's memories. Under a 256 MiB cap the fourth grow is refused (memory-limit) though each
;; memory alone stays far below it; under a 512 MiB cap every grow succeeds.
;; It traps when a grow is refused; if every grow succeeded it exits without output (invalid-output).
(module
  (memory 1) (memory 1) (memory 1) (memory 1)
  (func $grow (param $ok i32)
    (if (i32.lt_s (local.get $ok) (i32.const 0)) (then unreachable)))
  (func (export "_start")
    (call $grow (memory.grow 0 (i32.const 1280)))
    (call $grow (memory.grow 1 (i32.const 1280)))
    (call $grow (memory.grow 2 (i32.const 1280)))
    (call $grow (memory.grow 3 (i32.const 1280)))))
