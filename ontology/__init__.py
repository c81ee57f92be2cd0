"""The EU-ALMPO vocabulary: the one place node labels, relationship types and URIs are defined.

Everything else imports it; it imports nothing of ours.
"""
