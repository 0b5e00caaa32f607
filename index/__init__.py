"""Ingestion: corpus files → documents → units → paragraphs → a Whoosh index.

Stages, one module each, joined by the dataclasses of :mod:`index.model`:
read → clean → structure → tag → write. :func:`index.build.build` wires them.
"""
