"""``python -m desktop`` starts Article Browser."""

import sys

from desktop.app import main

sys.exit(main())
