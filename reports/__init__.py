"""Bulletins, similar requests and the metrics page: reports built from the store with domain.metrics."""
