#!/usr/bin/env python3
"""检查知识库：与构建使用同一套校验，公开版和内部版都检查，并做中文排版检查。

用法见 kbtools/check.py 开头的说明，或运行 python scripts/check.py --help。
"""
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: kb/ and kbtools/

from kbtools.check import main

if __name__ == "__main__":
    sys.exit(main())
