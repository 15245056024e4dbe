"""Hooks for the admin schemathesis run of .ci/run (loaded through SCHEMATHESIS_HOOKS).

An upload must be a PDF, DOCX, HTML or text document with text in it, which a schema
cannot say: left alone, schemathesis uploads its sample images, archives and empty PDFs,
every deposit with files is refused (415 or 422, as documented), and the file routes
only ever answer 404. So the files of generated deposits become short text documents
(shape untouched: only values that are file bytes are replaced), and the stateful phase
reaches the file routes of reviews that have files.
"""

import schemathesis
from hypothesis import strategies as st

WORDS = [
    "agencies", "assessment", "child", "family", "health", "home", "plan", "review",
    "school", "visit", "worker", "concern", "meeting", "referral", "record", "police",
]
TEXT = st.lists(st.sampled_from(WORDS), min_size=3, max_size=60).map(
    lambda words: (" ".join(words) + ".\n").encode()
)


def is_file(value):
    """Whether a generated value is file bytes (bytes, or schemathesis' Binary wrapper)."""
    return isinstance(value, bytes) or isinstance(getattr(value, "data", None), bytes)


@schemathesis.hook
def flatmap_body(context, body):
    operation = context.operation
    files = body.get("file") if isinstance(body, dict) else None
    if (
        operation is None
        or (operation.method.upper(), operation.path) != ("POST", "/api/v1/reviews")
        or not isinstance(files, list)
        or not any(is_file(item) for item in files)
    ):
        return st.just(body)
    return st.lists(TEXT, min_size=len(files), max_size=len(files)).map(
        lambda texts: {
            **body,
            "file": [text if is_file(item) else item for item, text in zip(files, texts)],
        }
    )
