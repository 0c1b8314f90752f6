#!/usr/bin/env python3
"""把公开版现有页面的网址加进 urls/published.txt（说明见 kbtools/published_urls.py）。"""
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: kb/ and kbtools/

from kbtools.published_urls import main

if __name__ == "__main__":
    sys.exit(main())
