;; slowstart - a module whose instantiation alone takes a millisecond or more on any machine: one fixed table of a
;; million slots (min = max, so it is not growable), filled at every instantiation, and a page of memory. mik makes
;; instances ahead only for modules at least this slow to instantiate (ModuleVersion.PREPARE_AHEAD_NANOS), so the
;; tests of ready instances use it rather than a demo module whose speed depends on the machine. It writes nothing.
(module
  (table 1000000 1000000 funcref)
  (memory 1)
  (func (export "_start")))
