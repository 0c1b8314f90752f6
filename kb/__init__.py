"""Content engine of the 清廉建设知识库.

Plain Python with no dependency on mkdocs: the content model, the loader
that reads and validates front matter, the content index with backlinks,
the renderers that turn the index into Markdown, and the checks. mkdocs
glue lives in ``macros/`` and stays thin so that a port to another static
site generator only needs a new glue layer.
"""
