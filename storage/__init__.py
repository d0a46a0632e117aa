"""Aggregate storage: the ``Store`` protocol and its Redis implementation."""
