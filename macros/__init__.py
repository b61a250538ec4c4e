# Makes the ribbon source importable as zhijian.macros (see pyproject.toml).
