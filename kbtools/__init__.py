"""The project's tools: finding the project, building it (for deploys, offline bundles and
handouts), checking content, scaffolding pages and benchmarking.

Unlike `kb/`, which never imports mkdocs, this package drives mkdocs and Playwright.
The files in `scripts/` are entry points of a few lines that call `main()` here.
"""
