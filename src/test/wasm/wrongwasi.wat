;; wrongwasi - imports WASI's fd_write with the wrong signature: it parses, but no instance can be linked, so it is
;; module-invalid, remembered until the file changes.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $fd_write (i32.const 0))))
