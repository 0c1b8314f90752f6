#!/usr/bin/env python3
"""培训离线包：把网站构建成可以离线浏览的文件夹，打成一个 zip。

用法见 kbtools/bundle.py 开头的说明，或运行 python scripts/bundle.py --help。
"""
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: kb/ and kbtools/

from kbtools.bundle import main

if __name__ == "__main__":
    sys.exit(main())
