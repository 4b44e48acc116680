import sys

from labstudio.cli import main

sys.exit(main())
