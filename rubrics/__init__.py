# Makes the bundled rubrics importable as zhijian.bundled_rubrics (see pyproject.toml).
