"""Vendor names: the key under which spelling variants of one vendor meet."""

from __future__ import annotations

import re
import unicodedata

_FORMS = re.compile(r"株式会社|有限会社|合同会社|\(株\)|\(有\)|\(同\)|kabushikikaisha|co\.?,?ltd\.?|inc\.?")
_SPACES = re.compile(r"[\s　・]+")


def vendor_key(name: str) -> str:
    """Fold a vendor name for matching only: width, case, spaces and the company form (株式会社, (株), ㈱).

    ``株式会社エーシステム``, ``(株)エーシステム`` and ``ｴｰｼｽﾃﾑ㈱`` share one key. The name shown and stored
    stays as written.
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    folded = _SPACES.sub("", folded)
    return _FORMS.sub("", folded).strip(",.")
