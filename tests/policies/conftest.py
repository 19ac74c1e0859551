"""Rule tests import the pack's modules the way Pulumi's analyzer does: the pack directory on sys.path."""

import sys

from platform_spec.paths import project_root

PACK_DIR = project_root() / "policies"
if str(PACK_DIR) not in sys.path:
    sys.path.insert(0, str(PACK_DIR))
