#!/usr/bin/env python3
"""搜索评测：在 chromium 中运行搜索查询集，统计 recall@10、precision@1、空答和索引大小。

用法见 kbtools/search_eval.py 开头的说明，或运行 python scripts/search_eval.py --help。
"""
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: kb/ and kbtools/

from kbtools.search_eval import main

if __name__ == "__main__":
    sys.exit(main())
