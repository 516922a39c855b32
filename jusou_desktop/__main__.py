"""``python -m jusou_desktop`` behaves like the ``jusou-desktop`` command."""

import sys

from jusou_desktop.cli import main

sys.exit(main())
