"""Treaty KB's shared plumbing, the bottom layer: it imports no app of the project.

caching (the data version, cached aggregates and whole responses), tracking (link changes move
``modified_at``), history (grouped change history), params (one grammar for dates, ``as_of``,
pages and filter errors), csvfiles (one cell vocabulary and column specs), imports (CSV import
reports), admin (the editorial admin's base), api (the API's base classes, backends, pagination,
renderers, conditional requests), backups. See docs/architecture.md.
"""
