"""Helpers for the tests: projects and builds, the browser, views of a built site, the link check."""
