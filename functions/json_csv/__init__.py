"""JSON records → CSV rows: the parser, flattener and writer shared by json_to_csv_s3 (objects in
S3) and json_to_csv_stream (Kinesis records).

Kept once, here; `make build` copies this package into both functions' zips (each function lists
it in its shared.txt), so each zip stays self-contained and its code can never drift from the
version it was tested with.
"""
