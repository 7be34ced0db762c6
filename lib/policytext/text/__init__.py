"""Text: the rules that read Chinese text, with no report and no table in sight.

Character classes (:mod:`.chars`), numerals (:mod:`.numerals`), the number grammar
(:mod:`.numbers`), the plain-text lexicons and cue lists of ``resources/`` (:mod:`.lexicons`) and
lossless rewriting with an audit (:mod:`.rewrite`).  The bottom layer of the library: it imports
nothing above it (``lint-imports`` checks this; see ``pyproject.toml``).
"""
