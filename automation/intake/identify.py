"""Which form a workbook is, from the Arabic labels of the catalog found on its sheets.

Used when a workbook has no ``_meta`` sheet naming its form (a form staff retyped,
or copied into another workbook). A form is identified when most of its labels are
found (:data:`MIN_COVERAGE`) and it is clearly ahead of every other form
(:data:`CLEAR_MARGIN`); otherwise the file is rejected as ``unknown-form``, naming
the forms it really shares labels with (:data:`CLOSE_MIN_LABELS`), or, sharing none,
which forms exist and where a blank one is.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from automation.catalog.model import Catalog, FieldSpec, FormSpec
from automation.core.errors import UnreadableWorkbook
from automation.core.messages import unreadable
from automation.text.arabic import normalize_name

__all__ = ["CLEAR_MARGIN", "CLOSE_MIN_LABELS", "MIN_COVERAGE", "catalog_keys", "identify",
           "label_key"]

log = logging.getLogger(__name__)

MIN_COVERAGE = 0.6
"""Share of a form's labels a sheet must show for the form to be identified."""
CLEAR_MARGIN = 0.1
"""How far (Jaccard index) the identified form must be ahead of the next one."""
CLOSE_MIN_LABELS = 2
"""Labels a form must share with the workbook to be named as close to it: one alone
(«المدرسة», «التاريخ») is in nearly every form and says nothing."""

LABEL_KEYS: dict[str, str] = {}
"""The key of every text seen (every text of a sheet's top is looked at, file after file)."""


def label_key(value: object) -> str:
    """The matching key of a label: normalized, spaces and ``:``/``*`` marks dropped."""
    if type(value) is not str:
        return _label_key(value) if isinstance(value, str) else ""
    try:
        return LABEL_KEYS[value]
    except KeyError:
        key = _label_key(value)
        if len(LABEL_KEYS) < 20_000:
            LABEL_KEYS[value] = key
        return key


def _label_key(value: str) -> str:
    if len(value) > 200:
        return ""
    return normalize_name(value).replace(" ", "").strip(":*")


_KEYS: dict[int, tuple[Catalog, dict[str, dict[str, FieldSpec]], frozenset[str]]] = {}


def catalog_keys(catalog: Catalog) -> tuple[dict[str, dict[str, FieldSpec]], frozenset[str]]:
    """Label keys of every form (by form code), and all of them; computed once per catalog."""
    cached = _KEYS.get(id(catalog))
    if cached is None or cached[0] is not catalog:
        form_keys = {
            form.code: {label_key(spec.label): spec for spec in form.fields}
            for form in catalog.forms
        }
        all_keys = frozenset(key for keys in form_keys.values() for key in keys)
        cached = _KEYS[id(catalog)] = (catalog, form_keys, all_keys)
    return cached[1], cached[2]


@dataclass
class Score:
    form: FormSpec
    sheet: str
    found: int
    total: int
    coverage: float
    jaccard: float


def identify(
    catalog: Catalog, sheets: Sequence[str], keys: dict[str, set[str]]
) -> tuple[FormSpec, str]:
    """The form whose labels the workbook shows, clearly ahead of any other, and its
    sheet; ``keys`` holds the catalog label keys found on each of ``sheets``."""
    form_keys, _ = catalog_keys(catalog)
    best: dict[str, Score] = {}
    for sheet in sheets:
        present = keys[sheet]
        for form in catalog.forms:
            wanted = form_keys[form.code].keys()
            if not wanted:
                continue
            found = len(wanted & present)
            score = Score(form, sheet, found, len(wanted), found / len(wanted),
                          found / len(wanted | present))
            current = best.get(form.code)
            if current is None or (score.jaccard, score.found) > (current.jaccard,
                                                                   current.found):
                best[form.code] = score
    order = {code: i for i, code in enumerate(catalog.codes)}
    ranked = sorted(best.values(), key=lambda s: (-s.jaccard, -s.found, order[s.form.code]))
    if ranked:
        winner = ranked[0]
        runner_up = ranked[1].jaccard if len(ranked) > 1 else 0.0
        if winner.coverage >= MIN_COVERAGE and winner.jaccard - runner_up >= CLEAR_MARGIN:
            log.info("identified %s on sheet %r (%d labels)", winner.form.code, winner.sheet,
                     winner.found)
            return winner.form, winner.sheet
    raise unknown_form(catalog, ranked)


def unknown_form(catalog: Catalog, ranked: Sequence[Score]) -> UnreadableWorkbook:
    """``unknown-form``, naming the forms that really share labels with the workbook, or,
    when none does, the forms that exist."""
    close = [s for s in ranked if s.found >= CLOSE_MIN_LABELS][:3]
    detail = ", ".join(f"{s.form.code} ({s.found}/{s.total} labels)" for s in ranked[:3])
    if close:
        found_ar = "أقرب النماذج إليه: " + "؛ ".join(
            f"{s.form.code} ({s.form.name_ar}، {s.found} من {s.total} عناوين)" for s in close
        ) + "."
        found_en = "Closest: " + ", ".join(
            f"{s.form.code} ({s.found} of {s.total} labels)" for s in close
        ) + "."
    else:
        codes = "، ".join(catalog.codes)
        found_ar = (f"ولا يشترك الملف في عنوانين مع أي نموذج. النماذج المعروفة "
                    f"({len(catalog.codes)}): {codes}.")
        found_en = (f"It shares no two labels with any form. The known forms "
                    f"({len(catalog.codes)}): {', '.join(catalog.codes)}.")
    return unreadable("unknown-form", f"the layout matches no form clearly; best: {detail}",
                      found_ar=found_ar, found_en=found_en)
