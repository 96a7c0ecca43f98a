"""``python -m acl_async``: the same as ``acl-async`` (including the SDK flags ``--ddk-path``,
``--includedir``, ``--libdir``, ``--stubdir``, ``--cmakedir``, ``--env`` and ``--coverage``)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
