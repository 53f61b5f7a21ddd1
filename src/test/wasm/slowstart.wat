;; slowstart - a module whose instantiation alone takes a millisecond or more on any machine: one fixed table of a
;; million slots (min = max, so it is not growable), filled at every instantiation. mik makes instances ahead only
;; for modules at least this slow to instantiate (ModuleVersion.PREPARE_AHEAD_NANOS), so the tests of ready
;; instances use it rather than a demo module whose speed depends on the machine. It answers a plain 200.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (table 1000000 1000000 funcref)
  (memory (export "memory") 1)
  (data (i32.const 16) "Content-Type: text/plain\n\nslow start\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 37))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
