;; trapstart - its start function traps during instantiation: module-invalid, never a per-request stack trace.
(module
  (memory (export "memory") 1)
  (func $boom unreachable)
  (start $boom)
  (func (export "_start")))
