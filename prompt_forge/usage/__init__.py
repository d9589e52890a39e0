"""Token budgets (quota.py: reserve before generating, settle after, atomic across processes) and the
usage report (report.py: GET /api/usage, summed from the stored prompts' metadata)."""
