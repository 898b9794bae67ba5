"""The ``paywire`` logger: the core's tracing events arrive here.

``PAYWIRE_LOG=debug`` (or ``info``, ``warning``, ``error``, ``trace``) turns logging to stderr
on without code. Otherwise configure the ``paywire`` logger like any other; the native side
follows its effective level, so a disabled logger costs (almost) nothing.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("paywire")

TRACE = 5

_LEVELS = {
    "trace": TRACE,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "off": logging.CRITICAL + 10,
}


def _configure_from_env() -> None:
    logger.addHandler(logging.NullHandler())
    value = os.environ.get("PAYWIRE_LOG", "").strip().lower()
    if not value:
        return
    level = _LEVELS.get(value)
    if level is None:
        return
    logger.setLevel(level)
    if level <= logging.CRITICAL and not any(
        not isinstance(h, logging.NullHandler) for h in logger.handlers
    ):
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s")
        )
        logger.addHandler(handler)


_configure_from_env()
