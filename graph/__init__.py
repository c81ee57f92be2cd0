"""The knowledge graph: one `GraphStore` interface, two backends, and the projector that fills them."""
