"""Curated safe-migration knowledge: content, validator, normaliser, retriever and regions."""
