;; bigtable - three fixed-size tables of 10 million slots each (Chicory's largest; min = max, so they pass the
;; growable-table check) and no memory: proves tables count towards the instance's memory cap, so this module is
;; refused at load instead of each ready instance holding a third of a gigabyte.
(module
  (table 10000000 10000000 funcref)
  (table 10000000 10000000 funcref)
  (table 10000000 10000000 funcref)
  (func (export "_start")))
