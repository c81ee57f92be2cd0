"""What users take elsewhere: the knowledge graph as RDF, GraphML and CSV (one function per format)."""
