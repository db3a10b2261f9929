"""``python -m hbr_emulator``: the same as the hbr-emulator command."""

import sys

from .cli import main

sys.exit(main())
