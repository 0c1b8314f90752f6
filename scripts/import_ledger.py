#!/usr/bin/env python3
"""把填好的整改台账（Excel）读回知识库，更新各整改措施页面。

用法见 kbtools/import_ledger.py 开头的说明，或运行 python scripts/import_ledger.py --help。
"""
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: kb/ and kbtools/

from kbtools.import_ledger import main

if __name__ == "__main__":
    sys.exit(main())
