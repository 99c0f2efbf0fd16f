"""The ``opora`` command: Django's management commands under the product's name.

``opora demo``, ``opora migrate``, ``opora runserver`` … are the same commands as
``python manage.py …``, available wherever the package is installed.
"""

import os
import sys


def print_progress(percent: int, message: str) -> None:
    """Progress of long work on one terminal line, on standard error."""
    sys.stderr.write(f"\r{percent:3d}% {message:<70}")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opora.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["opora", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
