"""Mend one line of a library function by recompiling its source with that line replaced.

Used where a bug sits in the middle of a long WeasyPrint function that no hook reaches
(notefix.py, tagfix.py). A mend applies only where the line to replace is found exactly
once; otherwise the library is left as it is and a debug message says so.
"""

from __future__ import annotations

import inspect
import logging
from types import ModuleType

__all__ = ["replace_line"]

log = logging.getLogger(__name__)


def replace_line(module: ModuleType, name: str, old: str, new: str) -> bool:
    """Recompile module.name with the one line `old` replaced by `new`; say if it was."""
    function = getattr(module, name, None)
    try:
        lines, first = inspect.getsourcelines(function)
    except (OSError, TypeError):
        lines, first = [], 1
    source = "".join(lines)
    if source.count(old) != 1:
        log.debug("%s.%s has changed; left as it is", module.__name__, name)
        return False
    namespace: dict[str, object] = {}
    # Blank lines first, so that a traceback names the line of the module it comes from.
    source = "\n" * (first - 1) + source.replace(old, new)
    exec(compile(source, module.__file__, "exec"), module.__dict__, namespace)
    setattr(module, name, namespace[name])
    return True
