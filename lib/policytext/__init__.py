"""policytext: mining Chinese government work reports (政府工作报告).

Reading and cleaning → structure and segmentation → analyses → CLI and
notebooks.  Each layer imports only from the layers below it.
"""

from .cleaning import CleanText, clean_text, restore_raw
from .document import Report, report_from_text
from .errors import PolicyTextError, ReportError
from .metadata import Metadata, extract_metadata
from .reading import read_report

__version__ = "0.1.0"

__all__ = [
    "CleanText", "Metadata", "PolicyTextError", "Report", "ReportError",
    "clean_text", "extract_metadata", "read_report", "report_from_text", "restore_raw",
    "__version__",
]
