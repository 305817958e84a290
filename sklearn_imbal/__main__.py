"""``python -m sklearn_imbal``: the ``sklearn-imbal`` command (see :mod:`sklearn_imbal.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
