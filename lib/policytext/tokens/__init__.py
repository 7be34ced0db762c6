"""Tokens: a report segmented into a token table, the content-token filter, and scopes.

:mod:`.segmentation` (jieba with the policy dictionary; the token table), :mod:`.filters` (which
tokens an analysis counts) and :mod:`.scopes` (report, chapter, section, paragraph as typed
columns).  Every analysis starts here.
"""
