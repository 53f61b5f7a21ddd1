;; redscribble - red team: two memories that grow by 14 and 3 pages, then 0xA5 written over both of them for
;; ever, so a page given to another run while this one is still running (timed out, interrupted) would be seen dirty.
(module
  (memory $m0 2)
  (memory $m1 1)
  (func (export "_start")
    (drop (memory.grow $m0 (i32.const 14)))
    (drop (memory.grow $m1 (i32.const 3)))
    (loop $forever
      (memory.fill $m0 (i32.const 0) (i32.const 0xA5) (i32.mul (memory.size $m0) (i32.const 65536)))
      (memory.fill $m1 (i32.const 0) (i32.const 0xA5) (i32.mul (memory.size $m1) (i32.const 65536)))
      (br $forever))))
