"""``python -m acl_async.cli``: the same as ``acl-async``."""

import sys

from . import main

sys.exit(main())
