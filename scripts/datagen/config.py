"""Generator settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class GeneratorConfig:
    """Size and seed of a synthetic network.

    ``start`` is the first day of the first month of DMS activity; the data run for ``months``
    calendar months from there. The same config always produces the same tables.
    """

    stores: int = 6
    months: int = 24
    start: date = field(default_factory=lambda: date(2024, 1, 1))
    seed: int = 42

    def __post_init__(self) -> None:
        if self.stores < 1:
            raise ValueError(f"stores must be >= 1, got {self.stores}")
        if self.months < 1:
            raise ValueError(f"months must be >= 1, got {self.months}")
        if self.start.day != 1:
            raise ValueError(f"start must be the first day of a month, got {self.start}")
