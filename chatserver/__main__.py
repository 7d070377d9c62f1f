"""`python -m chatserver`: the same program as the `chatserver` console script."""

import sys

from chatserver.cli import main

sys.exit(main())
