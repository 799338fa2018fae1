"""The LRS benchmark (`python -m bench.lrs.measure`): the measuring code, and the settings
and URLs of the server it measures. `bench/bench_lrs.py` runs it from `make bench`.
"""
