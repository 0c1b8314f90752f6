#!/usr/bin/env python3
"""性能基准：生成 N 个条目的模拟知识库，用真实的 mkdocs 构建，报告耗时和体积。

用法见 kbtools/bench.py 开头的说明，或运行 python scripts/bench.py --help。
"""
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: kb/ and kbtools/

from kbtools.bench import main

if __name__ == "__main__":
    sys.exit(main())
