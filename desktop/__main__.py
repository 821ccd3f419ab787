"""``python -m desktop`` starts Article Browser."""

import sys

from desktop.app import main

if __name__ == "__main__":  # the import-helper process imports this module too
    sys.exit(main())
