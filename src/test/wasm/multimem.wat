;; multimem - 16 linear memories of 64 MiB each from the start (1 GiB in one instance): proves the host counts
;; all of an instance's memories together and refuses this module at load, before allocating any of them.
(module
  (memory 1024) (memory 1024) (memory 1024) (memory 1024)
  (memory 1024) (memory 1024) (memory 1024) (memory 1024)
  (memory 1024) (memory 1024) (memory 1024) (memory 1024)
  (memory 1024) (memory 1024) (memory 1024) (memory 1024)
  (func (export "_start")))
