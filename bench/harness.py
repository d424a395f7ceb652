"""Timing helpers shared by the benchmark modules.

Every figure is a median over repeated runs, reported next to a trivial Django view timed
in the same run, so that results can be compared across machines.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    queries: int | None = None
    ratio_to_trivial_view: float | None = None
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        data = asdict(self)
        if not data["extra"]:
            data.pop("extra")
        return data


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p95_ms: float
    queries: int


def measure(fn: Callable[[], object], *, repeats: int, warmup: int = 3) -> Timing:
    """Run `fn` repeatedly; median and p95 wall time, and the queries of one run."""
    for _ in range(warmup):
        fn()
    reset_queries()  # the capture below counts from an empty log
    with CaptureQueriesContext(connection) as captured:
        fn()
    queries = len(captured.captured_queries)  # read now: the log is a live view
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
        reset_queries()
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return Timing(statistics.median(samples), p95, queries)


def measure_get(client: Client, url: str, *, repeats: int = 200) -> Timing:
    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}")

    return measure(get, repeats=repeats)


class Context:
    """What every benchmark module receives: the yardstick and a place to put figures."""

    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.trivial = measure_get(Client(), "/__bench__/trivial", repeats=500)

    def ratio(self, milliseconds: float) -> float:
        return round(milliseconds / self.trivial.median_ms, 1)

    def add_timing(self, name: str, timing: Timing) -> None:
        self.figures.append(
            Figure(
                name=f"{name} (median)",
                value=round(timing.median_ms, 3),
                unit="ms",
                queries=timing.queries,
                ratio_to_trivial_view=self.ratio(timing.median_ms),
            )
        )
        self.figures.append(
            Figure(
                name=f"{name} (p95)",
                value=round(timing.p95_ms, 3),
                unit="ms",
                queries=timing.queries,
                ratio_to_trivial_view=self.ratio(timing.p95_ms),
            )
        )

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
