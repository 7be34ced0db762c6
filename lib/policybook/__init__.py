"""policybook: the project's run and site builder (``make run``), outside the ``policytext`` package.

:mod:`.notebooks` executes the notebooks, :mod:`.site` builds the static site, :mod:`.sphinx_offline`
is the Sphinx extension that keeps the pages offline; ``python -m policybook`` runs both steps.
"""
