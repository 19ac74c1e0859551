"""Rule tests import the pack's modules the way Pulumi's analyzer does: the pack directory on sys.path."""

import sys
from pathlib import Path

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
if str(PACK_DIR) not in sys.path:
    sys.path.insert(0, str(PACK_DIR))
