"""parsers/month_names.py is what tools/gen_month_names.py writes from CLDR (Babel): regenerated, equal."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from parsers.month_names import MONTH_NAMES

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_month_names", ROOT / "tools" / "gen_month_names.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_month_names_module_is_the_generated_one() -> None:
    generator = _generator()
    names = generator.month_names()
    assert names == MONTH_NAMES
    assert (ROOT / "parsers" / "month_names.py").read_text(encoding="utf-8") == generator.source(names)
    assert (MONTH_NAMES["märz"], MONTH_NAMES["марта"], MONTH_NAMES["listopada"], MONTH_NAMES["مارس"]) == (3, 3, 11, 3)
