"""Writes nn_cases.json (and special_cases.json): both come from special_cases.py."""
import runpy, os
runpy.run_path(os.path.join(os.path.dirname(__file__), "special_cases.py"))
