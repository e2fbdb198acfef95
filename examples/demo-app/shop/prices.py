"""Prices in integer cents. The catalog is read from catalog.json (a data file, not an import)."""

import json
from pathlib import Path

CATALOG = json.loads((Path(__file__).parent / "catalog.json").read_text(encoding="utf-8"))


def price_of(sku: str) -> int:
    """Unit price in cents; KeyError for an unknown sku."""
    if sku not in CATALOG:
        raise KeyError(f"unknown sku: {sku}")
    return CATALOG[sku]


def apply_discount(cents: int, percent: int) -> int:
    """Takes `percent` off, rounding half up to the cent."""
    if not 0 <= percent <= 100:
        raise ValueError(f"discount must be 0..100, got {percent}")
    return cents - (cents * percent + 50) // 100


def format_cents(cents: int, symbol: str = "€") -> str:
    sign = "-" if cents < 0 else ""
    whole, fraction = divmod(abs(cents), 100)
    return f"{sign}{symbol}{whole:,}.{fraction:02d}"
