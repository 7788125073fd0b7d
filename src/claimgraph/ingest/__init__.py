"""Text analysis for ``claimgraph ingest``: structure, sentences and candidate claims, in-text
citations and reported speech of a new author-date essay, as pure functions over one ``str``.

Every offset is a Python ``str`` index into the text given (end exclusive); nothing here writes
RDF. The integrator turns the results into a draft graph for an analyst to curate.
"""
