"""A seeded synthetic organisation, recorded through the application, for the
demo, the benchmark and tests."""

from domain.synthetic.organisation import (
    BENCHMARK_CHECK_INS,
    DEMO_CHECK_INS,
    SyntheticSummary,
    generate_organisation,
)

__all__ = ["BENCHMARK_CHECK_INS", "DEMO_CHECK_INS", "SyntheticSummary", "generate_organisation"]
