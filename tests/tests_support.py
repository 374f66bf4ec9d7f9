"""Paths shared by tests (importable because pytest puts tests/ on sys.path)."""

from pathlib import Path

LOCOMO = Path(__file__).resolve().parents[2] / "shared" / "data" / "locomo" / "locomo10_dev.json"
