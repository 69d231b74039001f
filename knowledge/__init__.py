"""Curated safe-migration knowledge: content files, loader and validator, normaliser, retriever, regions."""
