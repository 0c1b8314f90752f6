#!/usr/bin/env python3
"""发布用的安全构建：先在临时目录中构建，完全成功后才替换网站目录。

用法见 kbtools/build.py 开头的说明，或运行 python scripts/build.py --help。
"""
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: kb/ and kbtools/

from kbtools.build import main

if __name__ == "__main__":
    sys.exit(main())
