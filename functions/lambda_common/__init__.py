"""Code every handler shares: the environment parser and the S3 event parser.

Kept once, here; `make build` copies this package into each function's zip (each function lists
it in its shared.txt), so a zip stays self-contained and runs the code it was tested with.

One error model for every function: a setting that is missing or malformed stops the cold start
with `ConfigError`; input that can never be processed (a malformed record) is rejected with a
reason — logged, counted and not retried; AWS errors are raised, so Lambda's retries and the
on-failure destinations keep the event.
"""
