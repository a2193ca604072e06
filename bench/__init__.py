"""Benchmarks (make bench): measured figures and ratios against a naive baseline, never asserted."""
