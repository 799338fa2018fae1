"""Support for `python -m xapi.bench_lrs`: settings and URLs the benchmark server runs with."""
