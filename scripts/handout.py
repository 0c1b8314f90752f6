#!/usr/bin/env python3
"""打印讲义：把一个培训专题涉及的条目（或整个知识库）排成一份 PDF。

用法见 kbtools/handout.py 开头的说明，或运行 python scripts/handout.py --help。
"""
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: kb/ and kbtools/

from kbtools.handout import main

if __name__ == "__main__":
    sys.exit(main())
