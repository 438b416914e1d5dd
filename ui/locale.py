"""The interface in Chinese whatever the browser's language: Gradio picks its own strings (upload area, footer,
settings) from navigator.language, and the product's readers are Chinese readers."""

from __future__ import annotations

import logging
from pathlib import Path

import gradio as gr

log = logging.getLogger("speechqa.app")
LOCALE = "zh-CN"


def chinese_ui_js() -> str | None:
    """JavaScript run on page load that switches Gradio's strings to Chinese, or None if this Gradio has no
    locale switch. Gradio exposes the switch (changeLocale, used by its Settings panel) only from its bundled core
    module, whose file name carries a content hash, so the file is found here rather than written down."""
    assets = Path(gr.__file__).parent / "templates" / "frontend" / "assets"
    for module in sorted(assets.glob("core-*.js")):
        if "changeLocale" in module.read_text(encoding="utf-8", errors="ignore"):
            # the page's scripts live in assets/, so the import is relative to them (works under a proxy's root path)
            return f"async () => {{ (await import('./{module.name}')).changeLocale('{LOCALE}'); }}"
    log.warning("this Gradio has no changeLocale in its core module; its own strings follow the browser's language")
    return None
