"""Route composition for Wijktour: travel times, stop ordering, stop suggestion and GPX export.

Pure Python package: no Django imports, so it can be used and tested on its own.
"""
