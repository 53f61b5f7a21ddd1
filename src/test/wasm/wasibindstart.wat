;; wasibindstart - red team (2026-12-01): its start section asks for the environment while it is instantiated, when no
;; run is bound; it must get none (an error), never the environment of a run the thread ran before.
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $early (drop (call $sizes (i32.const 0) (i32.const 4))))
  (start $early)
  (func (export "_start")))
