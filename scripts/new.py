#!/usr/bin/env python3
"""新建一个条目页面：自动取下一个编号，写好 front matter 和必需的小标题。

用法见 kbtools/new.py 开头的说明，或运行 python scripts/new.py --help。
"""
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: kb/ and kbtools/

from kbtools.new import main

if __name__ == "__main__":
    sys.exit(main())
