"""Views of the one result model: Gradescope JSON, JUnit XML, terminal table, Markdown."""
