// The Neo4j server's JVM heap right now (benchmarks sample it while analytics run).
// Params: none
// Returns: used, committed, max (bytes)
CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes
WITH attributes.HeapMemoryUsage.value.properties AS heap
RETURN heap.used AS used, heap.committed AS committed, heap.max AS max
