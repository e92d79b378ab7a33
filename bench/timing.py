"""Timing shared by the bench scripts. They run from the repository's root
(``python3 -m odoo shell -d DB ... < bench/bench_x.py``), where ``bench`` is importable."""

import statistics
import time


def medians(env, *funcs, repeat=5):
    """Median time of each of ``funcs`` over ``repeat`` rounds, the functions interleaved in
    each round: on a shared machine the load drifts, and every side sees the same drift.
    The record cache is emptied before each call."""
    runs = [[] for _func in funcs]
    for _round in range(repeat):
        for func, times in zip(funcs, runs, strict=True):
            env.invalidate_all()
            started = time.perf_counter()
            func()
            times.append(time.perf_counter() - started)
    return [statistics.median(times) for times in runs]
