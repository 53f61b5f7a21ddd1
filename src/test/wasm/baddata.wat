;; baddata - a data segment that ends past its memory: instantiation fails, so the module is module-invalid.
(module
  (memory (export "memory") 1)
  (data (i32.const 65535) "two")
  (func (export "_start")))
