"""Synthetic raw exports of an automotive after-sales network.

Pipeline (scripts/generate_data.py drives it):

1. ``dms.simulate_dms(config, rng) -> DmsWorld``: stores, employees, customers, vehicles,
   work orders and their lines, the time clock; the causal chain and the planted episodes.
2. ``crm_erp.simulate_crm_erp(config, world, rng) -> CrmErpResult``: surveys, contacts, coupons,
   complaints, online reviews and the monthly ledger, driven by what happened in the DMS.
3. ``dirty.inject_bad_rows(tables, rng) -> (tables, DirtyReport)`` (only with ``--dirty``).
4. ``writers.write_tables(...)``: CSV or Parquet in the contract's text formats, plus
   ``_manifest.json`` (what was planted where) and ``_dirty_counts.json``.

Every table is a pandas DataFrame whose public columns are exactly ``schema.TABLES``; columns
whose name starts with ``_`` are internal (latent state shared between steps) and never written.
"""
