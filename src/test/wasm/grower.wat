;; grower - grows its memory 1 MiB at a time without touching it until a grow is refused, then traps: a memory hog
;; that costs the host heap but almost no CPU, so a storm of them measures memory limits rather than memset speed.
(module
  (memory 1)
  (func (export "_start")
    (loop $more
      (br_if $more (i32.ge_s (memory.grow (i32.const 16)) (i32.const 0))))
    unreachable))
