# Everything is in pyproject.toml. This shim exists for `scrapyd-deploy`, which builds its egg with
# `python setup.py bdist_egg` and would otherwise write a setup.py of its own into the checkout.
from setuptools import setup

setup()
