"""The characters that must not reach a file: named once, composed into the patterns
the writers use.

Three variants, each for a reason:

- :data:`XML_ILLEGAL_RE`: what XML 1.0 cannot hold (C0 controls but tab, LF and CR;
  lone surrogates; U+FFFE, U+FFFF). The reader removes only these from a cell value,
  since :func:`automation.text.arabic.clean_text` later turns NEL (U+0085) into a
  space, which removing it here would glue words together; openpyxl refuses the same
  C0 controls when a blank form is written.
- :data:`CONTROL_RE`: those and DEL with the C1 controls (U+007F-U+009F): allowed in
  XML but invisible junk in a register cell.
- :data:`DOCUMENT_CONTROL_RE`: those and the bidi embeddings, overrides and isolates
  and the BOM, which could reorder what a Word document says; the zero-width joiners
  and the LRM/RLM marks stay, as they shape Arabic text on purpose. The only isolates a
  document holds are the balanced LRI … PDI pairs :func:`automation.text.bidi.isolate_ltr`
  puts around Latin runs after this cleaning.

File names have their own set (:mod:`automation.text.names`); typed text is folded by
:func:`automation.text.arabic.clean_text`.
"""

from __future__ import annotations

import re

__all__ = [
    "BIDI_CONTROLS",
    "BOM",
    "CONTROL_RE",
    "DEL_AND_C1",
    "DOCUMENT_CONTROL_RE",
    "XML_FORBIDDEN",
    "XML_ILLEGAL_RE",
    "ZERO_WIDTH",
]

XML_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
"""A character class body: what XML 1.0 cannot hold (its ``Char`` production's complement
below U+10000)."""
DEL_AND_C1 = "\x7f-\x9f"
"""DEL and the C1 controls (NEL, U+0085, among them)."""
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
"""LRE, RLE, PDF, LRO, RLO and the isolates LRI, RLI, FSI, PDI."""
ZERO_WIDTH = "\u200b-\u200f"
"""Zero-width space, non-joiner and joiner, LRM and RLM."""
BOM = "\ufeff"
"""The byte-order mark (a zero-width no-break space inside text)."""

XML_ILLEGAL_RE = re.compile(f"[{XML_FORBIDDEN}]")
CONTROL_RE = re.compile(f"[{XML_FORBIDDEN}{DEL_AND_C1}]")
DOCUMENT_CONTROL_RE = re.compile(f"[{XML_FORBIDDEN}{DEL_AND_C1}{BIDI_CONTROLS}{BOM}]")
