"""What the frozen build runs: the same entry point as the article-browser command."""

import sys

from desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
