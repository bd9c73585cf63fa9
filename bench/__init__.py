"""Throughput and query count of ``approvals.perform`` against bare django-fsm-2 + django-fsm-log.

Run with ``make bench`` (``python -m bench.run``); results are recorded in docs/benchmarks.md.
"""
