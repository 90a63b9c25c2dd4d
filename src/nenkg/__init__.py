"""NENKG: the neuroendocrine neoplasm knowledge graph (ontology, checks, queries, tools)."""

__version__ = "0.1.0"
