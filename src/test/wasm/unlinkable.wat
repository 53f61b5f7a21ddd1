;; unlinkable - imports a function no host provides: compiles, but every instantiation fails; proves a run whose
;; instance cannot be made gives back the memory it reserved for it.
(module
  (import "env" "missing" (func $missing))
  (memory 2)
  (func (export "_start") (call $missing)))
