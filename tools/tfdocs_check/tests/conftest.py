import sys
from pathlib import Path

# Make `import tfdocs_check` work without installing the package (pytest runs with
# --import-mode=importlib, which does not put test directories on sys.path).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
