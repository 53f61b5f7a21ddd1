;; importedmemory - imports its memory, which mik never provides: module-invalid.
(module
  (import "env" "memory" (memory 1))
  (func (export "_start")))
