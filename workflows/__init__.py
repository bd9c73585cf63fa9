"""The procedures, one sub-package each. Each may have a ``demo.py`` with ``seed(demo)``."""
