"""Sphinx extension of the policytext book: no live-code (Thebe) scripts in the pages.

Jupyter Book 1 always loads sphinx-thebe, whatever ``launch_buttons.thebe`` says.  It adds
its inline configuration once per reading pass, and a Jupyter Book build reads twice, so
every page declared ``const THEBE_JS_URL`` twice and the browser stopped that script with
"Identifier 'THEBE_JS_URL' has already been declared"; activated, it would fetch Thebe from
unpkg.com.  The book runs offline and has no live code, so each page drops those scripts.
Loaded by ``notebooks/_config.yml`` (``sphinx: extra_extensions``).
"""

from __future__ import annotations


def _is_thebe(script) -> bool:
    name = str(getattr(script, "filename", None) or "")
    body = getattr(script, "attributes", {}).get("body", "")
    return "thebe" in name.lower() or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not _is_thebe(s)]


def setup(app):
    app.connect("html-page-context", _drop_thebe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
