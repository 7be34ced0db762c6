"""Documents: a report file read, cleaned with an audit, its metadata and its outline.

:mod:`.reading` (files, encodings, bad input) → :mod:`.report` (the :class:`~.report.Report` and its
one constructor) → :mod:`.structure` (parts, chapters, sections, paragraphs, sentences) and
:mod:`.metadata` (title, year, place, level, speaker) → :mod:`.cleaning` (passes and audit) and
:mod:`.cues` (the cue lists they share).  Built on :mod:`policytext.text`.
"""
