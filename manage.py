#!/usr/bin/env python
"""Django's manage.py; `linkwell` (installed by the project) does the same."""

from linkwell.cli import main

if __name__ == "__main__":
    main()
