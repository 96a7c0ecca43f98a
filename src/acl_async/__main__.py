"""``python -m acl_async``: the same as ``acl-async`` (including the SDK flags ``--ddk-path``,
``--includedir``, ``--libdir``, ``--cmakedir``)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
